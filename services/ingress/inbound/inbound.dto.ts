import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import {
  INBOUND_CHANNELS,
  INBOUND_STATUSES,
  type InboundChannel,
  type InboundStatus,
} from '@chainmail/persistence';
import { INBOUND_LIST_MAX } from './inbound.repository';

/** `GET /v1/inbound?channel=&status=&workflow=&limit=`. */
export class InboundQuery {
  @ApiPropertyOptional({ enum: INBOUND_CHANNELS })
  @IsOptional()
  @IsIn(INBOUND_CHANNELS, { message: `must be one of ${INBOUND_CHANNELS.join(', ')}` })
  channel?: InboundChannel;

  @ApiPropertyOptional({ enum: INBOUND_STATUSES })
  @IsOptional()
  @IsIn(INBOUND_STATUSES, { message: `must be one of ${INBOUND_STATUSES.join(', ')}` })
  status?: InboundStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'must be one workflow name' })
  workflow?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: INBOUND_LIST_MAX, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `must be a whole number ≥ 1 (at most ${INBOUND_LIST_MAX})` })
  @Min(1, { message: `must be a whole number ≥ 1 (at most ${INBOUND_LIST_MAX})` })
  limit?: number;
}

const text = { type: String, nullable: true } as const;

export class InboundMessageView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: INBOUND_CHANNELS }) channel!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ enum: INBOUND_STATUSES }) status!: string;
  @ApiProperty({ ...text, description: 'why it was refused or failed' }) reason!: string | null;
  @ApiProperty(text) from!: string | null;
  @ApiProperty(text) to!: string | null;
  @ApiProperty({ ...text, description: 'the webhook path' }) path!: string | null;
  @ApiProperty(text) subject!: string | null;
  @ApiProperty(text) messageId!: string | null;
  @ApiProperty(text) idempotencyKey!: string | null;
  @ApiProperty({ type: Number, nullable: true }) size!: number | null;
  @ApiProperty(text) runId!: string | null;
  @ApiProperty(text) workflow!: string | null;
  @ApiProperty(text) remoteAddress!: string | null;
}

export class InboundList {
  @ApiProperty({ type: [InboundMessageView] }) messages!: InboundMessageView[];
}
