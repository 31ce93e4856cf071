import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import type { TemplateLibrary } from '@chainmail/templates';
import { parseWorkflow, requirementsOf } from '@chainmail/workflow-dsl';
import { CurrentActor, RequireScope } from '../identity/access.decorators';
import { PublishWorkflowUseCase } from '../workflows/publish-workflow.usecase';
import {
  TemplateDetail,
  TemplateList,
  TemplateQuery,
  UsedTemplate,
  UseTemplateRequest,
  toTemplateDetail,
  toTemplateSummary,
  type WorkflowNeeds,
} from './template.dto';

export const TEMPLATE_LIBRARY = Symbol('TEMPLATE_LIBRARY');

/** The templates library: read it, and publish a workflow from a template like any other definition. */
@ApiTags('templates')
@Controller('v1/templates')
export class TemplatesController {
  constructor(
    @Inject(TEMPLATE_LIBRARY) private readonly library: TemplateLibrary,
    private readonly publishing: PublishWorkflowUseCase,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: TemplateList })
  list(@Query() query: TemplateQuery): TemplateList {
    return {
      templates: this.library.search(query.q, query.category).map(toTemplateSummary),
      categories: this.library.categories(),
    };
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOkResponse({ type: TemplateDetail })
  get(@Param('id') id: string): TemplateDetail {
    const template = this.library.get(id);
    return toTemplateDetail(template, this.library.render(id, id).source);
  }

  /** Renders the template with the parameters and publishes it: validated, versioned, owned as any workflow. */
  @Post(':id/use')
  @HttpCode(201)
  @RequireScope('write')
  @ApiResponse({ status: 201, type: UsedTemplate })
  async use(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UseTemplateRequest,
    @Query() query: TemplateQuery,
  ): Promise<UsedTemplate> {
    const template = this.library.get(id);
    const rendered = this.library.render(id, body.name ?? id, body.params);
    const published = await this.publishing.publish(
      actor,
      { source: rendered.source, contentType: 'yaml' },
      query.team,
    );
    return {
      name: published.name,
      version: published.version,
      template: id,
      params: rendered.params,
      needs: needsOf(rendered.source),
      sampleInput: template.sampleInput,
      warnings: published.warnings,
    };
  }
}

function needsOf(source: string): WorkflowNeeds {
  const parsed = parseWorkflow(source);
  return parsed.ok
    ? requirementsOf(parsed.definition, source)
    : { agents: [], workflows: [], secrets: [], variables: [] };
}
