import { Logger } from '@nestjs/common';
import type { Command } from '@chainmail/contracts';

/** What deciding a command in this process gave. */
export interface LocallyDecided {
  /** The command decided nothing new: the run had started already (a retry of the same start). */
  duplicate: boolean;
}

/** Decides one run command and appends its decision to the log before it resolves. */
export type LocalCommandHandler = (
  command: Command,
  headers: Record<string, string>,
) => Promise<LocallyDecided>;

/**
 * Where a run command can be decided in the process that received it, without the COMMANDS
 * stream's round trip: when execution runs beside ingress (the all-in-one process), it serves
 * here, and a run start made by ingress is decided, run ahead through its instant steps and
 * appended to the run's log before the request is answered. Nothing runs ahead of the log: the
 * caller hears of the command only once its decision is stored, as with the stream (where the
 * command itself is stored first). Anything but a decision — nobody serves here, the handler is at
 * its limit, or it failed — answers `undefined`, and the caller sends the command through the
 * stream as before: the command's id and the decision's message id make a second try decide once.
 */
export class LocalCommands {
  private readonly logger = new Logger('local-commands');
  private handler?: LocalCommandHandler;
  private limit = 0;
  private inFlight = 0;

  /** Serves commands here, at most `limit` at once; the function it returns stops serving. */
  serve(handler: LocalCommandHandler, limit: number): () => void {
    this.handler = handler;
    this.limit = limit;
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }

  get serving(): boolean {
    return this.handler !== undefined;
  }

  /** The command decided here, or `undefined`: send it through the stream instead. */
  async decide(command: Command, headers: Record<string, string> = {}): Promise<LocallyDecided | undefined> {
    const handler = this.handler;
    if (handler === undefined || this.inFlight >= this.limit) return undefined;
    this.inFlight++;
    try {
      return await handler(command, headers);
    } catch (err) {
      this.logger.warn(
        `${command.type} of run ${command.runId} was not decided in this process (${(err as Error).message}); it goes through the command stream`,
      );
      return undefined;
    } finally {
      this.inFlight--;
    }
  }
}
