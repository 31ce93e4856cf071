import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ChainmailError, type Actor, type Scope } from '@chainmail/contracts';

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

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'public' });
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_RULE, { kind: 'authenticated' });
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_RULE, { kind: 'scope', scope });
export const LocalMailboxPage = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_RULE, { kind: 'local-mailbox' });

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
