import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SmtpInboundServer } from './smtp-inbound.server';

/** Opens the SMTP port with the process and closes it on shutdown; port 0 in the configuration: off. */
export class SmtpInboundListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('smtp');

  constructor(
    private readonly server: SmtpInboundServer,
    private readonly port: number,
    private readonly host: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.port === 0) return;
    try {
      await this.server.listen(this.port, this.host);
    } catch (err) {
      throw new Error(
        `Cannot receive mail on ${this.host}:${this.port} (${(err as Error).message}); free the port, choose another with CHAINMAIL_SMTP_PORT, or 0 to turn inbound mail off.`,
      );
    }
    this.logger.log(`receiving mail on smtp://${this.host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
