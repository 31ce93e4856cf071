import { Controller, HttpCode, Post } from '@nestjs/common';
import { PROJECTOR_REBUILD_SUBJECT } from '@chainmail/contracts';
import { RequireScope } from '../identity/access.decorators';
import { RegistryClient } from '../registry.client';

@Controller('v1/admin')
export class AdminController {
  constructor(private readonly requests: RegistryClient) {}

  /** Drops the read models and replays the whole run log into them (`chainmail replay`). */
  @Post('replay')
  @HttpCode(202)
  @RequireScope('admin')
  replay(): Promise<unknown> {
    return this.requests.request(PROJECTOR_REBUILD_SUBJECT, {});
  }
}
