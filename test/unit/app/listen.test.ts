import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listen, listenFailureLine } from '../../../src/listen.js';

const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('listen failures', () => {
  it.each([
    ['EADDRINUSE', /already in use.*set PORT/],
    ['EACCES', /permission denied.*set PORT to 1024 or above/],
    ['EADDRNOTAVAIL', /no such address: set HOST/],
    ['ENOTFOUND', /does not resolve: set HOST/],
  ])('%s is one line saying what to change', (code, reason) => {
    const line = listenFailureLine(failure(code), '::1', 80);
    expect(line).toMatch(new RegExp(`^cannot listen on \\[::1\\]:80: .*\\(${code}\\)$`));
    expect(line).toMatch(reason);
    expect(line).not.toContain('\n');
  });

  it('an unknown code keeps the system message', () => {
    expect(listenFailureLine(failure('EWHATEVER'), 'h', 1)).toBe('cannot listen on h:1: listen EWHATEVER (EWHATEVER)');
  });

  it('rejects with the line and leaves no error listener behind; resolves once bound', async () => {
    const first = createServer();
    await listen(first, 0, '127.0.0.1');
    expect(first.listenerCount('error')).toBe(0);
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    await expect(listen(second, port, '127.0.0.1')).rejects.toThrow(/^cannot listen on 127\.0\.0\.1:\d+: the port is already in use/);
    first.close();
  });
});
