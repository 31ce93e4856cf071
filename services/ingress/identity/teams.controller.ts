import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from './access.decorators';
import { AddMemberRequest, ChangeRoleRequest, CreateTeamRequest, toCreateTeam } from './identity.dto';
import { MemberChange, TeamDetail, TeamList } from './identity-views.dto';
import { TeamsService } from './teams.service';

/** Teams (workspaces) and their members' roles. */
@ApiTags('identity')
@Controller('v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('admin')
  @ApiResponse({ status: 201, type: TeamDetail })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTeamRequest): Promise<TeamDetail> {
    return this.teams.createTeam(actor, toCreateTeam(body));
  }

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: TeamList })
  async list(@CurrentActor() actor: Actor): Promise<TeamList> {
    return { teams: await this.teams.teams(actor) };
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOkResponse({ type: TeamDetail })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<TeamDetail> {
    return this.teams.team(actor, id);
  }

  /** Adds a member, or changes the role of one: `{userId, role}`. */
  @Post(':id/members')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOkResponse({ type: MemberChange })
  addMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AddMemberRequest,
  ): Promise<MemberChange> {
    return this.teams.setMember(actor, id, { userId: body.userId, role: body.role });
  }

  @Patch(':id/members/:userId')
  @RequireScope('write')
  @ApiOkResponse({ type: MemberChange })
  changeRole(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: ChangeRoleRequest,
  ): Promise<MemberChange> {
    return this.teams.setMember(actor, id, { userId, role: body.role }, true);
  }

  @Delete(':id/members/:userId')
  @RequireScope('write')
  @ApiOkResponse({ type: MemberChange })
  removeMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<MemberChange> {
    return this.teams.removeMember(actor, id, userId);
  }
}
