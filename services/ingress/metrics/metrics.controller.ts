import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { METRICS } from '@chainmail/platform';
import type { ChainmailMetrics } from '@chainmail/telemetry';
import type { Response } from 'express';
import { Public } from '../identity/access.decorators';

/**
 * `GET /metrics`: the process's Prometheus metrics (runs, steps, agent calls, tokens and cost,
 * JetStream consumer lag, process figures), for a scraper. No token, like the health probes:
 * keep it to the network the scraper is on.
 */
@ApiTags('health')
@Controller()
@Public()
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: ChainmailMetrics) {}

  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.text();
    res.status(200).type(this.metrics.contentType).send(text);
  }
}
