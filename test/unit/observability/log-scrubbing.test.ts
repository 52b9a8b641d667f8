import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createLogger, scrubLogLine, scrubSecrets } from '../../../src/logger.js';
import { providers } from '../../../src/providers/registry.js';

function capture(secrets: string[]) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', pretty: false, secrets, destination: { write: (s: string) => void lines.push(s) } as never });
  return { logger, lines };
}

describe('log scrubbing rewrites values, never keys', () => {
  it('a secret that is also part of field names leaves the names intact', () => {
    const { logger, lines } = capture(['requestId']);
    logger.info({ requestId: 'abc', note: 'the requestId is secret here' }, 'graphql request');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ requestId: 'abc', note: 'the [redacted] is secret here', msg: 'graphql request' });
  });

  it('a secret inside nested values and error objects is removed; the line stays valid JSON', () => {
    const token = 'tok-1234567890"quoted';
    const { logger, lines } = capture([token]);
    logger.error({ err: new Error(`upstream said ${token}`), nested: { list: [`a ${token} b`] } }, 'failed');
    const text = lines[0]!;
    expect(text).not.toContain('tok-1234567890');
    const line = JSON.parse(text) as { err: { message: string }; nested: { list: string[] } };
    expect(line.err.message).toBe('upstream said [redacted]');
    expect(line.nested.list).toEqual(['a [redacted] b']);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('a line without a secret is passed through unchanged; a line that is not JSON is scrubbed as text', () => {
    const line = '{"level":30,"msg":"hello"}\n';
    expect(scrubLogLine(line, ['s3cr3t-value'])).toBe(line);
    expect(scrubLogLine('not json s3cr3t-value\n', ['s3cr3t-value'])).toBe('not json [redacted]\n');
  });
});

describe('secrets have a minimum length', () => {
  it('a provider token or key under 8 characters is refused at start, with every other problem', () => {
    expect(() => loadConfig({ D7_API_TOKEN: 'x', BETATEL_API_KEY: 'short', BETATEL_ACCOUNT_ID: 'acct', PORT: 'abc' }, providers)).toThrow(
      /PORT[\s\S]*D7_API_TOKEN: must be at least 8 characters[\s\S]*BETATEL_API_KEY: must be at least 8 characters/,
    );
    expect(() => loadConfig({ D7_API_TOKEN: 'x' }, providers)).not.toThrow(/"x"|: x\b/);
    expect(loadConfig({ D7_API_TOKEN: '12345678' }, providers).secrets).toEqual(['12345678']);
  });
});

describe('scrubSecrets (the logger’s last pass over each line)', () => {
  it('replaces secrets as written and JSON-escaped', () => {
    const secret = 'abc"def\\ghi';
    const line = JSON.stringify({ msg: `x ${secret} y`, err: { message: secret } });
    expect(line).not.toContain(secret);
    const scrubbed = scrubSecrets(`${line} ${secret}`, [secret]);
    expect(scrubbed).not.toContain('abc');
    expect(scrubbed.match(/\[redacted\]/g)).toHaveLength(3);
  });
});
