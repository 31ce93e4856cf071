import { Logger } from '@nestjs/common';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionLog } from '@chainmail/event-log';

/** Keeps a catalog live: folds the whole definition stream once, then follows new events. */
export class CatalogFeed {
  private static readonly running = new WeakMap<DefinitionCatalog, AbortController>();
  private static readonly logger = new Logger('catalog');

  static async start(catalog: DefinitionCatalog, log: DefinitionLog): Promise<void> {
    for (const { seq, event } of await log.readAll()) catalog.apply(seq, event);
    const controller = new AbortController();
    CatalogFeed.running.set(catalog, controller);
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          for await (const { seq, event } of log.follow(catalog.appliedSeq + 1, controller.signal)) {
            catalog.apply(seq, event);
          }
        } catch (err) {
          if (controller.signal.aborted) return;
          CatalogFeed.logger.warn(`definition feed interrupted, resuming: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  static stop(catalog: DefinitionCatalog): void {
    CatalogFeed.running.get(catalog)?.abort();
  }
}
