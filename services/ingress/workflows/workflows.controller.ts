import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ChainmailError,
  REGISTRY_PUBLISH_SUBJECT,
  REGISTRY_ROLLBACK_SUBJECT,
  REGISTRY_VALIDATE_SUBJECT,
  actorRights,
  publishableOwners,
  visibleOwners,
  type Actor,
  type OwnerAction,
  type PublishWorkflowRequest,
} from '@chainmail/contracts';
import type { DefinitionCatalog, WorkflowEntry } from '@chainmail/catalog';
import { DEFINITION_CATALOG, TELEMETRY } from '@chainmail/platform';
import {
  injectTraceHeaders,
  runAttributes,
  SpanKind,
  withSpan,
  type Telemetry,
  type Tracer,
} from '@chainmail/telemetry';
import type { Request, Response } from 'express';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { AuditRecorder } from '../identity/audit.recorder';
import { canSee, ownerFor, requireOwnerAccess } from '../ownership/owner-access';
import { RegistryClient } from '../registry.client';
import { StartRunUseCase } from '../runs/start-run.usecase';
import { RunResponder } from '../runs/sync/run.responder';
import { toVersionSummary, toWorkflowDetail, toWorkflowSummary } from './workflow.dto';

const CATALOG_WAIT_MS = 5_000;

@Controller('v1/workflows')
export class WorkflowsController {
  private readonly tracer: Tracer;

  constructor(
    private readonly registry: RegistryClient,
    private readonly startRun: StartRunUseCase,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    @Inject(TELEMETRY) telemetry: Telemetry,
    private readonly responder: RunResponder,
    private readonly audit: AuditRecorder,
  ) {
    this.tracer = telemetry.tracer('ingress');
  }

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  async publish(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Query('team') team?: string,
  ): Promise<unknown> {
    const rights = actorRights(actor);
    const request: PublishWorkflowRequest = {
      ...definitionSource(req),
      publishedBy: actor.userId,
      // Yours, or `?team=<id>`'s (editor or owner there); a later version keeps its workflow's owner.
      owner: ownerFor(actor, team, 'publish'),
      publishFor: publishableOwners(rights),
      visibleTo: visibleOwners(rights),
    };
    const published = await this.registry.request<{
      name: string;
      version: number;
      seq: number;
      warnings: unknown[];
    }>(REGISTRY_PUBLISH_SUBJECT, request);
    // Read-your-writes: the next request to this process sees the version it just published.
    await this.catalog.waitFor(published.seq, CATALOG_WAIT_MS);
    return { name: published.name, version: published.version, warnings: published.warnings };
  }

  /** Changes nothing: a read-only token (a CI lint step) may validate. */
  @Post('validate')
  @HttpCode(200)
  @RequireScope('read')
  async validate(@Req() req: Request): Promise<unknown> {
    const result = await this.registry.request<{ valid: boolean; issues?: unknown[] }>(
      REGISTRY_VALIDATE_SUBJECT,
      definitionSource(req),
    );
    if (!result.valid) {
      const count = result.issues?.length ?? 0;
      throw new ChainmailError(
        'WORKFLOW_INVALID',
        `The workflow definition has ${count} problem(s); see details.issues.`,
        {
          issues: result.issues,
        },
      );
    }
    return result;
  }

  @Get()
  @RequireScope('read')
  list(@CurrentActor() actor: Actor): unknown {
    const workflows = this.catalog.list().filter((entry) => canSee(actor, entry.owner));
    return { workflows: workflows.map(toWorkflowSummary) };
  }

  @Get(':name')
  @RequireScope('read')
  get(@CurrentActor() actor: Actor, @Param('name') name: string): unknown {
    return toWorkflowDetail(this.entryFor(actor, name, 'read'));
  }

  @Get(':name/versions')
  @RequireScope('read')
  versions(@CurrentActor() actor: Actor, @Param('name') name: string): unknown {
    const entry = this.entryFor(actor, name, 'read');
    return { name, versions: entry.versions.map((v) => toVersionSummary(v, entry.activeVersion)) };
  }

  @Post(':name/rollback')
  @HttpCode(200)
  @RequireScope('write')
  async rollback(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<unknown> {
    const version = (body as { version?: unknown } | undefined)?.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new ChainmailError(
        'BAD_REQUEST',
        'Send {"version": N} with the version to make active (a whole number ≥ 1).',
      );
    }
    const from = this.entryFor(actor, name, 'publish').activeVersion;
    const result = await this.registry.request<{ name: string; version: number; seq: number }>(
      REGISTRY_ROLLBACK_SUBJECT,
      { name, version, by: actor.userId },
    );
    await this.catalog.waitFor(result.seq, CATALOG_WAIT_MS);
    // The definition log has the rollback already (with `by`); the audit trail lists it with the token.
    await this.audit.record(
      actor,
      'workflow.rolled_back',
      { kind: 'workflow', id: result.name },
      {
        fromVersion: from ?? null,
        toVersion: result.version,
      },
    );
    return { name: result.name, version: result.version };
  }

  /** 202 at once; a `sync` workflow (or `?wait=true`) answers 200 with the outcome, within the wait limit. */
  @Post(':name/runs')
  @HttpCode(202)
  @RequireScope('run')
  async run(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
    @Query('wait') wait?: string,
  ): Promise<unknown> {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new ChainmailError('BAD_REQUEST', 'Send a JSON object: {"inputs": {...}, "debug": false}.');
    }
    const { inputs, debug } = (body ?? {}) as { inputs?: unknown; debug?: unknown };
    // The run is the workflow's owner's (the start command takes it from the catalog); the caller is its actor.
    this.entryFor(actor, name, 'run');
    // The root span of the run's trace: every message of the run carries it on.
    const started = await withSpan(
      this.tracer,
      'start run',
      { kind: SpanKind.SERVER, attributes: runAttributes({ workflow: name }) },
      (span) =>
        this.startRun
          .execute(
            { workflow: name, inputs, debug: debug === true, trigger: { kind: 'api' }, actor: actor.userId },
            injectTraceHeaders({}),
          )
          .then((result) => {
            span.setAttributes(runAttributes({ runId: result.runId }));
            return result;
          }),
    );
    const sync = wait === 'true' || this.catalog.active(name)?.definition.mode === 'sync';
    return this.responder.respond(
      res,
      { runId: started.runId, workflow: name, version: started.version },
      sync,
    );
  }

  /** The workflow, when the caller sees it and its role allows `action`: else 404 (unseen) or 403. */
  private entryFor(actor: Actor, name: string, action: OwnerAction): WorkflowEntry {
    const entry = this.catalog.get(name);
    if (!entry) throw notFound(name);
    requireOwnerAccess(actor, entry.owner, action, () => notFound(name));
    return entry;
  }
}

function notFound(name: string): ChainmailError {
  return new ChainmailError('WORKFLOW_NOT_FOUND', `No workflow is named "${name}".`, { name });
}

/** The definition's text exactly as sent: YAML as text, JSON from the raw body (for line/column). */
function definitionSource(req: Request): { source: string; contentType: 'yaml' | 'json' } {
  const type = req.headers['content-type'] ?? '';
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  const isJson = type.includes('json');
  let source: string;
  if (raw !== undefined) source = raw.toString('utf8');
  else if (typeof req.body === 'string') source = req.body;
  else source = '';
  if (source.trim() === '') {
    throw new ChainmailError(
      'BAD_REQUEST',
      'The request body is empty; send the workflow definition as YAML (Content-Type: application/yaml) or JSON.',
    );
  }
  return { source, contentType: isJson ? 'json' : 'yaml' };
}
