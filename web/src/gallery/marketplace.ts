import { mayDo, rightsOf, type TeamRole, type WorkflowDefinition } from '@chainmail/contracts';
import type { Me } from '../api/api';

/** Whether the signed-in identity may unpublish a listing: its author, or an editor or owner of the author team. */
export function isAuthor(me: Pick<Me, 'user' | 'teams'>, author: string): boolean {
  const rights = rightsOf({
    userId: me.user.id,
    teams: me.teams.map((t) => ({ teamId: t.id, role: t.role as TeamRole })),
  });
  return mayDo(rights, author, 'publish');
}

/** The teams the signed-in identity may publish for (editor or owner there): a template's or an install's owner. */
export function publishableTeams(me: Pick<Me, 'teams'>): { id: string; name: string }[] {
  return me.teams
    .filter((t) => t.role === 'editor' || t.role === 'owner')
    .map(({ id, name }) => ({ id, name }));
}

/** A trigger binding of a listed workflow (unique in an installation: an installer names their own). */
export interface Binding {
  kind: 'webhook path' | 'email address';
  value: string;
}

export function bindingsOf(definition: Pick<WorkflowDefinition, 'triggers'>): Binding[] {
  return definition.triggers.flatMap((t): Binding[] =>
    t.type === 'webhook'
      ? [{ kind: 'webhook path', value: t.path }]
      : t.type === 'email'
        ? [{ kind: 'email address', value: t.address }]
        : [],
  );
}

export interface InstallForm {
  name: string;
  /** Install as this team's workflow (empty: yours). */
  team: string;
  /** Listed agent address → the installer's (empty: keep the listed one). */
  agents: Record<string, string>;
  /** Listed webhook path or email address → the installer's (empty: keep it). */
  bindings: Record<string, string>;
}

/** The install request: only what was filled in and differs from the listing. */
export function installRequest(form: InstallForm): {
  name?: string;
  team?: string;
  agents?: Record<string, string>;
  bindings?: Record<string, string>;
} {
  const changed = (map: Record<string, string>): Record<string, string> | undefined => {
    const entries = Object.entries(map)
      .map(([from, to]) => [from, to.trim()] as const)
      .filter(([from, to]) => to !== '' && to !== from);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  };
  const agents = changed(form.agents);
  const bindings = changed(form.bindings);
  return {
    ...(form.name.trim() !== '' ? { name: form.name.trim() } : {}),
    ...(form.team !== '' ? { team: form.team } : {}),
    ...(agents !== undefined ? { agents } : {}),
    ...(bindings !== undefined ? { bindings } : {}),
  };
}

/** Tags as typed ("research, Competitors  crm"): lower-case words, each once. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((t) => t.toLowerCase())
        .filter(Boolean),
    ),
  ];
}
