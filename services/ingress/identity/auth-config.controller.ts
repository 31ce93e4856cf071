import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { oidcSettings, type ChainmailConfig } from '@chainmail/config';
import { CHAINMAIL_CONFIG } from '@chainmail/platform';
import { Public } from './access.decorators';
import { AuthConfigView } from './auth-config.dto';

/** `GET /v1/auth/config`: how to sign in, asked before signing in (so no token); no secret in it. */
@ApiTags('identity')
@Controller('v1/auth/config')
export class AuthConfigController {
  private readonly view: AuthConfigView;

  constructor(@Inject(CHAINMAIL_CONFIG) config: ChainmailConfig) {
    const oidc = oidcSettings(config);
    this.view = {
      oidc:
        oidc?.clientId === undefined
          ? null
          : { issuer: oidc.issuer, clientId: oidc.clientId, scopes: oidc.scopes },
    };
  }

  @Get()
  @Public()
  @ApiOkResponse({ type: AuthConfigView })
  get(): AuthConfigView {
    return this.view;
  }
}
