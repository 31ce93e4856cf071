import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChainmailError, FIRST_ADMIN_OWNER, type WorkflowDefinition } from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import type { DefinitionCatalog } from '@chainmail/catalog';
import { CHAINMAIL_CONFIG, DEFINITION_CATALOG } from '@chainmail/platform';
import { RegistryService } from './registry.service';

/**
 * Publishes the pipelines among the workflow files of a folder at start (the shipped examples on
 * a local install): a definition with a real trigger (email, webhook or schedule) is a pipeline
 * something starts; one without (a demonstration of a construct, or the seed's format sketch,
 * whose `type: email | schedule | webhook` binds nothing) stays a file to read and `apply`.
 * A file whose text is already the active version publishes nothing, so restarts add no versions.
 */
@Injectable()
export class ExamplesLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('registry');

  constructor(
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(DEFINITION_CATALOG) private readonly catalog: DefinitionCatalog,
    private readonly registry: RegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.config.examplesDir;
    if (!dir) return;
    const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    for (const file of files) {
      const source = await readFile(join(dir, file), 'utf8');
      const contentType = file.endsWith('.json') ? 'json' : 'yaml';
      const parsed = await this.registry.publish.validate({ source, contentType });
      if (!parsed.ok) {
        this.logger.warn(
          `example ${file} is invalid and was not published: ${parsed.errors[0]?.message ?? ''}`,
        );
        continue;
      }
      if (!isPipeline(parsed.definition)) {
        this.logger.debug(`example ${file} demonstrates a construct: not published (apply it to try it)`);
        continue;
      }
      if (this.catalog.active(parsed.definition.name)?.source === source) continue;
      try {
        const published = await this.registry.publish.execute({
          source,
          contentType,
          publishedBy: 'examples',
          // The shipped examples are the first admin's: the README's tour runs them with its token.
          owner: FIRST_ADMIN_OWNER,
        });
        await this.catalog.waitFor(published.seq, 5_000);
        this.logger.log(`published example ${published.name} as version ${published.version}`);
      } catch (err) {
        const message = err instanceof ChainmailError ? err.message : String(err);
        this.logger.warn(`example ${file} was not published: ${message}`);
      }
    }
  }
}

/** A definition something starts on its own: an email, webhook or schedule trigger. */
export function isPipeline(definition: Pick<WorkflowDefinition, 'triggers'>): boolean {
  return definition.triggers.some((t) => t.type !== 'placeholder');
}
