import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../identity/access.decorators';
import { ReplayStarted, ReplayStatus } from './replay.dto';
import { ReplayService } from './replay.service';

@ApiTags('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly replays: ReplayService) {}

  /** Drops the read models and starts replaying the whole run log into them (`chainmail replay`). */
  @Post('replay')
  @HttpCode(202)
  @RequireScope('admin')
  @ApiResponse({ status: 202, type: ReplayStarted })
  replay(): Promise<ReplayStarted> {
    return this.replays.start();
  }

  /** How far the replay is: done once `appliedSeq` reaches `targetSeq`. */
  @Get('replay')
  @RequireScope('admin')
  @ApiOkResponse({ type: ReplayStatus })
  replayStatus(): Promise<ReplayStatus> {
    return this.replays.status();
  }
}
