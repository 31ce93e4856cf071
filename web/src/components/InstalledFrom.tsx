import { useState } from 'react';
import { Link } from 'react-router';
import { gallery } from '../api/gallery';
import { useApi } from '../api/use-api';
import { Problem } from './bits';
import { useAction } from './use-action';

/**
 * On an installed copy's page: the listing it came from and, when the listing has a newer
 * version, `Update` (published as the copy's next version, with your agent and binding choices).
 */
export function InstalledFrom({ workflow, onUpdated }: { workflow: string; onUpdated: () => void }) {
  const origin = useApi(() => gallery.origin(workflow), [workflow]);
  const [message, setMessage] = useState<string>();
  const { busy, error, run } = useAction();
  const o = origin.data;
  if (o === undefined) return null;

  const update = (): Promise<boolean> =>
    run(async () => {
      const updated = await gallery.update(workflow);
      setMessage(
        `Updated to listing version ${updated.listingVersion} (version ${updated.version} of ${workflow}).`,
      );
      origin.reload();
      onUpdated();
    });

  return (
    <section className="installed-from row" aria-label="Installed from the marketplace">
      <span>
        Installed from <Link to={`/marketplace/${encodeURIComponent(o.listing)}`}>{o.listing}</Link>, listing
        version {o.listingVersion}
        {o.latestVersion === null ? ' (the listing is no longer in the marketplace)' : ''}.
      </span>
      {o.updateAvailable && (
        <>
          <strong>Version {o.latestVersion} is available.</strong>
          <button type="button" className="primary" disabled={busy} onClick={() => void update()}>
            Update
          </button>
        </>
      )}
      {message && <span className="ok">{message}</span>}
      <Problem error={error} />
    </section>
  );
}
