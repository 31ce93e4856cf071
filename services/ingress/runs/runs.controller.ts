import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CANCEL_RUN_SUBJECT,
  TERMINAL_RUN_EVENTS,
  type CancelRun,
  type Actor,
  type CheckpointDecision,
  type StoredRunCommit,
} from '@chainmail/contracts';
import { CommandBus, RunLog } from '@chainmail/event-log';
import { RunReadRepository } from '@chainmail/persistence';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import type { Response } from 'express';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { ownersVisibleTo, requireOwnerAccess } from '../ownership/owner-access';
import { RunQueries, runNotFound } from './run-queries';
import {
  CheckpointRequest,
  ForkRunRequest,
  ListRunsQuery,
  RewindRunRequest,
  RunStateQuery,
  StepRunRequest,
} from './run-requests.dto';
import {
  CancelAnswer,
  CheckpointAnswer,
  DebugAnswer,
  ForkAnswer,
  PauseAnswer,
  RunDetailView,
  RunEventsView,
  RunPage,
  RunStateView,
} from './run.dto';
import { ResolveCheckpointUseCase } from './resolve-checkpoint.usecase';
import { DebugRunUseCase } from './debug-run.usecase';
import { withFailurePolicy } from './failure-policy';

const SSE_HEARTBEAT_MS = 15_000;
/** How long a live stream waits for a run that has no events yet (started a moment ago). */
const SSE_FIRST_COMMIT_WAIT_MS = 10_000;

