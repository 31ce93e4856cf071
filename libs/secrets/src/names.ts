import { ChainmailError } from '@chainmail/contracts';

/** Names as templates read them (`{{secrets.OPENAI_KEY}}`, `{{vars.region}}`). */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function checkName(name: string, what: 'secret' | 'variable'): string {
  if (!NAME_PATTERN.test(name)) {
    throw new ChainmailError(
      'BAD_REQUEST',
      `A ${what} name is a letter or underscore, then letters, digits or underscores (at most 128), as {{${what === 'secret' ? 'secrets' : 'vars'}.NAME}} reads it.`,
      { name: name.slice(0, 200) },
    );
  }
  return name;
}
