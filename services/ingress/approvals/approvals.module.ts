import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ChainmailConfig } from '@chainmail/config';
import { CommandBus } from '@chainmail/event-log';
import { ApprovalLinkRepository, ApproverDirectory } from '@chainmail/identity';
import { ApprovalReadRepository } from '@chainmail/persistence';
import { CHAINMAIL_CONFIG, DATA_SOURCE } from '@chainmail/platform';
import { approvalLinkKey } from '@chainmail/secrets';
import type { DataSource } from 'typeorm';
import { replyMailer, type ReplyMailer } from '../mail/reply-mailer';
import { RunCommandsModule } from '../runs/run-commands.module';
import { RunViews } from '../runs/run-views';
import { RunViewsModule } from '../runs/run-views.module';
import { ApprovalLinksController } from './approval-links.controller';
import { ApprovalLinksUseCase } from './approval-links.usecase';
import { ApprovalsController } from './approvals.controller';
import { ApproverDecisionUseCase } from './approver-decision.usecase';

export const REPLY_MAILER = Symbol('REPLY_MAILER');

/**
 * Decisions at checkpoints by their approvers, named by mail address: replies to checkpoint mails
 * (through the inbound mail module) and signed approval links (`/approvals/:token`); and the list
 * of what waits for the caller's decision (`GET /v1/approvals`).
 */
@Module({
  imports: [RunViewsModule, RunCommandsModule],
  controllers: [ApprovalLinksController, ApprovalsController],
  providers: [
    {
      provide: ApprovalReadRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new ApprovalReadRepository(db),
    },
    {
      provide: ApproverDecisionUseCase,
      inject: [RunViews, CommandBus, DATA_SOURCE],
      useFactory: (views: RunViews, bus: CommandBus, db: DataSource) =>
        new ApproverDecisionUseCase(views, bus, new ApproverDirectory(db)),
    },
    {
      provide: ApprovalLinksUseCase,
      inject: [ApproverDecisionUseCase, RunViews, DATA_SOURCE, CHAINMAIL_CONFIG],
      useFactory: (
        decisions: ApproverDecisionUseCase,
        views: RunViews,
        db: DataSource,
        config: ChainmailConfig,
      ) =>
        new ApprovalLinksUseCase(
          approvalLinkKey(config),
          decisions,
          new ApprovalLinkRepository(db),
          views.reads,
        ),
    },
    {
      provide: REPLY_MAILER,
      inject: [CHAINMAIL_CONFIG],
      useFactory: (config: ChainmailConfig) => replyMailer(config),
    },
  ],
  exports: [ApproverDecisionUseCase, REPLY_MAILER],
})
export class ApprovalsModule implements OnApplicationShutdown {
  constructor(@Inject(REPLY_MAILER) private readonly mailer: ReplyMailer) {}

  onApplicationShutdown(): void {
    this.mailer.close();
  }
}
