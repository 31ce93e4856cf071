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
import type { Response } from 'express';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { ownersVisibleTo, requireOwnerAccess } from '../ownership/owner-access';
import { RunQueries, runNotFound } from './run-queries';
import { CheckpointRequest, ListRunsQuery } from './run-requests.dto';
import { CancelAnswer, CheckpointAnswer, RunDetailView, RunEventsView, RunPage } from './run.dto';
import { ResolveCheckpointUseCase } from './resolve-checkpoint.usecase';

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
    return this.queries.visibleRun(actor, id, 'read');
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
    return this.checkpoints.resolve(actor, id, stepId, checkpointDecision(body));
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
