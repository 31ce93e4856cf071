import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { anyJson } from '../api/any-json.schema';

/** `PUT /v1/variables/:name`: any JSON value (null included), but present. */
export class VariableValueRequest {
  static readonly example = '{"value": "eu-west"}';

  @ApiProperty(anyJson('text, number, boolean, list or map'))
  @ValidateBy({
    name: 'isPresent',
    validator: {
      validate: (value: unknown) => value !== undefined,
      defaultMessage: () => 'is required: text, number, boolean, list or map',
    },
  })
  value!: unknown;
}

export class VariableView {
  @ApiProperty() owner!: string;
  @ApiProperty() name!: string;
  @ApiProperty(anyJson('text, number, boolean, list or map')) value!: unknown;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() updatedBy!: string;
}

export class VariableVersionView {
  @ApiProperty() version!: number;
  @ApiPropertyOptional(anyJson('absent on a deletion')) value?: unknown;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() by!: string;
}

export class VariableAnswer {
  @ApiProperty({ type: VariableView }) variable!: VariableView;
}

export class VariableHistory {
  @ApiProperty({ type: VariableView }) variable!: VariableView;
  @ApiProperty({ type: [VariableVersionView] }) versions!: VariableVersionView[];
}

export class VariableList {
  @ApiProperty({ type: [VariableView] }) variables!: VariableView[];
}

export class VariableDeleted {
  @ApiProperty({ type: VariableVersionView }) deleted!: VariableVersionView;
}
