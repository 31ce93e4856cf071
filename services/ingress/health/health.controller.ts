import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DATA_SOURCE, NATS_CONNECTION } from '@chainmail/platform';
import type { Response } from 'express';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { Public } from '../identity/access.decorators';
import { Liveness, Readiness } from './health.dto';

/** Liveness says the process answers; readiness says NATS and Postgres answer too. */
@ApiTags('health')
@Controller()
@Public()
export class HealthController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(DATA_SOURCE) private readonly db: DataSource,
  ) {}

  @Get('healthz')
  @ApiOkResponse({ type: Liveness })
  health(): Liveness {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOkResponse({ type: Readiness })
  @ApiResponse({ status: 503, type: Readiness, description: 'NATS or Postgres does not answer' })
  async ready(@Res() res: Response): Promise<void> {
    const [nats, postgres] = await Promise.all([
      this.check(() => this.nats.flush()),
      this.check(() => this.db.query('SELECT 1')),
    ]);
    const ok = nats.ok && postgres.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks: { nats, postgres } });
  }

  private async check(probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000)),
      ]);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }
}
