import 'reflect-metadata';
import { ConfigInvalid, loadConfig, oidcSettings } from './config';

describe('single sign-on settings', () => {
  const issuer = 'https://sso.acme.example/realms/acme';

  it('are off unless an issuer is set', () => {
    expect(oidcSettings(loadConfig({}))).toBeUndefined();
  });

  it('accept the client id as audience, ask for openid email profile, and create nobody by default', () => {
    const settings = oidcSettings(
      loadConfig({ CHAINMAIL_OIDC_ISSUER: issuer, CHAINMAIL_OIDC_CLIENT_ID: 'chainmail-console' }),
    );
    expect(settings).toMatchObject({
      issuer,
      clientId: 'chainmail-console',
      audiences: ['chainmail-console'],
      scopes: ['openid', 'email', 'profile'],
      autoCreate: false,
      userClaim: 'sub',
      teamsClaim: 'groups',
      defaultRole: 'viewer',
      adminGroups: [],
    });
  });

  it('read an API audience besides the client id, scopes space or comma separated, and auto-create', () => {
    const settings = oidcSettings(
      loadConfig({
        CHAINMAIL_OIDC_ISSUER: issuer,
        CHAINMAIL_OIDC_CLIENT_ID: 'chainmail-console',
        CHAINMAIL_OIDC_AUDIENCE: 'https://chainmail.acme.example/api',
        CHAINMAIL_OIDC_SCOPES: 'openid email, profile offline_access',
        CHAINMAIL_OIDC_AUTO_CREATE: 'member',
      }),
    );
    expect(settings).toMatchObject({
      audiences: ['chainmail-console', 'https://chainmail.acme.example/api'],
      scopes: ['openid', 'email', 'profile', 'offline_access'],
      autoCreate: true,
    });
  });

  it('accept an audience alone (access tokens, no console sign-in)', () => {
    const settings = oidcSettings(
      loadConfig({ CHAINMAIL_OIDC_ISSUER: issuer, CHAINMAIL_OIDC_AUDIENCE: 'api' }),
    );
    expect(settings).toMatchObject({ clientId: undefined, audiences: ['api'] });
  });

  it.each([
    [{ CHAINMAIL_OIDC_ISSUER: issuer }, /CHAINMAIL_OIDC_ISSUER is set without CHAINMAIL_OIDC_CLIENT_ID/],
    [{ CHAINMAIL_OIDC_CLIENT_ID: 'c' }, /CHAINMAIL_OIDC_CLIENT_ID is set without CHAINMAIL_OIDC_ISSUER/],
    [
      { CHAINMAIL_OIDC_ISSUER: 'sso.acme.example', CHAINMAIL_OIDC_CLIENT_ID: 'c' },
      /CHAINMAIL_OIDC_ISSUER="sso/,
    ],
    [
      {
        CHAINMAIL_OIDC_ISSUER: issuer,
        CHAINMAIL_OIDC_CLIENT_ID: 'c',
        CHAINMAIL_OIDC_SCOPES: 'read,run,write',
      },
      /CHAINMAIL_OIDC_SCOPES="read,run,write": must include openid/,
    ],
    [
      { CHAINMAIL_OIDC_ISSUER: issuer, CHAINMAIL_OIDC_CLIENT_ID: 'c', CHAINMAIL_OIDC_AUTO_CREATE: 'admin' },
      /CHAINMAIL_OIDC_AUTO_CREATE="admin"/,
    ],
  ])('refuse a half or wrong configuration at start: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigInvalid);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
