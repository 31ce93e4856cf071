import { useState, type FormEvent } from 'react';

/**
 * A form's submit: `busy` while `action` runs (the submit button waits), and the error it threw,
 * cleared at the next try, for the form to show beside its fields.
 */
export function useFormAction(action: () => Promise<void>): {
  busy: boolean;
  error: Error | undefined;
  submit: (event: FormEvent) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    action().then(
      () => setBusy(false),
      (err: unknown) => {
        setError(err as Error);
        setBusy(false);
      },
    );
  };
  return { busy, error, submit };
}
