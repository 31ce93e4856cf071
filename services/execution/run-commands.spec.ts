import type { Command, RunCommand } from '@chainmail/contracts';
import { toRunCommand } from './run-commands';

/** The COMMANDS stream and the engine speak one vocabulary: the data is the message minus its envelope. */
describe('toRunCommand', () => {
  const envelope = { commandId: 'c-7', runId: 'run-1' };

  it.each<[Command, RunCommand, string]>([
    [
      { type: 'CancelRun', ...envelope, reason: 'stop', by: 'usr_a' },
      { type: 'CancelRun', data: { reason: 'stop', by: 'usr_a' } },
      'run-1:cancel',
    ],
    [
      { type: 'FireTimer', ...envelope, timer: { kind: 'run-timeout' }, dueAt: '2030-01-01T00:00:00.000Z' },
      { type: 'FireTimer', data: { timer: { kind: 'run-timeout' }, dueAt: '2030-01-01T00:00:00.000Z' } },
      'run-1:timer:c-7',
    ],
    [
      { type: 'ResolveCheckpoint', ...envelope, stepId: 'review', visit: 2, action: 'approve', by: 'usr_a' },
      { type: 'ResolveCheckpoint', data: { stepId: 'review', visit: 2, action: 'approve', by: 'usr_a' } },
      'run-1:checkpoint:c-7',
    ],
    [
      { type: 'StepRun', ...envelope, stepId: 'draft', visit: 1, input: 'edited', by: 'usr_a' },
      { type: 'StepRun', data: { stepId: 'draft', visit: 1, input: 'edited', by: 'usr_a' } },
      'run-1:debug:c-7',
    ],
    [
      { type: 'ResumeRun', ...envelope, stepId: 'draft', visit: 1, by: 'usr_a' },
      { type: 'ResumeRun', data: { stepId: 'draft', visit: 1, by: 'usr_a' } },
      'run-1:debug:c-7',
    ],
    [
      { type: 'RewindRun', ...envelope, toStep: 'draft', by: 'usr_a' },
      { type: 'RewindRun', data: { toStep: 'draft', by: 'usr_a' } },
      'run-1:rewind:c-7',
    ],
  ])('%s.type: the message without its envelope', (command, expected, msgId) => {
    expect(toRunCommand(command)).toEqual({ command: expected, msgId });
  });

  it('keeps the envelope of a start: the run records its id and command id', () => {
    const start: Command = {
      type: 'StartRun',
      ...envelope,
      workflow: 'wf',
      version: 3,
      inputs: { topic: 'crm' },
      trigger: { kind: 'api' },
      owner: 'usr_a',
      actor: 'usr_a',
      debug: false,
    };
    const { type: _type, ...data } = start;
    expect(toRunCommand(start)).toEqual({ command: { type: 'StartRun', data }, msgId: 'run-1:start' });
  });

  it('turns a reply as received into the agent’s own words', () => {
    const reply: Command = {
      type: 'CompleteAgentMail',
      ...envelope,
      stepId: 'research',
      visit: 1,
      attempt: 2,
      from: 'research@mail-to-ai.com',
      text: 'Acme and Globex.\n\n-- \nRita',
    };
    expect(toRunCommand(reply)).toEqual({
      command: {
        type: 'ReceiveAgentReply',
        data: {
          stepId: 'research',
          visit: 1,
          attempt: 2,
          from: 'research@mail-to-ai.com',
          output: 'Acme and Globex.',
        },
      },
      msgId: 'run-1:reply:c-7',
    });
  });

  it('ignores a command type it does not know', () => {
    expect(toRunCommand({ type: 'Unknown', ...envelope } as unknown as Command)).toBeUndefined();
  });
});
