import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from './access.decorators';
import { parseCreateTeam, parseMember } from './identity.dto';
import type { TeamRecord } from '@chainmail/identity';
import { TeamsService, type TeamView } from './teams.service';

/** Teams (workspaces) and their members' roles. */
@Controller('v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('admin')
  create(@CurrentActor() actor: Actor, @Body() body: unknown): Promise<TeamView> {
    return this.teams.createTeam(actor, parseCreateTeam(body));
  }

  @Get()
  @RequireScope('read')
  async list(@CurrentActor() actor: Actor): Promise<{ teams: TeamRecord[] }> {
    return { teams: await this.teams.teams(actor) };
  }

  @Get(':id')
  @RequireScope('read')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<TeamView> {
    return this.teams.team(actor, id);
  }

  /** Adds a member, or changes the role of one: `{userId, role}`. */
  @Post(':id/members')
  @HttpCode(200)
  @RequireScope('write')
  addMember(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    return this.teams.setMember(actor, id, parseMember(body));
  }

  @Patch(':id/members/:userId')
  @RequireScope('write')
  changeRole(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ): Promise<unknown> {
    return this.teams.setMember(actor, id, parseMember(body, userId), true);
  }

  @Delete(':id/members/:userId')
  @RequireScope('write')
  removeMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<unknown> {
    return this.teams.removeMember(actor, id, userId);
  }
}
