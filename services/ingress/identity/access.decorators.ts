import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse } from '@nestjs/swagger';
import { ChainmailError, type Actor, type Scope } from '@chainmail/contracts';
import { ErrorResponse } from '../api/error.dto';

/**
 * Every route declares who may call it; the global `AuthGuard` refuses a route that declares
 * nothing (so a new route cannot be open by mistake).
 */
export type AccessRule =
  /** No token: health probes, webhooks (they carry signatures). */
  | { kind: 'public' }
  /** Any valid token, whatever its scopes (`GET /v1/me`). */
  | { kind: 'authenticated' }
  | { kind: 'scope'; scope: Scope }
  /** The local mail catcher's page: open when the catcher runs and the API listens on loopback only; else `read`. */
  | { kind: 'local-mailbox' };

export const ACCESS_RULE = 'chainmail:access-rule';

/** The bearer scheme of the OpenAPI document, and the answers the guard may give instead of the route's. */
const bearer = (...refusals: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth('bearer'),
    ApiResponse({
      status: 401,
      type: ErrorResponse,
      description: 'no token, or a bad, expired or revoked one',
    }),
    ...refusals.map((status) => ApiResponse({ status, type: ErrorResponse })),
    ApiResponse({ status: 429, type: ErrorResponse, description: 'past the rate limit (Retry-After)' }),
  );

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'public' });
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'authenticated' }), bearer());
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'scope', scope }),
    bearer(403),
    ApiExtension('x-required-scope', scope),
  );
export const LocalMailboxPage = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'local-mailbox' }), bearer(403));

/** A request the guard has let through, with its caller. */
export interface AuthenticatedRequest {
  actor?: Actor;
}

/** The caller of the request (`@CurrentActor() actor: Actor`); only on routes that need a token. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor)
    throw new ChainmailError('INTERNAL', 'This route reads its caller but was reached without one.');
  return actor;
});
