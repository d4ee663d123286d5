import { Controller, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { CoordinationService } from '@app/domain';
import { XamanWebhookReceiptEntity } from '@app/persistence';
import { verifyXamanWebhook } from '@app/xaman';
import { Public } from '../auth/auth.decorators';
import { ApiException } from '../common/api-error.filter';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Xaman's callback. Authenticated by its HMAC (over the raw bytes, constant-time), not by an API
 * key; stale timestamps and replays are refused. Its body is only a hint: the payload is re-read
 * from the Xaman API before anything is decided.
 */
@Controller('v1/webhooks/xaman')
export class XamanWebhookController {
  private readonly logger = new Logger('XamanWebhook');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly coordination: CoordinationService,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  async receive(@Req() req: Request & { rawBody?: Buffer }) {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const check = verifyXamanWebhook({
      apiSecret: this.config.xaman.apiSecret,
      timestampHeader: header('x-xumm-request-timestamp'),
      signatureHeader: header('x-xumm-request-signature'),
      rawBody: req.rawBody,
      nowSeconds: Math.floor(Date.now() / 1000),
      maxSkewSeconds: this.config.xaman.webhookMaxSkewSeconds,
    });
    if (!check.ok) {
      this.logger.warn({ code: check.code }, 'webhook refused');
      throw new ApiException(check.code, check.message);
    }

    const body = req.body as { meta?: { payload_uuidv4?: unknown } } | undefined;
    const payloadUuid = body?.meta?.payload_uuidv4;
    if (typeof payloadUuid !== 'string' || !UUID.test(payloadUuid)) {
      throw new ApiException('VALIDATION_FAILED', 'meta.payload_uuidv4 must be a payload UUID.', {
        fields: [{ field: 'meta.payload_uuidv4' }],
      });
    }
    const attempt = Number(header('x-xumm-attempt'));
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(XamanWebhookReceiptEntity)
      .values({
        signature: header('x-xumm-request-signature')!,
        payloadUuid: payloadUuid.toLowerCase(),
        requestTimestamp: check.timestamp,
        attempt: Number.isInteger(attempt) && attempt >= 0 && attempt <= 1000 ? attempt : null,
      })
      .orIgnore()
      .execute();
    if (inserted.identifiers.length === 0 || (inserted.raw as unknown[]).length === 0) {
      throw new ApiException('WEBHOOK_REPLAYED', 'This exact webhook was already received.');
    }

    let outcome: string;
    try {
      outcome = await this.coordination.processPayload(payloadUuid.toLowerCase(), 'webhook');
    } catch (error) {
      // Not processed: answer 503 so Xaman delivers it again (a retry carries a fresh signature).
      this.logger.warn({ payloadUuid, err: error }, 'webhook could not be processed now');
      throw new ApiException(
        'XAMAN_UNAVAILABLE',
        'The payload could not be read from Xaman now; retry later.',
      );
    }
    return { received: true, outcome };
  }
}
