import type { RunEvent } from '../api/api';
import { describeEvent } from '../workflow/timeline';

interface Props {
  events: RunEvent[];
  /** The sequence shown on the graph; undefined: now. */
  at: number | undefined;
  onTravel: (seq: number | undefined) => void;
}

/** The run's event log; the slider (or a click on an event) shows the graph as it was then. */
export function EventLog({ events, at, onTravel }: Props) {
  const seqs = [...new Set(events.map((e) => e.seq))];
  const last = seqs.at(-1) ?? 0;
  const index = at === undefined ? seqs.length - 1 : seqs.indexOf(at);
  return (
    <section className="event-log" aria-label="Event log">
      <h2>Event log</h2>
      {seqs.length > 1 && (
        <label className="travel">
          Time travel: {at === undefined ? 'now' : `after commit ${at}`}
          <input
            type="range"
            min={0}
            max={seqs.length - 1}
            value={Math.max(index, 0)}
            onChange={(e) => {
              const seq = seqs[Number(e.target.value)];
              onTravel(seq === last ? undefined : seq);
            }}
          />
        </label>
      )}
      <ol>
        {events.map((event, i) => (
          <li key={i} className={at !== undefined && event.seq > at ? 'future' : undefined}>
            <button
              type="button"
              className="link"
              onClick={() => onTravel(event.seq === last ? undefined : event.seq)}
            >
              <code>#{event.seq}</code>
            </button>{' '}
            <time dateTime={event.at}>{new Date(event.at).toLocaleTimeString()}</time>{' '}
            <strong>{event.type}</strong> {describeEvent(event)}
          </li>
        ))}
      </ol>
    </section>
  );
}
