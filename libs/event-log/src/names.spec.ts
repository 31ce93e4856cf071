import { CANCEL_RUN_SUBJECT, COMMANDS_STREAM } from '@chainmail/contracts';
import { eventLogNames } from './names';

describe('eventLogNames', () => {
  it('uses the contract names unchanged without a namespace', () => {
    const names = eventLogNames();
    expect(names.runEventsStream).toBe('RUN_EVENTS');
    expect(names.definitionEventsStream).toBe('DEFINITION_EVENTS');
    expect(names.commandsStream).toBe('COMMANDS');
    expect(names.runSubjects).toBe('runs.*');
    expect(names.runSubject('r1')).toBe('runs.r1');
    expect(names.definitionSubject('daily')).toBe('definitions.daily');
    expect(names.subject(CANCEL_RUN_SUBJECT)).toBe('commands.runs.cancel');
    expect(names.contractSubject('runs.r1')).toBe('runs.r1');
  });

  it('prefixes streams and subjects with a namespace, and strips it from received subjects', () => {
    const names = eventLogNames('t123');
    expect(names.runEventsStream).toBe('t123_RUN_EVENTS');
    expect(names.stream(COMMANDS_STREAM)).toBe('t123_COMMANDS');
    expect(names.runSubjects).toBe('t123.runs.*');
    expect(names.commandSubjects).toBe('t123.commands.>');
    expect(names.runSubject('r1')).toBe('t123.runs.r1');
    expect(names.subject('commands.runs.>')).toBe('t123.commands.runs.>');
    expect(names.contractSubject('t123.runs.r1')).toBe('runs.r1');
    expect(names.contractSubject('runs.r1')).toBe('runs.r1');
  });

  it('refuses namespaces and ids that would break subjects', () => {
    expect(() => eventLogNames('a.b')).toThrow(/namespace/);
    expect(() => eventLogNames('a b')).toThrow(/namespace/);
    const names = eventLogNames();
    for (const bad of ['a.b', '*', '>', 'a b', '']) expect(() => names.runSubject(bad)).toThrow(/run id/);
    expect(() => names.definitionSubject('x.y')).toThrow(/workflow name/);
  });
});

describe('agent subjects', () => {
  it('puts agents on the definition stream, one subject token per address', () => {
    const names = eventLogNames();
    expect(names.agentSubjects).toBe('agents.*');
    expect(names.agentSubject('research@')).toBe('agents.research@');
    expect(names.agentSubject('research@mail-to-ai.com')).toBe('agents.research@mail-to-ai_2ecom');
    expect(names.agentSubject('a.b+c@x.org')).toBe('agents.a_2eb_2bc@x_2eorg');
    expect(eventLogNames('t9').agentSubject('research@')).toBe('t9.agents.research@');
  });

  it('keeps distinct addresses on distinct subjects', () => {
    const names = eventLogNames();
    const addresses = ['a.b@', 'a_2eb@', 'a-b@', 'ab@', 'a@b.c', 'a@b_2ec', 'a_b@'];
    const subjects = addresses.map((a) => names.agentSubject(a));
    expect(new Set(subjects).size).toBe(addresses.length);
    for (const s of subjects) expect(s.split('.')).toHaveLength(2);
  });
});
