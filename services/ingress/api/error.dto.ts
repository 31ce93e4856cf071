import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ErrorDetail {
  @ApiProperty({ example: 'BAD_REQUEST' }) code!: string;
  @ApiProperty({ example: 'The request body is invalid: inputs must be a JSON object of inputs by name.' })
  message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "what the code needs: for a 400 of the validation, `issues: [{in, field, message}]` with the field's path (`inputs`, `config.baseUrl`, `steps[0].input`)",
  })
  details?: Record<string, unknown>;
}

/** Every error of the API: `{error: {code, message, details}}`. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail }) error!: ErrorDetail;
}
