/**
 * Parses a provider timestamp: ISO text (read as UTC when it names no zone,
 * never as this server's local time) or epoch seconds/milliseconds.
 * Anything unparseable is null rather than an error.
 */
export function parseInstant(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  let date: Date;
  if (typeof value === 'number') {
    date = new Date(value > 1e12 ? value : value * 1000);
  } else {
    const text = value.trim();
    if (text === '') return null;
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    date = new Date(hasZone || dateOnly ? text : `${text.replace(' ', 'T')}Z`);
  }
  return Number.isNaN(date.getTime()) ? null : date;
}
