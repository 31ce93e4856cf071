import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import { Public } from '../identity/access.decorators';
import { OpenApiDocument } from './openapi-document.holder';

/** swagger-ui's files, served from the installed package: the page works with no network. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Chainmail API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

/**
 * The OpenAPI document (`GET /v1/openapi.json`) and an interactive page over it (`GET /docs`).
 * Both are public, as health probes are: they describe the API, and every call made from the page
 * still needs a token.
 */
@ApiTags('api')
@Controller()
@Public()
export class OpenApiController {
  private readonly uiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

  constructor(private readonly document: OpenApiDocument) {}

  @Get('v1/openapi.json')
  @ApiOkResponse({ description: 'this document (OpenAPI 3)', schema: { type: 'object' } })
  openApi(): OpenAPIObject {
    return this.document.get();
  }

  @Get('docs')
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs/:asset')
  @ApiExcludeEndpoint()
  @Header('cache-control', 'public, max-age=3600')
  async asset(@Param('asset') name: string): Promise<StreamableFile> {
    if (name === 'swagger-initializer.js') {
      return new StreamableFile(Buffer.from(INITIALIZER), { type: 'text/javascript; charset=utf-8' });
    }
    const type = ASSETS[name];
    if (type === undefined) {
      throw new NotFoundException(`The API page has no file named "${name}".`);
    }
    return new StreamableFile(await readFile(join(this.uiDir, name)), { type });
  }
}
