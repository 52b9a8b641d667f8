import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs, or readable ones on an interactive terminal. Credentials are
 * redacted by path, and any configured secret value is scrubbed from messages.
 */
export function createLogger(options: { level: string; secrets?: readonly string[]; pretty?: boolean; destination?: DestinationStream }): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const pretty = options.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== 'production');
  const logger = pino({
    level: options.level,
    redact: {
      paths: ['*.authorization', '*.headers.authorization', '*["x-api-key"]', '*.headers["x-api-key"]', '*.token', '*.apiKey', '*.text'],
      censor: '[redacted]',
    },
    hooks: {
      // Last line of defence: a secret inside an error object or any field. Values only: a
      // field name is never a secret, and rewriting one would break the line's shape.
      ...(secrets.length > 0 && { streamWrite: (line: string) => scrubLogLine(line, secrets) }),
      logMethod(args, method) {
        if (secrets.length > 0) {
          args = args.map((arg) => (typeof arg === 'string' ? secrets.reduce((text, s) => text.split(s).join('[redacted]'), arg) : arg)) as typeof args;
        }
        method.apply(this, args);
      },
    },
    ...(pretty && !options.destination && { transport: { target: 'pino-pretty', options: { colorize: true } } }),
  }, options.destination);
  return logger;
}

function scrubValues(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return secrets.reduce((text, s) => (text.includes(s) ? text.split(s).join('[redacted]') : text), value);
  if (Array.isArray(value)) return value.map((v) => scrubValues(v, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v, secrets)]));
  return value;
}

/**
 * One pino line (JSON and a newline) with every secret removed from its string values, keys
 * untouched. Costs a parse and a stringify per line, paid only when secrets are configured
 * (live mode); a line that is not JSON is scrubbed as text.
 */
export function scrubLogLine(line: string, secrets: readonly string[]): string {
  // Cheap exit: most lines hold no secret at all (the JSON-escaped form is checked too).
  if (!secrets.some((s) => line.includes(s) || line.includes(JSON.stringify(s).slice(1, -1)))) return line;
  try {
    const newline = line.endsWith('\n') ? '\n' : '';
    return JSON.stringify(scrubValues(JSON.parse(line), secrets)) + newline;
  } catch {
    return scrubSecrets(line, secrets);
  }
}

/** Replaces every secret, raw or JSON-escaped, with `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    out = out.split(secret).join('[redacted]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join('[redacted]');
  }
  return out;
}
