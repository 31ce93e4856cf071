import { Logger } from '@nestjs/common';
import type { DefinitionEvent } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionLog } from '@chainmail/event-log';

/** A view folded from DEFINITION_EVENTS (the definition catalog, the agent catalog). */
export interface DefinitionFold {
  readonly appliedSeq: number;
  apply(seq: number, event: DefinitionEvent): void;
}

/**
 * Keeps a catalog live: folds the whole definition stream once, then follows new events. `also`
 * are folds fed the same events in the same order (the agent catalog), so one read serves all.
 */
export class CatalogFeed {
  private static readonly running = new WeakMap<DefinitionCatalog, AbortController>();
  private static readonly logger = new Logger('catalog');

  static async start(
    catalog: DefinitionCatalog,
    log: DefinitionLog,
    also: DefinitionFold[] = [],
  ): Promise<void> {
    const folds: DefinitionFold[] = [catalog, ...also];
    for (const { seq, event } of await log.readAll()) for (const fold of folds) fold.apply(seq, event);
    const controller = new AbortController();
    CatalogFeed.running.set(catalog, controller);
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          for await (const { seq, event } of log.follow(catalog.appliedSeq + 1, controller.signal)) {
            for (const fold of folds) fold.apply(seq, event);
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
