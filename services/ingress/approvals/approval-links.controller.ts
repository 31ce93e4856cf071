import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../identity/access.decorators';
import { approvalPage } from './approval-page';
import { ApprovalLinksUseCase, type LinkAnswer, type LinkForm } from './approval-links.usecase';

/**
 * The page of an approval link from a checkpoint mail. No token: the signed link is the
 * credential, for one decision by one approver. GET shows; only POST (its button) acts.
 */
@ApiExcludeController()
@Controller('approvals')
@Public()
export class ApprovalLinksController {
  constructor(private readonly links: ApprovalLinksUseCase) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    send(res, await this.links.show(token));
  }

  @Post(':token')
  async act(
    @Param('token') token: string,
    @Body() body: LinkForm | undefined,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.links.act(token, body ?? {}));
  }
}

function send(res: Response, answer: LinkAnswer): void {
  res
    .status(answer.status)
    .set({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The link is the credential: never sent on as a Referer, never framed, nothing but its own form.
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'x-robots-tag': 'noindex',
    })
    .send(approvalPage(answer.view));
}
