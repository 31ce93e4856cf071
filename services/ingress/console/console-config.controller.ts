import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { ChainmailConfig } from '@chainmail/config';
import { CHAINMAIL_CONFIG } from '@chainmail/platform';
import { Authenticated } from '../identity/access.decorators';

export class ConsoleConfigView {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://localhost:16686/trace/{traceId}',
    description:
      "`CHAINMAIL_TRACE_URL_TEMPLATE`: a run's trace is this with `{traceId}` replaced; null when unset",
  })
  traceUrlTemplate!: string | null;
}

/**
 * `GET /v1/console/config`: the server settings the web console shows or links by (the files of
 * the console are static and the same for every server). Any signed-in caller may read it.
 */
@ApiTags('console')
@Controller('v1/console')
export class ConsoleConfigController {
  constructor(@Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig) {}

  @Get('config')
  @Authenticated()
  @ApiOkResponse({ type: ConsoleConfigView })
  consoleConfig(): ConsoleConfigView {
    return { traceUrlTemplate: this.config.traceUrlTemplate ?? null };
  }
}

@Module({ controllers: [ConsoleConfigController] })
export class ConsoleConfigModule {}
