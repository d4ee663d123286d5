import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
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
@Controller('v1/webhooks/xaman')
export class XamanWebhookController {
  constructor(private readonly receive: ReceiveXamanWebhook) {}

  @Public()
  @Post()
  @HttpCode(200)
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
