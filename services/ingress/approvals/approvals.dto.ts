import type { PendingApproval } from '@chainmail/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** `GET /v1/approvals?workflow=&limit=`. */
export class ListApprovalsQuery {
  @ApiPropertyOptional({ description: 'only checkpoints of this workflow' })
  @IsOptional()
  @IsString({ message: 'must be one workflow name' })
  workflow?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1 to 500' })
  @Min(1, { message: 'must be a whole number from 1 to 500' })
  @Max(500, { message: 'must be a whole number from 1 to 500' })
  limit?: number;
}

class DraftView {
  @ApiProperty({ description: 'the step that produced it' }) step!: string;
  @ApiProperty() output!: string;
}

/** One item of the answer, as the OpenAPI document shows it; it implements the contract's type. */
export class ApprovalView implements PendingApproval {
  @ApiProperty() runId!: string;
  @ApiProperty() workflow!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: "the run's owner" }) owner!: string;
  @ApiProperty({ description: 'the checkpoint step' }) step!: string;
  @ApiProperty({ description: 'which visit of the step waits (a goto may come back to it)' }) visit!: number;
  @ApiProperty() message!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
  })
  actions!: Record<string, string> | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'who may decide by mail or link: addresses, `owner`, `team:<id>`',
  })
  approvers!: string[] | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadline!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'since when it waits' })
  openedAt!: string | null;
  @ApiProperty({
    type: DraftView,
    nullable: true,
    description: 'the last output before the checkpoint: what it waits on',
  })
  draft!: DraftView | null;
}

export class ApprovalList {
  @ApiProperty({ type: [ApprovalView] }) approvals!: ApprovalView[];
}
