export * from './data-source';
export * from './entities/run-view.entity';
export * from './entities/step-view.entity';
export * from './entities/inbound-message.entity';
export * from './run-projection';
export * from './run-projection.writer';
export * from './run-projection.progress';
export * from './run-read.model';
/** The run views the read models fill, defined in contracts (the console shows the same). */
export type {
  AttemptError,
  OpenCheckpoint,
  PausedAt,
  RunDetail,
  RunError,
  RunFailure,
  RunSummary,
  RunViewStatus,
  StepDetail,
  StepViewStatus,
} from '@chainmail/contracts';
export * from './run-read.repository';
export * from './entities/delivery.entity';
export * from './entities/caught-mail.entity';
export * from './delivery.repository';
export * from './caught-mail.repository';
export * from './schedule-read.repository';
export { encodeListCursor, decodeListCursor, type ListCursor } from './list-cursor';
export { inRetryingTransaction, pgCode } from './retrying-transaction';
export * from './run-projection.watermark';
export { runRecordOf } from './run-record';
export { failureOf } from './run-failure';
export * from './analytics-read.repository';
export * from './approval-read.repository';
