import type { ProviderSimulator, SimulatorOptions } from '../../../src/providers/provider.js';
import type { ErrorScenario } from '../../../src/sandbox/scenarios.js';
import { answerLater, FirstSeen, logRequest, matchPath, sendJson, sendText } from '../../../src/sandbox/simulator-kit.js';
import { ACME_STATES } from './normalize.js';

export const ACME_KEY = 'sandbox-acme-key';

/** Documented ids: one per error scenario, and `ACME-9000000NN`: a record in the NN-th state of ACME_STATES. */
export const ACME_SANDBOX: Record<ErrorScenario, string> & { example: string } = {
  example: 'ACME-000000001',
  unauthorized: 'ACME-000000401',
  notFound: 'ACME-000000404',
  slow: 'ACME-000000408',
  rateLimited: 'ACME-000000429',
  serverError: 'ACME-000000500',
  malformedJson: 'ACME-000000990',
  wrongShape: 'ACME-000000991',
};

const STATE_NAMES = [...ACME_STATES.keys()];

/** The id whose record is in `state` (an Acme state name). */
export function acmeIdInState(state: string): string {
  return `ACME-9000000${String(STATE_NAMES.indexOf(state)).padStart(2, '0')}`;
}

/** A loopback Acme: the example is `arrived`; other ids are `gone`, then `seen` 1 s after first served. */
export function createAcmeSimulator(options: SimulatorOptions = {}): ProviderSimulator {
  const now = options.now ?? Date.now;
  const firstSeen = new FirstSeen(now);
  const requests: string[] = [];
  const body = (id: string, state: string) => ({ id, state, updated_at: new Date(now()).toISOString() });
  return {
    requests,
    reset() {
      requests.length = 0;
      firstSeen.reset();
    },
    close: () => undefined,
    handler(req, res) {
      const id = req.method === 'GET' ? matchPath(req, /^\/v1\/messages\/([^/]+)$/) : undefined;
      if (id === undefined) return sendJson(res, 404, { error: 'no_route' });
      logRequest(requests, id);
      if (req.headers.authorization !== `Key ${ACME_KEY}`) return sendJson(res, 401, { error: 'bad_key' });
      const inState = /^ACME-9000000(\d\d)$/.exec(id);
      if (inState) return sendJson(res, 200, body(id, STATE_NAMES[Number(inState[1])] ?? 'mystery'));
      switch (id) {
        case ACME_SANDBOX.example:
          return sendJson(res, 200, body(id, 'arrived'));
        case ACME_SANDBOX.unauthorized:
          return sendJson(res, 401, { error: 'bad_key' });
        case ACME_SANDBOX.notFound:
          return sendJson(res, 404, { error: 'unknown_message' });
        case ACME_SANDBOX.slow:
          return answerLater(res, options.slowMs ?? 15_000, () => sendJson(res, 200, body(id, 'gone')));
        case ACME_SANDBOX.rateLimited:
          return sendJson(res, 429, { error: 'slow_down' }, { 'retry-after': '7' });
        case ACME_SANDBOX.serverError:
          return sendJson(res, 500, { error: 'oops' });
        case ACME_SANDBOX.malformedJson:
          return sendText(res, 200, 'not json', { 'content-type': 'text/plain' });
        case ACME_SANDBOX.wrongShape:
          return sendJson(res, 200, { id, state: 7 });
        default:
          return sendJson(res, 200, body(id, firstSeen.elapsedMs(id) >= 1_000 ? 'seen' : 'gone'));
      }
    },
  };
}
