import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { publishableTeams } from '../gallery/marketplace';

/** Whose the new workflow is: yours, or a team's you edit or own (shown only when there is one). */
export function OwnerSelect({ value, onChange }: { value: string; onChange: (team: string) => void }) {
  const me = useApi(() => api.me(), []);
  const teams = me.data ? publishableTeams(me.data) : [];
  if (teams.length === 0) return null;
  return (
    <label>
      Owner
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">you</option>
        {teams.map((t) => (
          <option key={t.id} value={t.id}>
            team {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
