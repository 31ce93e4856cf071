import { ApiProperty } from '@nestjs/swagger';

/** What a client needs to sign in with the issuer (Authorization Code with PKCE): public values only. */
export class OidcClientView {
  @ApiProperty({
    example: 'https://sso.acme.example/realms/acme',
    description: 'the issuer, as its tokens say it',
  })
  issuer!: string;
  @ApiProperty({ example: 'chainmail-console', description: 'the public client the console signs in as' })
  clientId!: string;
  @ApiProperty({
    type: [String],
    example: ['openid', 'email', 'profile'],
    description: 'the scopes to ask for',
  })
  scopes!: string[];
}

export class AuthConfigView {
  @ApiProperty({
    type: OidcClientView,
    nullable: true,
    description: 'single sign-on for the console; null when it is not configured (API tokens only)',
  })
  oidc!: OidcClientView | null;
}
