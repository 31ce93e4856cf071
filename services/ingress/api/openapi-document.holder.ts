import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The document, built at the first request from the running app (all routes are mapped by then),
 * then kept: generating it walks every controller, which the start of a process need not pay for.
 */
export class OpenApiDocument {
  private build?: () => OpenAPIObject;
  private built?: OpenAPIObject;

  buildWith(build: () => OpenAPIObject): void {
    this.build = build;
    this.built = undefined;
  }

  get(): OpenAPIObject {
    if (this.built === undefined) {
      if (this.build === undefined)
        throw new Error('The OpenAPI document has no builder; configureIngressHttp sets it.');
      this.built = this.build();
    }
    return this.built;
  }
}
