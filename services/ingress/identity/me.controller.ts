import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { Authenticated, CurrentActor } from './access.decorators';
import { IdentityStore } from '@chainmail/identity';
import { MeView } from './identity-views.dto';

/** `GET /v1/me`: who this token is. Any valid token may ask, whatever its scopes (`chainmail login` checks with it). */
@ApiTags('identity')
@Controller('v1/me')
export class MeController {
  constructor(private readonly identities: IdentityStore) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: MeView })
  async me(@CurrentActor() actor: Actor): Promise<MeView> {
    const [user, teams, token] = await Promise.all([
      this.identities.users.byId(actor.userId),
      this.identities.teams.list(actor.userId),
      actor.tokenId === null ? undefined : this.identities.tokens.byId(actor.tokenId),
    ]);
    const roles = new Map(actor.teams.map((t) => [t.teamId, t.role]));
    return {
      user: user ?? { id: actor.userId, name: actor.name, admin: actor.admin },
      teams: teams.map((t) => ({ id: t.id, name: t.name, role: roles.get(t.id) ?? null })),
      scopes: actor.scopes,
      via: actor.via,
      token: token
        ? { id: token.id, name: token.name, scopes: token.scopes, expiresAt: token.expiresAt }
        : null,
    };
  }
}
