import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('/health and /ready', () => {
  it('answers liveness always, and readiness only between markReady and markStopping', async () => {
    expect((await h.get('/health')).status).toBe(200);

    let ready = await h.get('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, state: 'starting' });

    h.app.readiness.markReady();
    ready = await h.get('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, state: 'ready' });

    h.app.readiness.markStopping();
    h.app.readiness.markReady(); // a late listen callback must not make it ready again
    ready = await h.get('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, state: 'stopping' });
    expect((await h.get('/health')).status).toBe(200);
  });
});
