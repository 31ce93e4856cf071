import type { RunEvent } from '../api/api';
import { describeEvent } from '../workflow/timeline';

interface Props {
  events: RunEvent[];
  /** The event (index in the log) the graph shows the run after; undefined: now. */
  at: number | undefined;
  onTravel: (index: number | undefined) => void;
}

/** The run's event log; the slider (or a click on an event) shows the graph as it was then. */
export function EventLog({ events, at, onTravel }: Props) {
  const last = events.length - 1;
  const travel = (index: number): void => onTravel(index >= last ? undefined : index);
  return (
    <section className="event-log" aria-label="Event log">
      <h2>Event log</h2>
      {events.length > 1 && (
        <label className="travel">
          Time travel: {at === undefined ? 'now' : `after event ${at + 1} of ${events.length}`}
          <input
            type="range"
            min={0}
            max={last}
            value={at ?? last}
            onChange={(e) => travel(Number(e.target.value))}
          />
        </label>
      )}
      <ol>
        {events.map((event, i) => (
          <li key={i} className={at !== undefined && i > at ? 'future' : undefined}>
            <button
              type="button"
              className="link"
              aria-label={`Show the run after event ${i + 1}`}
              onClick={() => travel(i)}
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
