import { stripReply } from '@chainmail/agents';
import type { Command } from '@chainmail/contracts';
import type { RunCommand } from '@chainmail/engine';

/** A command from the COMMANDS stream as the engine takes it, with the id its decision is appended under. */
export function toRunCommand(command: Command): { command: RunCommand; msgId: string } | undefined {
  switch (command.type) {
    case 'StartRun': {
      const { type: _type, ...data } = command;
      return { command: { type: 'StartRun', data }, msgId: `${command.runId}:start` };
    }
    case 'CancelRun':
      return {
        command: { type: 'CancelRun', data: { reason: command.reason, by: command.by } },
        msgId: `${command.runId}:cancel`,
      };
    case 'FireTimer':
      return {
        command: { type: 'FireTimer', data: { timer: command.timer, dueAt: command.dueAt } },
        msgId: `${command.runId}:timer:${command.commandId}`,
      };
    case 'ResolveCheckpoint':
      return {
        command: {
          type: 'ResolveCheckpoint',
          data: {
            stepId: command.stepId,
            visit: command.visit,
            action: command.action,
            input: command.input,
            comment: command.comment,
            by: command.by,
          },
        },
        msgId: `${command.runId}:checkpoint:${command.commandId}`,
      };
    case 'CompleteAgentMail':
      return {
        command: {
          type: 'ReceiveAgentReply',
          data: {
            stepId: command.stepId,
            visit: command.visit,
            attempt: command.attempt,
            from: command.from,
            ...(command.messageId !== undefined ? { messageId: command.messageId } : {}),
            // The agent's own words: quoted history and signature are not its output.
            output: stripReply(command.text),
          },
        },
        msgId: `${command.runId}:reply:${command.commandId}`,
      };
    default:
      return undefined;
  }
}
