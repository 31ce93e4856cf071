import { stripReply } from '@chainmail/agents';
import type { Command, RunCommand } from '@chainmail/contracts';

/** Suffix of the id a command's decision is appended under: one decision per command. */
const DEDUPE: Record<Command['type'], (command: Command) => string> = {
  StartRun: () => 'start',
  CancelRun: () => 'cancel',
  FireTimer: (c) => `timer:${c.commandId}`,
  ResolveCheckpoint: (c) => `checkpoint:${c.commandId}`,
  CompleteAgentMail: (c) => `reply:${c.commandId}`,
  StepRun: (c) => `debug:${c.commandId}`,
  ResumeRun: (c) => `debug:${c.commandId}`,
  PauseRun: (c) => `debug:${c.commandId}`,
  RewindRun: (c) => `rewind:${c.commandId}`,
};

/**
 * A command from the COMMANDS stream as the engine takes it (the same vocabulary: the data is the
 * message without its type and envelope), with the id its decision is appended under.
 */
export function toRunCommand(command: Command): { command: RunCommand; msgId: string } | undefined {
  const dedupe = DEDUPE[command.type] as ((command: Command) => string) | undefined;
  if (dedupe === undefined) return undefined;
  const msgId = `${command.runId}:${dedupe(command)}`;
  if (command.type === 'CompleteAgentMail') {
    const { type: _type, commandId: _id, runId: _run, text, ...data } = command;
    // The agent's own words: quoted history and signature are not its output.
    return { command: { type: 'ReceiveAgentReply', data: { ...data, output: stripReply(text) } }, msgId };
  }
  if (command.type === 'StartRun') {
    const { type, ...data } = command;
    return { command: { type, data }, msgId };
  }
  const { type, commandId: _id, runId: _run, ...data } = command;
  return { command: { type, data } as RunCommand, msgId };
}
