import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ChainmailConfig } from '@chainmail/config';
import { ChainmailError, type Actor } from '@chainmail/contracts';
import { CHAINMAIL_CONFIG } from '@chainmail/platform';
import type { Request, Response } from 'express';
import { ACCESS_RULE, type AccessRule, type AuthenticatedRequest } from './access.decorators';
import { Authenticator } from './authenticator';
import { RequestLimiter } from './request-limiter';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The one door of the API, for every route of the app: reads the route's access rule,
 * authenticates `Authorization: Bearer …` (401), counts the request against the caller's rate
 * limit (429 with Retry-After), checks the route's scope (403), and hands the caller on as
 * `request.actor`. A route without a rule is refused: new routes are closed until declared.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly openMailbox: boolean;
  /** Each route's rule, read from its metadata once (decorators do not change after start). */
  private readonly rules = new WeakMap<object, WeakMap<object, AccessRule | undefined>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limiter: RequestLimiter,
    @Inject(CHAINMAIL_CONFIG) config: ChainmailConfig,
  ) {
    // The local catcher of `chainmail up` is read in a browser on the same machine: no token there.
    this.openMailbox =
      config.mailCatcher && (LOOPBACK_HOSTS.has(config.httpHost) || config.httpHost.startsWith('127.'));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.ruleOf(context);
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    if (rule === undefined) {
      throw new ChainmailError(
        'FORBIDDEN',
        `${req.method} ${req.path} declares no access rule, so nobody may call it.`,
      );
    }
    if (rule.kind === 'public' || (rule.kind === 'local-mailbox' && this.openMailbox)) return true;

    const actor = await this.authenticate(req, res);
    const limited = await this.limiter.take(
      actor.tokenId !== null ? `token:${actor.tokenId}` : `user:${actor.userId}`,
    );
    if (!limited.allowed) throw rateLimited(res, limited.retryAfterSeconds, 'this token');
    req.actor = actor;
    const scope = rule.kind === 'scope' ? rule.scope : rule.kind === 'local-mailbox' ? 'read' : undefined;
    if (scope !== undefined && !actor.scopes.includes(scope)) {
      throw new ChainmailError(
        'FORBIDDEN',
        `${req.method} ${req.path} needs the "${scope}" scope; this ${actor.tokenId !== null ? 'token' : 'sign-in'} has ${actor.scopes.join(', ') || 'none'}.`,
        { required: scope, scopes: actor.scopes },
      );
    }
    return true;
  }

  /** The route's rule: its handler's, else its class's (a handler may be inherited: by both). */
  private ruleOf(context: ExecutionContext): AccessRule | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byClass = this.rules.get(handler);
    if (byClass === undefined) {
      byClass = new WeakMap();
      this.rules.set(handler, byClass);
    }
    if (byClass.has(controller)) return byClass.get(controller);
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, controller]);
    byClass.set(controller, rule);
    return rule;
  }

  private async authenticate(req: Request, res: Response): Promise<Actor> {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="chainmail"');
      throw new ChainmailError(
        'UNAUTHENTICATED',
        header === undefined
          ? 'This route needs an API token: send "Authorization: Bearer <token>" (`chainmail up` prints one; `chainmail login` saves one).'
          : 'The Authorization header must be "Bearer <token>".',
      );
    }
    try {
      return await this.authenticator.authenticate(match[1]);
    } catch (err) {
      if (err instanceof ChainmailError && err.code === 'UNAUTHENTICATED') {
        res.setHeader('WWW-Authenticate', 'Bearer realm="chainmail", error="invalid_token"');
        // Failed sign-ins count against the address, so guessing costs as much as calling.
        const limited = await this.limiter.take(`address:${req.ip ?? 'unknown'}`);
        if (!limited.allowed)
          throw rateLimited(res, limited.retryAfterSeconds, 'failed sign-ins from this address');
      }
      throw err;
    }
  }
}

function rateLimited(res: Response, seconds: number, what: string): ChainmailError {
  res.setHeader('Retry-After', String(seconds));
  return new ChainmailError('RATE_LIMITED', `Too many requests for ${what}; try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
  });
}
