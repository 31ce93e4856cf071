import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/**
 * A secret's value: JSON `{"value": "…"}`, or a `text/plain` body (the bytes as sent), which
 * `textBodyAsValue` turns into the same shape before validation. The value is never part of an error.
 */
export class SecretValueRequest {
  static readonly example = '{"value": "…"} or a text/plain body (chainmail secrets set NAME < file)';

  @ApiProperty({ description: 'the value; write-only, never answered' })
  @IsString({ message: 'must be text: send {"value": "…"} or a text/plain body' })
  value!: string;
}

export class SecretView {
  @ApiProperty({ example: 'user:usr_admin' }) owner!: string;
  @ApiProperty({ example: 'OPENAI_API_KEY' }) name!: string;
  @ApiProperty({ description: '1 at the first write, +1 at each rotation' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() updatedBy!: string;
}

export class SecretAnswer {
  @ApiProperty({ type: SecretView }) secret!: SecretView;
}

export class SecretList {
  @ApiProperty({ type: [SecretView] }) secrets!: SecretView[];
}

export class SecretDeleted {
  @ApiProperty({ type: SecretView }) deleted!: SecretView;
}

/** A `text/plain` body (a string after the text parser) as `{value}`, so one DTO checks both forms. */
export function textBodyAsValue(req: { body?: unknown }, _res: unknown, next: () => void): void {
  if (typeof req.body === 'string') req.body = { value: req.body };
  next();
}
