import { Trace } from '@apollo/usage-reporting-protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const body = JSON.stringify({
  query: `query ($id: ID!) { d7Report(requestId: $id) { state } bad: d7Report(requestId: "nope") { state } }`,
  variables: { id: D7_SANDBOX.example },
});

describe('federated tracing (ftv1)', () => {
  it('returns an inline trace when the router asks for one', async () => {
    const res = await h.post(body, { 'apollo-federation-include-trace': 'ftv1' });
    const json = (await res.json()) as { data: unknown; extensions?: { ftv1?: string } };
    expect(typeof json.extensions?.ftv1).toBe('string');
    const trace = Trace.decode(Buffer.from(json.extensions!.ftv1!, 'base64'));
    const fields = trace.root?.child?.map((c) => c.responseName).sort();
    expect(fields).toEqual(['bad', 'd7Report']);
    // The deliberate error travels in the trace with its text, on the field that raised it.
    const bad = trace.root!.child!.find((c) => c.responseName === 'bad')!;
    expect(bad.error?.[0]?.message).toMatch(/is not a valid D7 Networks message id/);
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
  });

  it('returns no trace otherwise', async () => {
    for (const headers of [{}, { 'apollo-federation-include-trace': 'other' }] as Record<string, string>[]) {
      const res = await h.post(body, headers);
      const json = (await res.json()) as { data: unknown; extensions?: Record<string, unknown> };
      expect(json.data).toBeTruthy();
      expect(json.extensions?.ftv1).toBeUndefined();
    }
  });
});
