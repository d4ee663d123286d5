import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/error.responses';
import { WebhookReceivedResponse } from './webhook.responses';
import type { Request } from 'express';
import { ReceiveXamanWebhook, XAMAN_ACTOR } from '@app/domain';
import { Public } from '../auth/auth.decorators';

/**
 * Xaman's callback. Authenticated by its HMAC, not by an API key; its body is only a hint (the
 * payload is re-read from the Xaman API). An outage of Xaman, the ledger or the database answers
 * 503 with Retry-After, so Xaman delivers it again. Not rate limited: Xaman sends bursts (one
 * callback per signer and state change), and each is checked by its HMAC before anything is read.
 */
@SkipThrottle()
@ApiTags('webhooks')
@Controller('v1/webhooks/xaman')
export class XamanWebhookController {
  constructor(private readonly receive: ReceiveXamanWebhook) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: "Xaman's callback",
    description:
      'Authenticated by `x-xumm-request-signature` (HMAC-SHA1 of timestamp + body with the application ' +
      'secret), not by an API key; timestamps more than XAMAN_WEBHOOK_MAX_SKEW_SECONDS away and replays are ' +
      'refused. The body is only a hint: the payload is re-read from the Xaman API. An outage answers 503 ' +
      'with Retry-After, and Xaman delivers again. Never rate limited.',
  })
  @ApiHeader({ name: 'x-xumm-request-timestamp', required: true, description: 'Unix seconds.' })
  @ApiHeader({ name: 'x-xumm-request-signature', required: true, description: 'Hex HMAC-SHA1.' })
  @ApiHeader({ name: 'x-xumm-attempt', required: false })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['meta'],
      properties: {
        meta: {
          type: 'object',
          required: ['payload_uuidv4'],
          properties: { payload_uuidv4: { type: 'string', format: 'uuid' } },
          additionalProperties: true,
        },
      },
      additionalProperties: true,
    },
  })
  @ApiOkResponse({ type: WebhookReceivedResponse })
  @ApiErrors(
    'VALIDATION_FAILED',
    'MALFORMED_JSON',
    'PAYLOAD_TOO_LARGE',
    'WEBHOOK_SIGNATURE_INVALID',
    'WEBHOOK_TIMESTAMP_STALE',
    'WEBHOOK_REPLAYED',
    'XAMAN_UNAVAILABLE',
    'XRPL_UNAVAILABLE',
    'DATABASE_UNAVAILABLE',
    'XAMAN_API_ERROR',
    'INTERNAL_ERROR',
  )
  receiveWebhook(@Req() req: Request & { rawBody?: Buffer; id?: string | number }) {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    return this.receive.execute(
      {
        timestampHeader: header('x-xumm-request-timestamp'),
        signatureHeader: header('x-xumm-request-signature'),
        attemptHeader: header('x-xumm-attempt'),
        rawBody: req.rawBody,
        body: req.body,
      },
      { ...XAMAN_ACTOR, requestId: req.id === undefined ? null : String(req.id) },
    );
  }
}
