import { canonicalOwner } from '@chainmail/contracts';
import type { RunCommand } from '@chainmail/engine';
import type { VariableStore } from '@chainmail/secrets';

/**
 * A start with its owner's variables as they are now, so RunStarted records them and every
 * template (and every replay) of the run reads the same values. Other commands pass as they are.
 */
export async function withOwnerVariables(
  command: RunCommand,
  variables: Pick<VariableStore, 'valuesOf'> | undefined,
): Promise<RunCommand> {
  if (command.type !== 'StartRun' || variables === undefined || command.data.vars !== undefined)
    return command;
  const vars = await variables.valuesOf(canonicalOwner(command.data.owner));
  return Object.keys(vars).length === 0 ? command : { ...command, data: { ...command.data, vars } };
}
