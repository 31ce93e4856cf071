import type { IncomingMessage } from 'node:http';
import { urlencoded } from 'express';
import type { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import type { ChainmailConfig } from '@chainmail/config';
import { buildOpenApiDocument } from './api/openapi.document';
import { OpenApiDocument } from './api/openapi-document.holder';
import { RequestValidationPipe } from './api/request-validation.pipe';
import { serveConsole } from './console/console-static';
import { ErrorFilter } from './error.filter';
import { readHookBody } from './hooks/hook-body.middleware';
import { checkJsonDepth, isDefinitionUpload, isJson, mediaType } from './json-body';
import { limitRunInputs, RUN_INPUT_ROUTES } from './runs/run-input-limit';
import { textBodyAsValue } from './secrets/secret-value.dto';

const DEFINITION_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/**
 * Body limits (413 past them; JSON nesting 422), raw bodies for line/column of JSON definitions and
 * for webhook signatures, request validation and the error format, the OpenAPI document, the web console.
 */
export function configureIngressHttp(app: NestExpressApplication, config: ChainmailConfig): void {
  // First: webhook bodies stay raw bytes (signatures are over them); the parsers below then skip them.
  app.use('/hooks', readHookBody(config.maxWebhookBytes));
  const limit = Math.max(config.maxDefinitionBytes, config.maxInputBytes);
  // Through the adapter, not app.useBodyParser: Nest's raw-body option would replace `verify`.
  (app.getHttpAdapter() as ExpressAdapter).useBodyParser('json', false, {
    limit,
    type: (req: IncomingMessage) => isJson(req) && !isDefinitionUpload(req),
    verify: (req: IncomingMessage & { rawBody?: Buffer }, _res: unknown, body: Buffer) => {
      checkJsonDepth(body);
      req.rawBody = body;
    },
  });
  // Definitions stay text, JSON ones too: the definition parser bounds them and gives line and column.
  app.useBodyParser('text', {
    type: (req: IncomingMessage) =>
      DEFINITION_TYPES.includes(mediaType(req)) || (isJson(req) && isDefinitionUpload(req)),
    limit: config.maxDefinitionBytes,
  });
  // The JSON parser's limit is the larger of the two; run inputs have their own, checked here.
  app.use(RUN_INPUT_ROUTES, limitRunInputs(config.maxInputBytes));
  app.use('/v1/secrets', textBodyAsValue);
  // The approval page's form (its one button): small, urlencoded, on that route only.
  app.use('/approvals', urlencoded({ extended: false, limit: config.maxInputBytes }));
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.disable('x-powered-by');
  // The web console at `/` (files, then index.html for its own paths); /v1 and the rest are untouched.
  serveConsole(app, config);
  app.get(OpenApiDocument).buildWith(() => buildOpenApiDocument(app));
}
