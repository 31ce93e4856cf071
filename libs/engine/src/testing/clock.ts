/** Where test runs start: a fixed time, so events and their expectations are stable. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
