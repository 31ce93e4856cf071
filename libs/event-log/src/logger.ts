/** The little logging this library does; a NestJS `Logger` fits, tests pass a silent one. */
export interface EventLogLogger {
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: EventLogLogger = {
  warn: (message) => console.warn(`[event-log] ${message}`),
  error: (message) => console.error(`[event-log] ${message}`),
};

export const silentLogger: EventLogLogger = { warn: () => undefined, error: () => undefined };

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
