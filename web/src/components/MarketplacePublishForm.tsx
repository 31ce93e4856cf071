import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/api';
import { gallery } from '../api/gallery';
import { useApi } from '../api/use-api';
import { problemsByField } from '../gallery/api-problems';
import { parseTags } from '../gallery/marketplace';
import { Problem } from './bits';
import { FieldProblem } from './FieldProblem';
import { useFormAction } from './use-action';

/**
 * `Publish to marketplace` on a workflow's page: its active version shared as a listing (the next
 * version of the listing when it was shared before), for everyone or for one team.
 */
export function MarketplacePublishForm({ workflow, onClose }: { workflow: string; onClose: () => void }) {
  const me = useApi(() => api.me(), []);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'team'>('public');
  const [team, setTeam] = useState('');
  const [published, setPublished] = useState<{ id: string; version: number }>();
  const { busy, error, submit } = useFormAction(async () => {
    const answer = await gallery.publishListing({
      workflow,
      title: title.trim(),
      description: description.trim() || undefined,
      tags: parseTags(tags),
      visibility,
      ...(visibility === 'team' && team !== '' ? { team } : {}),
    });
    setPublished(answer);
  });
  const problems = problemsByField(error);
  const field = (name: string) => ({
    'aria-invalid': problems[name] !== undefined,
    'aria-describedby': `share-${name}-problem`,
  });

  return (
    <form className="panel share" aria-label="Publish to marketplace" onSubmit={submit}>
      <h2>Publish {workflow} to the marketplace</h2>
      <p className="hint">
        Shares the active version: its definition and the names of what it needs, never a secret's or
        variable's value.
      </p>
      {published && (
        <p role="status" className="ok">
          Published as <Link to={`/marketplace/${encodeURIComponent(published.id)}`}>{published.id}</Link>,
          version {published.version}.
        </p>
      )}
      <Problem error={error} />
      <label>
        Title
        <input
          value={title}
          required
          autoFocus
          onChange={(e) => setTitle(e.target.value)}
          {...field('title')}
        />
        <FieldProblem id="share-title-problem" problems={problems.title} />
      </label>
      <label>
        Description
        <textarea
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          {...field('description')}
        />
        <FieldProblem id="share-description-problem" problems={problems.description} />
      </label>
      <label>
        Tags <small>(separated by commas or spaces)</small>
        <input
          value={tags}
          placeholder="research, crm"
          onChange={(e) => setTags(e.target.value)}
          {...field('tags')}
        />
        <FieldProblem id="share-tags-problem" problems={problems.tags} />
      </label>
      <label>
        Visibility
        <select
          value={visibility}
          onChange={(e) => setVisibility(e.target.value as 'public' | 'team')}
          {...field('visibility')}
        >
          <option value="public">public: every user of this server</option>
          <option value="team">team: the members of one team</option>
        </select>
        <FieldProblem id="share-visibility-problem" problems={problems.visibility} />
      </label>
      {visibility === 'team' && (
        <label>
          Team
          <select value={team} onChange={(e) => setTeam(e.target.value)} {...field('team')}>
            <option value="">the team that owns the workflow</option>
            {me.data?.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <FieldProblem id="share-team-problem" problems={problems.team} />
        </label>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Publish listing
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
