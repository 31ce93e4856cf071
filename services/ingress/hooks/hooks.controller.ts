import { Controller, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../identity/access.decorators';
import { RunAnswer } from '../runs/run.dto';
import { RunResponder } from '../runs/sync/run.responder';
import type { HookRequest } from './hook-body.middleware';
import { ReceiveWebhookUseCase } from './receive-webhook.usecase';
import { SIGNATURE_HEADER } from './webhook-signature';

/** `POST /hooks/<path>`: 202 with the run id, or the run's outcome when the workflow is `sync`. */
/** Webhooks carry no token: a trigger with a secret checks the body's signature instead. */
@ApiTags('webhooks')
@Controller('hooks')
@Public()
export class HooksController {
  constructor(
    private readonly webhooks: ReceiveWebhookUseCase,
    private readonly responder: RunResponder,
  ) {}

  @Post('*path')
  @ApiBody({
    description: 'any body: a JSON object becomes the inputs, the raw body is {{user_input}}',
    schema: { type: 'object', additionalProperties: true },
    required: false,
  })
  @ApiHeader({
    name: SIGNATURE_HEADER,
    required: false,
    description: 'sha256=<hex HMAC-SHA256 of the raw body>',
  })
  @ApiHeader({ name: 'idempotency-key', required: false, description: 'the same key starts one run' })
  @ApiHeader({ name: 'content-type', required: false })
  @ApiResponse({ status: 202, type: RunAnswer })
  @ApiResponse({ status: 200, type: RunAnswer, description: 'the outcome of a `mode: sync` workflow' })
  async receive(
    @Param('path') path: string | string[],
    @Req() req: HookRequest,
    @Res({ passthrough: true }) res: Response,
    @Headers('content-type') contentType?: string,
    @Headers(SIGNATURE_HEADER) signature?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RunAnswer> {
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
