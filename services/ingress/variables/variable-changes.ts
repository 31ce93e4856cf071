import { Logger } from '@nestjs/common';
import { VARIABLES_CHANGED_SUBJECT } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import type { NatsConnection } from 'nats';

/**
 * Tells execution that a variable was written or deleted, so that no run started after the
 * write's answer records the values it read before (execution keeps them between starts).
 */
export class VariableChanges {
  private readonly logger = new Logger('variables');

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
  ) {}

  /** Published and flushed: the server has it before the write is answered. */
  async announce(): Promise<void> {
    try {
      this.nc.publish(this.names.subject(VARIABLES_CHANGED_SUBJECT));
      await this.nc.flush();
    } catch (err) {
      this.logger.warn(
        `could not announce a variable change (runs started within a second may record the former values): ${(err as Error).message}`,
      );
    }
  }
}
