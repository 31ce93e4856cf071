import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RUN_VIEW_STATUSES } from '@chainmail/persistence';

/** What the run endpoints answer (the shapes of `@chainmail/persistence`'s run views, for the OpenAPI document). */

const objectSchema = { type: 'object', additionalProperties: true } as const;

export class RunError {
  @ApiProperty({ example: 'STEP_FAILED' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() stepId?: string;
}

/** The answer to a request that started a run: 202 accepted (or still running), 200 with the outcome when it waited. */
export class RunAnswer {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty() workflow!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['accepted', 'running', 'succeeded', 'failed', 'cancelled'] }) status!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'when it succeeded' })
  output?: string | null;
  @ApiPropertyOptional({ type: RunError, nullable: true, description: 'when it failed or was cancelled' })
  error?: RunError | null;
}

export class RunSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty() workflow!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: RUN_VIEW_STATUSES }) status!: string;
  @ApiProperty() owner!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({
    ...objectSchema,
    description: 'how it started: api, cli, email, webhook, schedule, workflow',
  })
  trigger!: object;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: RunError, nullable: true }) error!: RunError | null;
  @ApiProperty() stepsTotal!: number;
  @ApiProperty() stepsSucceeded!: number;
  @ApiProperty() lastSeq!: number;
}

export class StepView {
  @ApiProperty() stepId!: string;
  @ApiProperty({ enum: ['running', 'waiting', 'succeeded', 'failed', 'skipped'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) agent!: string | null;
  @ApiProperty() visit!: number;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) input!: string | null;
  @ApiProperty({ type: String, nullable: true }) output!: string | null;
  @ApiProperty({ ...objectSchema, nullable: true }) error!: object | null;
  @ApiProperty({ ...objectSchema, nullable: true, description: 'tokens and cost' }) usage!: object | null;
  @ApiProperty({ type: String, nullable: true }) skipReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty() position!: number;
}

export class PausedAtView {
  @ApiProperty({ description: 'the step the run waits before' }) step!: string;
  @ApiProperty() visit!: number;
  @ApiPropertyOptional({ description: "the step's resolved input (agent and workflow steps)" })
  input?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ForkOriginView {
  @ApiProperty() runId!: string;
  @ApiProperty({ description: "the source run's last commit when it was forked" }) seq!: number;
  @ApiProperty() step!: string;
}

export class FailurePolicyView {
  @ApiProperty({ ...objectSchema, nullable: true, description: "the step's retry policy" }) retry!:
    object | null;
  @ApiProperty({ enum: ['abort', 'skip', 'continue', 'goto'] }) onError!: string;
  @ApiProperty({ description: 'what the policy did, in words' }) did!: string;
}

export class FailureView {
  @ApiProperty({ type: String, nullable: true, description: 'the failing step' }) step!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'its resolved input' }) input!: string | null;
  @ApiProperty({ type: RunError }) error!: RunError;
  @ApiProperty({
    type: 'array',
    items: objectSchema,
    description: "each failed attempt of the step's last visit: {attempt, error, at}",
  })
  attempts!: object[];
  @ApiProperty({ type: FailurePolicyView, nullable: true }) policy!: FailurePolicyView | null;
}

export class OpenCheckpointView {
  @ApiProperty({ description: 'the checkpoint step' }) step!: string;
  @ApiProperty() visit!: number;
  @ApiProperty() message!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'what each decision does: continue, abort, goto <step>',
    example: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
  })
  actions!: Record<string, string> | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when its timeout decides' })
  deadline!: string | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'who may decide: mail addresses, owner, team:<id>',
  })
  approvers!: string[] | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt!: string | null;
}

