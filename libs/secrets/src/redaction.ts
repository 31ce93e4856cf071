/** What a secret's value is replaced with wherever it would be stored or shown. */
export const MASK = '***';
/** Shorter values would mask ordinary words; the store refuses them, so every stored secret is maskable. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Masks secret values in text that is about to be stored or shown (an agent's output, an error
 * message): the value as is, and the forms it commonly travels in — base64 (standard and URL
 * alphabets, with or without padding), URL-encoded, and escaped inside a JSON string.
 */
export class Redactor {
  private readonly needles: string[];

  constructor(values: Iterable<string>) {
    const needles = new Set<string>();
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      for (const form of encodedForms(value)) if (form.length >= MIN_SECRET_LENGTH) needles.add(form);
    }
    // Longest first: a value that contains another is masked whole.
    this.needles = [...needles].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  mask(text: string): string {
    let masked = text;
    for (const needle of this.needles) if (masked.includes(needle)) masked = masked.split(needle).join(MASK);
    return masked;
  }
}

function encodedForms(value: string): string[] {
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  const unpadded = base64.replace(/=+$/, '');
  return [
    value,
    base64,
    unpadded,
    unpadded.replace(/\+/g, '-').replace(/\//g, '_'),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ];
}
