import { Module } from '@nestjs/common';
import { ExecutionService } from './execution.service';

/** Runs workflows: the engine's decisions, appended to the log, and the agent calls they ask for. */
@Module({ providers: [ExecutionService] })
export class ExecutionModule {}
