import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { MAILBOX_LIST_LIMIT } from '@chainmail/persistence';

export class MailboxQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAILBOX_LIST_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `must be a whole number ≥ 1 (at most ${MAILBOX_LIST_LIMIT})` })
  @Min(1, { message: `must be a whole number ≥ 1 (at most ${MAILBOX_LIST_LIMIT})` })
  limit?: number;
}

const text = { type: String, nullable: true } as const;

export class CaughtMailView {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() subject!: string;
  @ApiProperty(text) date!: string | null;
  @ApiProperty(text) messageId!: string | null;
  @ApiProperty(text) inReplyTo!: string | null;
}

export class CaughtMailDetailView extends CaughtMailView {
  @ApiProperty() envelopeFrom!: string;
  @ApiProperty({ type: [String] }) envelopeTo!: string[];
  @ApiProperty({ type: [String] }) references!: string[];
  @ApiProperty(text) text!: string | null;
  @ApiProperty(text) html!: string | null;
  @ApiProperty({ description: 'the message as it was received' }) raw!: string;
  @ApiProperty({ description: 'bytes' }) size!: number;
}

export class MailboxList {
  @ApiProperty({ description: 'whether the local mail catcher runs' }) catcher!: boolean;
  @ApiProperty({ type: [CaughtMailView] }) mails!: CaughtMailView[];
}
