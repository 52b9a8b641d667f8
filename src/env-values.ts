import { z } from 'zod';

/** zod parsers for environment values, shared by every part of the configuration. */

// Plain decimal digits only: Number() would also take "0x10", "1e3" or " ".
export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/**
 * Shortest secret (provider token or key) accepted. Every configured secret is scrubbed from
 * every log line, so a one-letter "token" would turn each of its letters into "[redacted]";
 * and a real provider credential is far longer. API keys of this service have their own, higher minimum.
 */
export const MIN_SECRET_LENGTH = 8;

export const secret = () => z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters (a secret this short is guessable, and scrubbing it would mangle the logs)`);

/** An area's variables as its schemas parsed them (defaults filled in). */
export type EnvValues<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

/**
 * What an area makes of its variables: its settings, the problems found between them (loadConfig
 * reports every area's together) and the secret values among them (scrubbed from every log line).
 */
export interface AreaSettings<Settings> {
  settings: Settings;
  problems: string[];
  secrets?: string[];
}
