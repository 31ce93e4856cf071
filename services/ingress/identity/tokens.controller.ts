import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from './access.decorators';
import { parseCreateToken } from './identity.dto';
import { TokensService, type CreatedToken, type TokenView } from './tokens.service';

/** API tokens: the secret is in the answer to `POST` and nowhere else, ever. */
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  create(@CurrentActor() actor: Actor, @Body() body: unknown): Promise<CreatedToken> {
    return this.tokens.create(actor, parseCreateToken(body, new Date()));
  }

  @Get()
  @RequireScope('read')
  async list(
    @CurrentActor() actor: Actor,
    @Query('userId') userId?: string,
    @Query('all') all?: string,
  ): Promise<{ tokens: TokenView[] }> {
    return { tokens: await this.tokens.list(actor, { userId, all: all === 'true' }) };
  }

  @Delete(':id')
  @RequireScope('write')
  revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<TokenView> {
    return this.tokens.revoke(actor, id);
  }
}
