import { ApiProperty } from '@nestjs/swagger';
import type {
  AgentAnalytics,
  AgentFigures,
  AnalyticsBucket,
  AnalyticsOverview,
  CheckpointFigures,
  ErrorCount,
  Percentiles,
  RunFigures,
  SeriesPoint,
  StepFigures,
  VersionFigures,
  WorkflowAnalytics,
  WorkflowSummaryFigures,
} from '@chainmail/contracts';

/**
 * The analytics answers as the OpenAPI document shows them; each class implements its contract
 * type, so the document cannot drift from what the server answers.
 */

const MS = { type: Number, nullable: true } as const;
const RATE = {
  type: Number,
  nullable: true,
  description:
    'succeeded / (succeeded + failed), 0 to 1; null when none finished (cancelled runs do not count)',
} as const;

export class PercentilesView implements Percentiles {
  @ApiProperty(MS) p50!: number | null;
  @ApiProperty(MS) p95!: number | null;
  @ApiProperty(MS) p99!: number | null;
}

export class ErrorCountView implements ErrorCount {
  @ApiProperty({ example: 'AGENT_TIMEOUT' }) code!: string;
  @ApiProperty() count!: number;
}

class RunFiguresView implements RunFigures {
  @ApiProperty({ description: 'runs started in the window' }) runs!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty({ description: 'failed runs, timeouts included' }) failed!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty({ description: 'not finished yet' }) running!: number;
  @ApiProperty(RATE) successRate!: number | null;
  @ApiProperty({ type: PercentilesView, description: 'durations of the runs that succeeded or failed' })
  latencyMs!: PercentilesView;
  @ApiProperty({ description: 'USD, summed over every step attempt' }) cost!: number;
  @ApiProperty({ description: 'prompt plus completion tokens' }) tokens!: number;
  @ApiProperty({ type: Number, nullable: true }) costPerRun!: number | null;
}

export class StepFiguresView implements StepFigures {
  @ApiProperty({ description: "the step's id" }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the agent most of its attempts called' })
  agent!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'agent' }) kind!: string | null;
  @ApiProperty({ description: 'executions of the step (each loop visit counts)' }) runs!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty({ description: 'executions whose last attempt failed' }) failed!: number;
  @ApiProperty(RATE) successRate!: number | null;
  @ApiProperty({ type: PercentilesView, description: "durations of the step's attempts" })
  latencyMs!: PercentilesView;
  @ApiProperty({ description: 'attempts after the first of an execution' }) retries!: number;
  @ApiProperty() cost!: number;
  @ApiProperty() tokens!: number;
  @ApiProperty({ type: [ErrorCountView], description: 'failed attempts by error code' })
  errors!: ErrorCountView[];
  @ApiProperty({ type: PercentilesView, nullable: true, description: "a checkpoint's waits for a person" })
  waitMs!: PercentilesView | null;
}

export class CheckpointFiguresView implements CheckpointFigures {
  @ApiProperty() opened!: number;
  @ApiProperty() resolved!: number;
  @ApiProperty({ type: PercentilesView }) waitMs!: PercentilesView;
  @ApiProperty({ description: 'time spent waiting for people, summed' }) totalWaitMs!: number;
}

export class SeriesPointView implements SeriesPoint {
  @ApiProperty({ format: 'date-time', description: 'start of the bucket' }) at!: string;
  @ApiProperty() runs!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty(RATE) successRate!: number | null;
  @ApiProperty({ type: PercentilesView }) latencyMs!: PercentilesView;
  @ApiProperty() cost!: number;
}

export class VersionFiguresView implements VersionFigures {
  @ApiProperty() version!: number;
  @ApiProperty() runs!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty(RATE) successRate!: number | null;
  @ApiProperty({ type: PercentilesView }) latencyMs!: PercentilesView;
}

export class WorkflowAnalyticsView extends RunFiguresView implements WorkflowAnalytics {
  @ApiProperty() workflow!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'the version asked for, else null (all)' })
  version!: number | null;
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ format: 'date-time' }) until!: string;
  @ApiProperty({ enum: ['hour', 'day'] }) bucket!: AnalyticsBucket;
  @ApiProperty({ type: [StepFiguresView], description: 'in the order they usually start' })
  steps!: StepFiguresView[];
  @ApiProperty({ type: [ErrorCountView], description: 'failed runs by error code' })
  errors!: ErrorCountView[];
  @ApiProperty({ type: CheckpointFiguresView }) checkpoints!: CheckpointFiguresView;
  @ApiProperty({ type: [VersionFiguresView] }) versions!: VersionFiguresView[];
  @ApiProperty({ type: [SeriesPointView], description: 'one point per bucket, empty ones included' })
  series!: SeriesPointView[];
}

export class WorkflowSummaryFiguresView extends RunFiguresView implements WorkflowSummaryFigures {
  @ApiProperty() workflow!: string;
}

export class AnalyticsOverviewView extends RunFiguresView implements AnalyticsOverview {
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ format: 'date-time' }) until!: string;
  @ApiProperty({ enum: ['hour', 'day'] }) bucket!: AnalyticsBucket;
  @ApiProperty({ type: [WorkflowSummaryFiguresView], description: 'busiest first' })
  workflows!: WorkflowSummaryFiguresView[];
  @ApiProperty({ type: [SeriesPointView] }) series!: SeriesPointView[];
}

export class AgentFiguresView implements AgentFigures {
  @ApiProperty({ example: 'research@' }) agent!: string;
  @ApiProperty({ description: 'step attempts that called it' }) calls!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty(RATE) successRate!: number | null;
  @ApiProperty({ type: PercentilesView }) latencyMs!: PercentilesView;
  @ApiProperty() tokens!: number;
  @ApiProperty() cost!: number;
  @ApiProperty({ description: 'workflows that called it' }) workflows!: number;
  @ApiProperty({ type: [ErrorCountView] }) errors!: ErrorCountView[];
}

export class AgentAnalyticsView implements AgentAnalytics {
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ format: 'date-time' }) until!: string;
  @ApiProperty({ type: [AgentFiguresView], description: 'busiest first' }) agents!: AgentFiguresView[];
}
