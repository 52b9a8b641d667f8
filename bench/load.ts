/**
 * One load point with autocannon, shared by bench/run.ts and bench/replicas.ts: every request is
 * built just before it is sent (so each can carry ids no other request asked for), and every
 * answer is checked for data (a GraphQL error or a LookupError item is not an answer).
 */
import autocannon from 'autocannon';
import { benchKey } from './credentials.js';

export const ERRORED = /"errors"|"__typename":"(ProviderError|MessageNotFound|InvalidMessageId)"/;

/** One request: its number (ids name it, bench/ids.ts), its JSON body, and which API key it sends. */
export interface Shot {
  n: number;
  body: string;
  /** Index into the bench key pool (bench/credentials.ts); 0 unless the workload varies it. */
  key?: number;
}

export interface Fired {
  /** Answers received (any status). */
  responses: number;
  /** Numbers of the requests answered with data. */
  completed: number[];
  nonData: number;
  nonDataSample: string | undefined;
  elapsedS: number;
  p50: number;
  p99: number;
}

/**
 * Loads `urls` (autocannon spreads the connections over them in turn) for `durationS`, asking
 * `next` for each request. `next` gets `stop`, to end the point early (a pool of ids used up);
 * autocannon notices it within its one-second tick, so requests after it are still sent.
 */
export async function fire(urls: string[], connections: number, durationS: number, next: (stop: () => void) => Shot): Promise<Fired> {
  const completed: number[] = [];
  let nonData = 0;
  let nonDataSample: string | undefined;
  let responses = 0;
  let stop = () => {};
  const started = performance.now();
  // The promise autocannon returns is its instance too (then + stop), though the type says Promise.
  const instance = autocannon({
    // More than one URL is documented (autocannon's README), though the type says string.
    url: (urls.length === 1 ? urls[0]! : urls) as string,
    connections,
    duration: durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        // Called before every request.
        setupRequest: (req, context: object) => {
          const shot = next(() => stop());
          (context as { n?: number }).n = shot.n;
          // A valid key for S (live mode); the other variants ignore it.
          const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': benchKey(shot.key ?? 0) };
          return { ...req, headers, body: shot.body };
        },
        onResponse: (status, body, context: object) => {
          responses += 1;
          if (status === 200 && !ERRORED.test(body)) completed.push((context as { n: number }).n);
          else {
            nonData += 1;
            nonDataSample ??= `HTTP ${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  }) as Promise<autocannon.Result> & { stop(): void };
  stop = () => instance.stop();
  const result = await instance;
  return { responses, completed, nonData, nonDataSample, elapsedS: (performance.now() - started) / 1000, p50: result.latency.p50, p99: result.latency.p99 };
}
