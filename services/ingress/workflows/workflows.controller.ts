import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ChainmailError, type Actor } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { DEFINITION_CATALOG } from '@chainmail/platform';
import type { Request, Response } from 'express';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { canSee } from '../ownership/owner-access';
import { MarketplaceService } from '../marketplace/marketplace.service';
import { RunAnswer } from '../runs/run.dto';
import { RunResponder } from '../runs/sync/run.responder';
import { PublishWorkflowUseCase, type DefinitionSource } from './publish-workflow.usecase';
import { RollbackWorkflowUseCase } from './rollback-workflow.usecase';
import { StartWorkflowRunUseCase } from './start-workflow-run.usecase';
import { workflowFor } from './workflow-access';
import { PublishQuery, RollbackRequest, StartRunQuery, StartRunRequest } from './workflow-requests.dto';
import {
  PublishedWorkflow,
  RolledBackWorkflow,
  ValidatedWorkflow,
  VersionDetail,
  VersionList,
  WorkflowDetail,
  WorkflowList,
  toVersionDetail,
  toVersionSummary,
  toWorkflowDetail,
  toWorkflowSummary,
} from './workflow.dto';

/** A definition is sent as it is written: YAML (or JSON) text, read from the raw body for line/column. */
const DEFINITION_BODY = {
  schema: { type: 'string', description: 'the workflow definition (YAML, or JSON)' },
  examples: {
    yaml: {
      value: 'name: hello\nsteps:\n  - name: greet\n    agent: echo@\n    input: "Hello {{user_input}}"\n',
    },
  },
};

@ApiTags('workflows')
@Controller('v1/workflows')
export class WorkflowsController {
  constructor(
    private readonly publishing: PublishWorkflowUseCase,
    private readonly rollingBack: RollbackWorkflowUseCase,
    private readonly starting: StartWorkflowRunUseCase,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    private readonly responder: RunResponder,
    private readonly marketplace: MarketplaceService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiConsumes('application/yaml', 'application/json', 'text/plain')
  @ApiBody(DEFINITION_BODY)
  @ApiResponse({ status: 201, type: PublishedWorkflow })
  publish(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Query() query: PublishQuery,
  ): Promise<PublishedWorkflow> {
    return this.publishing.publish(actor, definitionSource(req), query.team);
  }

  /** Changes nothing: a read-only token (a CI lint step) may validate. */
  @Post('validate')
  @HttpCode(200)
  @RequireScope('read')
  @ApiConsumes('application/yaml', 'application/json', 'text/plain')
  @ApiBody(DEFINITION_BODY)
  @ApiOkResponse({ type: ValidatedWorkflow })
  validate(@Req() req: Request): Promise<ValidatedWorkflow> {
    return this.publishing.validate(definitionSource(req));
  }

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: WorkflowList })
  list(@CurrentActor() actor: Actor): WorkflowList {
    const workflows = this.catalog.list().filter((entry) => canSee(actor, entry.owner));
    return { workflows: workflows.map(toWorkflowSummary) };
  }

  @Get(':name')
  @RequireScope('read')
  @ApiOkResponse({ type: WorkflowDetail })
  get(@CurrentActor() actor: Actor, @Param('name') name: string): WorkflowDetail {
    const entry = workflowFor(this.catalog, actor, name, 'read');
    const origin = this.marketplace.originOf(actor, entry);
    return { ...toWorkflowDetail(entry), ...(origin !== undefined ? { origin } : {}) };
  }

  @Get(':name/versions')
  @RequireScope('read')
  @ApiOkResponse({ type: VersionList })
  versions(@CurrentActor() actor: Actor, @Param('name') name: string): VersionList {
    const entry = workflowFor(this.catalog, actor, name, 'read');
    return { name, versions: entry.versions.map((v) => toVersionSummary(v, entry.activeVersion)) };
  }

  /** One version as it was published: its source and definition (the console's diff and run graphs). */
  @Get(':name/versions/:version')
  @RequireScope('read')
  @ApiOkResponse({ type: VersionDetail })
  version(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Param('version') version: string,
  ): VersionDetail {
    const entry = workflowFor(this.catalog, actor, name, 'read');
    const number = /^[1-9][0-9]{0,8}$/.test(version) ? Number(version) : undefined;
    const found = number === undefined ? undefined : entry.versions[number - 1];
    if (found === undefined) {
      throw new ChainmailError(
        'VERSION_NOT_FOUND',
        `Workflow "${name}" has no version ${version}; it has versions 1 to ${entry.versions.length}.`,
        { name, version, latest: entry.versions.length },
      );
    }
    return toVersionDetail(found, entry.activeVersion);
  }

  @Post(':name/rollback')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOkResponse({ type: RolledBackWorkflow })
  rollback(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: RollbackRequest,
  ): Promise<RolledBackWorkflow> {
    return this.rollingBack.execute(actor, name, body.version);
  }

  /** 202 at once; a `sync` workflow (or `?wait=true`) answers 200 with the outcome, within the wait limit. */
  @Post(':name/runs')
  @HttpCode(202)
  @RequireScope('run')
  @ApiResponse({
    status: 202,
    type: RunAnswer,
    description: 'started (or still running past the wait limit)',
  })
  @ApiResponse({ status: 200, type: RunAnswer, description: 'the outcome, when the caller waited' })
  async run(
    @CurrentActor() actor: Actor,
    @Param('name') name: string,
    @Body() body: StartRunRequest,
    @Query() query: StartRunQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RunAnswer> {
    const started = await this.starting.execute(actor, name, { ...body, wait: query.wait });
    return this.responder.respond(res, started.run, started.sync);
  }
}

/** The definition's text exactly as sent: YAML as text, JSON from the raw body (for line/column). */
function definitionSource(req: Request): DefinitionSource {
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
