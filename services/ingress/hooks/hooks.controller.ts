import { Controller, Headers, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../identity/access.decorators';
import { RunResponder } from '../runs/sync/run.responder';
import type { HookRequest } from './hook-body.middleware';
import { ReceiveWebhookUseCase } from './receive-webhook.usecase';
import { SIGNATURE_HEADER } from './webhook-signature';

/** `POST /hooks/<path>`: 202 with the run id, or the run's outcome when the workflow is `sync`. */
/** Webhooks carry no token: a trigger with a secret checks the body's signature instead. */
@Controller('hooks')
@Public()
export class HooksController {
  constructor(
    private readonly webhooks: ReceiveWebhookUseCase,
    private readonly responder: RunResponder,
  ) {}

  @Post('*path')
  async receive(
    @Param('path') path: string | string[],
    @Req() req: HookRequest,
    @Res({ passthrough: true }) res: Response,
    @Headers('content-type') contentType?: string,
    @Headers(SIGNATURE_HEADER) signature?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<unknown> {
    const accepted = await this.webhooks.receive({
      path: Array.isArray(path) ? path.join('/') : path,
      body: req.hookBody ?? { raw: Buffer.alloc(0) },
      contentType,
      signature,
      idempotencyKey,
      remoteAddress: req.ip,
    });
    return this.responder.respond(res, accepted, accepted.mode === 'sync');
  }
}
