/** The mock upstream as its own process (so its CPU is not the servers'), driven over IPC by bench/run.ts. */
import { startMockUpstream } from './mock-upstream.js';

const mock = await startMockUpstream({ latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 20), jitterMs: Number(process.env.BENCH_JITTER_MS ?? 0) });

export type MockRequest =
  | { type: 'reset' }
  | { type: 'counts'; requests: number[]; key?: string }
  | { type: 'phase'; latencyMs: number; refuse: boolean }
  | { type: 'stop' };
export interface MockCounts {
  type: 'counts';
  total: number;
  /** Requests being answered now. */
  open: number;
  forRequests: number;
  keyCalls: number;
}

process.on('message', (m: MockRequest) => {
  if (m.type === 'reset') {
    mock.reset();
    process.send!({ type: 'reset' });
  } else if (m.type === 'counts') {
    const counts: MockCounts = { type: 'counts', total: mock.totalCalls(), open: mock.open, forRequests: mock.callsForRequests(m.requests), keyCalls: m.key ? (mock.calls.get(m.key) ?? 0) : 0 };
    process.send!(counts);
  } else if (m.type === 'phase') {
    mock.setPhase(m);
    process.send!({ type: 'phase' });
  } else if (m.type === 'stop') {
    void mock.close().then(() => process.exit(0));
  }
});
// Exit with the parent even if it dies without saying stop.
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', url: mock.url });
