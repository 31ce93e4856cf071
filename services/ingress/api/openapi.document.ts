import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorResponse } from './error.dto';

/**
 * The OpenAPI 3 document of the API, generated from the controllers and their DTO classes (the
 * same classes the validation pipe checks requests with), so it cannot drift from the code.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chainmail API')
    .setDescription(
      'Chain AI agents into workflows. Every `/v1` route takes `Authorization: Bearer <token>` ' +
        '(`x-required-scope` names the scope it needs); errors are `{error: {code, message, details}}`, ' +
        "and a 400 of an invalid body or query lists `details.issues` with each field's path (`inputs`, `config.baseUrl`, `steps[0].input`).",
    )
    .setVersion('v1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'an API token (`cm_…`) or an OpenID Connect access token',
      },
      'bearer',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return withErrorsAndPathParams(document);
}

/**
 * Every operation may answer the error format; a `text/plain` body is text (the value itself);
 * `/hooks/*path` (Express' wildcard) reads as `/hooks/{path}`.
 */
function withErrorsAndPathParams(document: OpenAPIObject): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation === undefined) continue;
      const text = (operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)
        ?.content?.['text/plain'];
      if (text !== undefined) text.schema = { type: 'string' };
      operation.responses.default ??= {
        description: 'an error: `{error: {code, message, details}}`',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
      };
    }
    paths[path.replace(/\/\*(\w+)/g, '/{$1}')] = item;
  }
  return { ...document, paths };
}
