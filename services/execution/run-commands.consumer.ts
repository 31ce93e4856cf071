import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  Optional,
} from '@nestjs/common';
import {
  COMMANDS_STREAM,
  CONSUMERS,
  RUN_COMMAND_SUBJECTS,
  type Command,
  type RunCommand,
} from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import {
  startConsumer,
  type ConsumedMessage,
  type ConsumerRunner,
  type EventLogNames,
} from '@chainmail/event-log';
import {
  CHAINMAIL_CONFIG,
  EVENT_LOG_NAMES,
  LOCAL_COMMANDS,
  NATS_CONNECTION,
  type LocalCommands,
  type LocallyDecided,
} from '@chainmail/platform';
import {
  extractTraceContext,
  injectTraceHeaders,
  runAttributes,
  withSpan,
  type Context,
  type Tracer,
} from '@chainmail/telemetry';
import type { NatsConnection } from 'nats';
import { EXECUTION_TRACER } from './execution.tokens';
import { RunCommandHandler } from './run-command-handler';
import { toRunCommand } from './run-commands';
import { OwnerVariables } from './secrets/owner-variables';
import { withOwnerVariables } from './secrets/run-variables';

/** A parent's cancel can overtake its child's start in the queue: it is retried this many times. */
const CHILD_CANCEL_DELIVERIES = 20;

/**
 * Start, cancel, timer, checkpoint and agent-reply commands from the COMMANDS stream, decided one
 * at a time per message. The commit a command appends is reacted to at once by this process.
 * Ingress in the same process hands its run starts here directly (`LocalCommands`): the same
 * decision, without the stream's round trip.
 */
@Injectable()
export class RunCommandsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('execution');
  private consumer?: ConsumerRunner;
  private stopServingLocally?: () => void;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    @Inject(EXECUTION_TRACER) private readonly tracer: Tracer,
    private readonly commands: RunCommandHandler,
    /** The run owners' variables, recorded at each start. */
    @Optional() @Inject(OwnerVariables) private readonly variables?: OwnerVariables,
    @Optional() @Inject(LOCAL_COMMANDS) private readonly local?: LocalCommands,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startConsumer(this.nc, {
      names: this.names,
      stream: COMMANDS_STREAM,
      durable: CONSUMERS.executionCommands,
      filterSubject: RUN_COMMAND_SUBJECTS,
      concurrency: this.config.executionConcurrency,
      // A decision takes milliseconds: after a crash, its command goes to the next replica soon.
      ackWaitMs: this.config.executionAckWaitMs,
      handler: (message) => this.onCommand(message),
    });
    this.stopServingLocally = this.local?.serve(
      (command, headers) => this.decideHere(command, headers),
      this.config.executionConcurrency,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopServingLocally?.();
    await this.consumer?.stop();
  }

  private async onCommand(message: ConsumedMessage): Promise<void> {
    const command = message.json<Command>();
    const handled = await this.traced(command, message.headers);
    const fromParent = command.type === 'CancelRun' && command.by.startsWith('run:');
    if (fromParent && handled?.status === 'new' && message.redeliveryCount < CHILD_CANCEL_DELIVERIES) {
      throw new Error(`run ${command.runId} has not started yet; its cancel waits for the start`);
    }
  }

  /** A command handed over in this process, decided as one from the stream would be. */
  private async decideHere(command: Command, headers: Record<string, string>): Promise<LocallyDecided> {
    const handled = await this.traced(command, headers);
    if (handled === undefined) throw new Error(`${command.type} is no run command`);
    return { duplicate: handled.events === 0 };
  }

  private traced(command: Command, headers: Record<string, string>): Promise<Handled | undefined> {
    return withSpan(
      this.tracer,
      `run command ${command.type}`,
      { parent: extractTraceContext(headers), attributes: runAttributes({ runId: command.runId }) },
      (_span, ctx) => this.handle(command, headers, ctx),
    );
  }

  private async handle(
    command: Command,
    headers: Record<string, string>,
    ctx: Context,
  ): Promise<Handled | undefined> {
    const decided = toRunCommand(command);
    if (decided === undefined) {
      this.logger.warn(`ignoring unknown command ${command.type} for run ${command.runId}`);
      return undefined;
    }
    const handled = await this.commands.handle(
      command.runId,
      withTraceOrigin(await withOwnerVariables(decided.command, this.variables), headers, ctx),
      decided.msgId,
      injectTraceHeaders({}, ctx),
    );
    return { status: handled.state.status, events: handled.events.length };
  }
}

/** What a command's handling left: the run's status after it, and how many events it decided. */
interface Handled {
  status: string;
  events: number;
}

/**
 * A start records the trace context its command came in (the trigger's span, from the message
 * headers), or else this command's own span: the run's span is its child, so the whole run is
 * one trace, the trace of the commit that starts it.
 */
function withTraceOrigin(command: RunCommand, headers: Record<string, string>, ctx: Context): RunCommand {
  if (command.type !== 'StartRun') return command;
  const traceparent =
    injectTraceHeaders({}, extractTraceContext(headers)).traceparent ?? injectTraceHeaders({}, ctx).traceparent;
  return traceparent === undefined ? command : { type: 'StartRun', data: { ...command.data, traceparent } };
}
