import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chainmail/contracts';
import { CurrentActor, RequireScope } from './access.decorators';
import { CreateTokenRequest, ListTokensQuery, toCreateToken } from './identity.dto';
import { CreatedTokenView, TokenList, TokenView } from './identity-views.dto';
import { TokensService } from './tokens.service';

/** API tokens: the secret is in the answer to `POST` and nowhere else, ever. */
@ApiTags('identity')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiResponse({ status: 201, type: CreatedTokenView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTokenRequest): Promise<CreatedTokenView> {
    return this.tokens.create(actor, toCreateToken(body, new Date()));
  }

  @Get()
  @RequireScope('read')
  @ApiOkResponse({ type: TokenList })
  async list(@CurrentActor() actor: Actor, @Query() query: ListTokensQuery): Promise<TokenList> {
    return { tokens: await this.tokens.list(actor, { userId: query.userId, all: query.all === true }) };
  }

  @Delete(':id')
  @RequireScope('write')
  @ApiOkResponse({ type: TokenView })
  revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<TokenView> {
    return this.tokens.revoke(actor, id);
  }
}
