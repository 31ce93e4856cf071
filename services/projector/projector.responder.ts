import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { PROJECTOR_REBUILD_SUBJECT } from '@chainmail/contracts';
import { CodedRpcErrors } from '@chainmail/platform';
import { RunProjector } from './run-projector.service';

/** Replicas of the projector share the request subject; one of them answers each request. */
export const PROJECTOR_QUEUE = 'projector';

/**
 * Answers `projector.rebuild` (the REST edge's `POST /v1/admin/replay`, the CLI's `replay`) with
 * `{ targetSeq }`: the read models are dropped and rebuilt up to that sequence of the log.
 */
@Controller()
@UseFilters(new CodedRpcErrors('projector', 'The projector failed to rebuild the read models.'))
export class ProjectorResponder {
  constructor(private readonly projector: RunProjector) {}

  @MessagePattern(PROJECTOR_REBUILD_SUBJECT, { queue: PROJECTOR_QUEUE })
  rebuild(): Promise<{ targetSeq: number }> {
    return this.projector.rebuild();
  }
}
