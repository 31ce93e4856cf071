import { call } from './api';

/** The issuer's client the console signs in as (`GET /v1/auth/config`): public values only. */
export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  scopes: string[];
}

/** How to sign in: `oidc` is null when the server takes API tokens only. */
export interface AuthConfig {
  oidc: OidcClientConfig | null;
}

export const authApi = {
  config: () => call<AuthConfig>('GET', '/v1/auth/config'),
};
