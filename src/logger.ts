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
      // Last line of defence: a secret inside an error object or any field, as written (JSON-escaped).
      ...(secrets.length > 0 && { streamWrite: (line: string) => scrubSecrets(line, secrets) }),
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
