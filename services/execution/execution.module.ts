import { Module } from '@nestjs/common';
import { SecretsModule } from '@chainmail/secrets';
import { ExecutionService } from './execution.service';

/** Runs workflows: the engine's decisions, appended to the log, and the agent calls they ask for. */
@Module({ imports: [SecretsModule], providers: [ExecutionService] })
export class ExecutionModule {}
