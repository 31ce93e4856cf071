import { Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Requests per minute per key (a token, an OIDC user, or an address that keeps failing to sign
 * in), counted in Postgres (`rate_limits`) so every ingress replica shares one budget per token.
 * If Postgres cannot answer, each replica falls back to counting in memory rather than refusing
 * or waving through every request.
 */
export class RequestLimiter {
  private readonly limiter: RateLimiterPostgres;
  private readonly logger = new Logger('rate-limit');

  constructor(
    dataSource: DataSource,
    readonly perMinute: number,
  ) {
    this.limiter = new RateLimiterPostgres({
      storeClient: dataSource,
      storeType: 'typeorm',
      tableName: 'rate_limits',
      // The table comes from a migration; the library must not create one of its own.
      tableCreated: true,
      keyPrefix: 'api',
      points: perMinute,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'api' }),
    });
  }

  async take(key: string): Promise<LimitDecision> {
    try {
      await this.limiter.consume(key, 1);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      // Both stores failed: let the request through rather than take the API down with the counter.
      this.logger.warn(`rate limit not counted for ${key}: ${(rejection as Error).message}`);
      return { allowed: true };
    }
  }
}