@ApiTags('runs')
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly queries: RunQueries,
    private readonly log: RunLog,
    private readonly commands: CommandBus,
    @Inject(RunReadRepository) private readonly readModels: RunReadRepository,
    private readonly checkpoints: ResolveCheckpointUseCase,
    private readonly debugging: DebugRunUseCase,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: RunPage })
  async list(@CurrentActor() actor: Actor, @Query() query: ListRunsQuery): Promise<RunPage> {
    return this.readModels.listRuns({ owners: ownersVisibleTo(actor), ...query });
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOkResponse({ type: RunDetailView })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<RunDetailView> {
    return withFailurePolicy(await this.queries.visibleRun(actor, id, 'read'), this.catalog);
  }

  /** Time travel: the run's state after the commit at `at` (default: its last), folded from its log. */
  @Get(':id/state')
  @RequireScope('read')
  @ApiOkResponse({ type: RunStateView })
  async state(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: RunStateQuery,
  ): Promise<RunStateView> {
    return this.debugging.stateAt(actor, id, query.at);
  }

  /** Debugging: run the step the run is paused before (optionally with `{input}`), then pause before the next. */
  @Post(':id/step')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: DebugAnswer })
  async step(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: StepRunRequest,
  ): Promise<DebugAnswer> {
    const raw = body.input;
    const input =
      raw === undefined || raw === null ? undefined : typeof raw === 'string' ? raw : JSON.stringify(raw);
    return this.debugging.step(actor, id, input);
  }

  /** Debugging: run on to the next breakpoint or the end. */
  @Post(':id/resume')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: DebugAnswer })
  async resume(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DebugAnswer> {
    return this.debugging.resume(actor, id);
  }

  /** Debugging: a running run pauses before its next top-level step, then before each until resumed. */
  @Post(':id/pause')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: PauseAnswer })
  async pause(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PauseAnswer> {
    return this.debugging.pause(actor, id);
  }

  /** Takes a failed, cancelled or finished run back to `{step}` and continues it on its pinned version. */
  @Post(':id/rewind')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: DebugAnswer })
  async rewind(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RewindRunRequest,
  ): Promise<DebugAnswer> {
    return this.debugging.rewind(actor, id, body.step);
  }

  /** A new run from `{step}` of this one, the earlier results carried over, on its version or `{version}`. */
  @Post(':id/fork')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: ForkAnswer })
  async fork(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ForkRunRequest,
  ): Promise<ForkAnswer> {
    return this.debugging.fork(actor, id, body);
  }

  @Get(':id/events')
  @RequireScope('read')
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    type: RunEventsView,
    description: 'JSON; or, with Accept: text/event-stream, live events',
  })
  async events(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (accept?.includes('text/event-stream')) {
      await this.stream(actor, id, res);
      return;
    }
    const commits = await this.log.read(id);
    if (commits.length === 0) throw runNotFound(id);
    requireOwnerAccess(actor, ownerOfRun(commits[0]) ?? '', 'read', () => runNotFound(id));
    res.json({ runId: id, events: commits.flatMap((c) => c.events.map((e) => ({ ...e, seq: c.seq }))) });
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: CancelAnswer })
  async cancel(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CancelAnswer> {
    const run = await this.queries.visibleRun(actor, id, 'run');
    const command: CancelRun = {
      type: 'CancelRun',
      commandId: `cancel:${id}`,
      runId: id,
      reason: 'cancelled through the API',
      by: actor.userId,
    };
    await this.commands.send(CANCEL_RUN_SUBJECT, command);
    return { runId: id, status: (run as { status: string }).status, cancelRequested: true };
  }

  /** A decision at a checkpoint the run waits at: `{action: approve | reject | edit, input?, comment?}`. */
  @Post(':id/checkpoints/:step')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({ status: 202, type: CheckpointAnswer })
  async resolveCheckpoint(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('step') stepId: string,
    @Body() body: CheckpointRequest,
  ): Promise<CheckpointAnswer> {
    return this.checkpoints.resolve(actor, id, stepId, checkpointDecision(body), body.via ?? 'api');
  }

  /**
   * Server-sent events: the log so far, then live commits, until the run ends or the client leaves.
   * The run's first commit says whose it is: nothing is sent before the caller is checked against
   * it (a run started a moment ago is waited for, briefly; one never seen, or another owner's, is 404).
   */
  private async stream(actor: Actor, id: string, res: Response): Promise<void> {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const commits = this.log.follow(id, { signal: controller.signal })[Symbol.asyncIterator]();
    const first = await firstWithin(commits, SSE_FIRST_COMMIT_WAIT_MS);
    try {
      if (first === undefined) throw runNotFound(id);
      requireOwnerAccess(actor, ownerOfRun(first) ?? '', 'read', () => runNotFound(id));
    } catch (err) {
      controller.abort();
      throw err;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    try {
      for (let next: StoredRunCommit | undefined = first; next !== undefined; next = await nextOf(commits)) {
        const commit = next;
        let ended = false;
        for (const event of commit.events) {
          res.write(`id: ${commit.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          if (TERMINAL_RUN_EVENTS.has(event.type)) ended = true;
        }
        // A run rewound after this end goes on: the stream ends at its last end only.
        if (ended && (await this.log.lastSequence(id)) > commit.seq) ended = false;
        if (ended) break;
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        res.write(`event: error\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
      }
    } finally {
      clearInterval(heartbeat);
      controller.abort();
      res.end();
    }
  }
}

/** The owner a run's first commit names (its RunStarted), if it is one. */
function ownerOfRun(commit: StoredRunCommit): string | undefined {
  const started = commit.events.find((e) => e.type === 'RunStarted');
  return started?.type === 'RunStarted' ? started.data.owner : undefined;
}

async function nextOf(commits: AsyncIterator<StoredRunCommit>): Promise<StoredRunCommit | undefined> {
  const next = await commits.next();
  return next.done === true ? undefined : next.value;
}

/** The first commit, or undefined when none comes within `ms` (the run does not exist). */
async function firstWithin(
  commits: AsyncIterator<StoredRunCommit>,
  ms: number,
): Promise<StoredRunCommit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    // A stream that fails or is aborted before its first commit is a run not found, never a rejection left behind.
    return await Promise.race([nextOf(commits).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A checked decision as the command takes it; `input` may be text or any JSON (kept as JSON text). */
function checkpointDecision(body: CheckpointRequest): {
  action: CheckpointDecision;
  input?: string;
  comment?: string;
} {
  const raw = body.input;
  const input =
    raw === undefined || raw === null ? undefined : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return {
    action: body.action,
    ...(input !== undefined ? { input } : {}),
    ...(body.comment !== undefined ? { comment: body.comment } : {}),
  };
}
