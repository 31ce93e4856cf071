import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `POST /v1/admin/replay`: the views were dropped; the replay is done once they reach `targetSeq`. */
export class ReplayStarted {
  @ApiProperty({ description: "the log's last sequence when the replay began" })
  targetSeq!: number;
}

/** `GET /v1/admin/replay`: how far the run views are, as committed in Postgres. */
export class ReplayStatus {
  @ApiPropertyOptional({ description: 'the sequence the last replay must reach (absent: never replayed)' })
  targetSeq?: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'when the last replay began' })
  startedAt?: string;
  @ApiProperty({ description: 'the highest log sequence whose commit is in the views' })
  appliedSeq!: number;
  @ApiProperty({
    description:
      'events written since the views were emptied (a batch written again after a lost ack counts twice)',
  })
  appliedEvents!: number;
  @ApiProperty({ description: "the log's last sequence now" })
  lastSeq!: number;
  @ApiProperty({ description: 'the last replay (if any) has reached its target' })
  done!: boolean;
}
