import type { ApiPropertyOptions } from '@nestjs/swagger';

/** Any JSON value (text, number, boolean, list, map or null), as OpenAPI 3.0 writes it. */
export function anyJson(description: string): ApiPropertyOptions {
  return {
    description,
    nullable: true,
    oneOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'array', items: {} },
      { type: 'object', additionalProperties: true },
    ],
  } as ApiPropertyOptions;
}
