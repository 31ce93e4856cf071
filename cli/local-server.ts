import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LocalServerOptions {
  entry: string;
  cwd: string;
  env: Record<string, string>;
  /** Detached servers write their output to this file and outlive the CLI. */
  logFile?: string;
}

const KEPT_LINES = 40;

/**
 * The all-in-one server as a child process. It runs in its own process group so that Ctrl-C in
 * the terminal reaches only the CLI, which then stops it once, with SIGTERM, and waits.
 */
export class LocalServer {
  readonly exited: Promise<ServerExit>;
  private readonly recent: string[] = [];
  private forward: ((line: string) => void) | undefined;
  private exit: ServerExit | undefined;
  private readonly killOnExit = (): void => {
    this.child.kill('SIGTERM');
  };

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string | undefined,
  ) {
    // 'close' rather than 'exit': it comes after the last output line has been read.
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        process.off('exit', this.killOnExit);
        resolve(this.exit);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    }
  }

  static start(options: LocalServerOptions): LocalServer {
    const fd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
    try {
      const child = spawn(process.execPath, [options.entry], {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
      });
      const server = new LocalServer(child, options.logFile);
      // A server in the foreground must not outlive the CLI, whatever ends it.
      if (fd === undefined) process.on('exit', server.killOnExit);
      return server;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends each new output line to `listener` (foreground servers only). */
  forwardTo(listener: ((line: string) => void) | undefined): void {
    this.forward = listener;
  }

  /** The last lines the server printed, to explain a failed start. */
  recentLines(): string[] {
    if (this.logFile === undefined) return [...this.recent];
    try {
      return readFileSync(this.logFile, 'utf8').split(/\r?\n/).filter(Boolean).slice(-KEPT_LINES);
    } catch {
      return [];
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<ServerExit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    return this.exited;
  }

  /** Lets the CLI exit while the (detached) server keeps running. */
  release(): void {
    process.off('exit', this.killOnExit);
    this.child.unref();
  }

  private onLine(line: string): void {
    this.recent.push(line);
    if (this.recent.length > KEPT_LINES) this.recent.shift();
    this.forward?.(line);
  }
}
