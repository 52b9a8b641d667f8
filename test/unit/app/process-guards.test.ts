import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { installProcessGuards } from '../../../src/process-guards.js';

describe('process guards', () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  it('logs and counts an unhandled rejection and keeps the process; exits 1 on an uncaught exception', () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({ level: 'info', pretty: false, destination: new Writable({ write: (c: Buffer, _e, done) => void (lines.push(JSON.parse(c.toString()) as never), done()) }) });
    let counted = 0;
    const exits: number[] = [];
    remove = installProcessGuards(logger, () => (counted += 1), (code) => exits.push(code));
    process.emit('unhandledRejection', new Error('a bug'), Promise.resolve());
    expect(counted).toBe(1);
    expect(exits).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: expect.stringMatching(/unhandled promise rejection/) });
    process.emit('uncaughtException', new Error('worse'));
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toMatchObject({ level: 60, msg: expect.stringMatching(/uncaught exception/) });
  });
});