export class RunDetailView extends RunSummaryView {
  @ApiProperty(objectSchema) inputs!: Record<string, unknown>;
  @ApiProperty({ description: 'paused before every step (step-by-step debugging)' }) debug!: boolean;
  @ApiProperty({ type: String, nullable: true }) output!: string | null;
  @ApiProperty({ type: PausedAtView, nullable: true, description: 'a paused run: where it waits' })
  pausedAt!: PausedAtView | null;
  @ApiProperty({ type: ForkOriginView, nullable: true, description: 'a forked run: where it came from' })
  forkedFrom!: ForkOriginView | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description: "the W3C trace id of the run's trace (null for runs projected without one)",
  })
  traceId!: string | null;
  @ApiProperty({ type: FailureView, nullable: true, description: 'a failed run: why' })
  failure!: FailureView | null;
  @ApiProperty({ type: [StepView] }) steps!: StepView[];
  @ApiProperty({
    type: OpenCheckpointView,
    nullable: true,
    description: 'the checkpoint the run waits at (status waiting), else null',
  })
  checkpoint!: OpenCheckpointView | null;
}

export class DebugAnswer {
  @ApiProperty() runId!: string;
  @ApiProperty() stepId!: string;
  @ApiProperty() visit!: number;
  @ApiProperty() accepted!: boolean;
}

export class PauseAnswer {
  @ApiProperty() runId!: string;
  @ApiProperty() accepted!: boolean;
}

export class ForkAnswer {
  @ApiProperty({ description: 'the new run' }) runId!: string;
  @ApiProperty() workflow!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: ForkOriginView }) forkedFrom!: ForkOriginView;
}

export class StepStateView {
  @ApiProperty() stepId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, nullable: true }) kind!: string | null;
  @ApiProperty({ type: String, nullable: true }) agent!: string | null;
  @ApiProperty() visit!: number;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) input!: string | null;
  @ApiProperty({ type: String, nullable: true }) output!: string | null;
  @ApiProperty({ ...objectSchema, nullable: true }) error!: object | null;
  @ApiProperty({ type: String, nullable: true }) skipReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ description: 'a loop or rewind sent the run back before it: its fields are its last visit' })
  pending!: boolean;
}

export class RunStateView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'the commit this is the state after' }) seq!: number;
  @ApiProperty() workflow!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled'] })
  status!: string;
  @ApiProperty() owner!: string;
  @ApiProperty() actor!: string;
  @ApiProperty(objectSchema) inputs!: Record<string, unknown>;
  @ApiProperty() debug!: boolean;
  @ApiProperty({ type: String, nullable: true }) output!: string | null;
  @ApiProperty({ ...objectSchema, nullable: true }) error!: object | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: PausedAtView, nullable: true }) pausedAt!: PausedAtView | null;
  @ApiProperty({ type: ForkOriginView, nullable: true }) forkedFrom!: ForkOriginView | null;
  @ApiProperty({ type: [StepStateView] }) steps!: StepStateView[];
}

export class RunPage {
  @ApiProperty({ type: [RunSummaryView] }) runs!: RunSummaryView[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `before` for the next page' })
  nextCursor!: string | null;
}

export class RunEventsView {
  @ApiProperty() runId!: string;
  @ApiProperty({
    type: 'array',
    items: objectSchema,
    description: 'every event of the run, in order, each with the `seq` of its commit',
  })
  events!: object[];
}

export class CancelAnswer {
  @ApiProperty() runId!: string;
  @ApiProperty({ description: 'the status when the cancel was asked' }) status!: string;
  @ApiProperty() cancelRequested!: boolean;
}

export class CheckpointAnswer {
  @ApiProperty() runId!: string;
  @ApiProperty() stepId!: string;
  @ApiProperty() visit!: number;
  @ApiProperty({ enum: ['approve', 'reject', 'edit'] }) action!: string;
  @ApiProperty() accepted!: boolean;
}

export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: ['email', 'webhook'] }) channel!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ enum: ['sending', 'retrying', 'sent', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'address or URL' }) recipient!: string;
  @ApiProperty({ type: String, nullable: true }) messageId!: string | null;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
}

export class DeliveryList {
  @ApiProperty() runId!: string;
  @ApiProperty({ type: [DeliveryView] }) deliveries!: DeliveryView[];
}
