import { answerLater, digest, digitsFrom, FirstSeen, logRequest, matchPath, sendJson, sendText } from '../../sandbox/simulator-kit.js';
import { sandboxIds } from '../../sandbox/scenarios.js';
import { WebhookPoster, type EventsOf } from '../../sandbox/webhook-poster.js';
import type { ProviderSimulator, SandboxId, SimulatorOptions } from '../provider.js';
import type { BetatelCredentials } from './client.js';

export const BETATEL_SANDBOX_CREDENTIALS: BetatelCredentials = { apiKey: 'sandbox-betatel-key', accountId: 'sandbox-account' };

/** Ids with documented behaviour; any other ULID gets a generated record whose state advances with time. */
export const BETATEL_SANDBOX = {
  example: '01JV5V54KPYK9GB29265EQRZ2P',
  unknownStatus: '00000000000000000000000001',
  unauthorized: '00000000000000000000000401',
  notFound: '00000000000000000000000404',
  slow: '00000000000000000000000408',
  rateLimited: '00000000000000000000000429',
  serverError: '00000000000000000000000500',
  malformedJson: '0000000000000000000000BAD0',
  wrongShape: '0000000000000000000000BAD1',
} as const;

export const BETATEL_SANDBOX_IDS: readonly SandboxId[] = sandboxIds(BETATEL_SANDBOX, [
  { id: BETATEL_SANDBOX.example, behaviour: "the example record from Betatel's documentation (status DELIVERED)" },
  { id: BETATEL_SANDBOX.unknownStatus, behaviour: 'a status this service does not know (`QUEUED_AT_CARRIER`): state UNKNOWN' },
]);

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const DEFAULT_SLOW_MS = 15_000;

/** The 200 body from Betatel's documentation, verbatim. */
export const BETATEL_DOCS_EXAMPLE = {
  uuid: BETATEL_SANDBOX.example,
  wam_id: 'wamid.HBgLMzg3NjE0NDQ1NTUVAgARGBI',
  to: '38761444555',
  text: '482910',
  status: 'DELIVERED',
  timestamp: '2024-01-15T10:30:00.000Z',
  delivery_timestamp: '2024-01-15T10:30:02.000Z',
  delivery_time: 2143,
  webhook_delivered: true,
};

/**
 * Generated record after `elapsedMs`: PENDING, SENT at 2 s, DELIVERED at 5 s, READ (final) at
 * 12 s. One id in ten fails at 5 s and is delivered to another device at 8 s (FAILED is not
 * final), then read at 12 s; one in ten expires at 5 s; one in ten is deleted at 12 s without
 * being read (read receipts off); one in ten is read, then deleted at 20 s. Every generated
 * record is final by 12 s (the documented "final within 15 s", docs/getting-started.md).
 */
function generatedWdr(uuid: string, createdAt: number, elapsedMs: number) {
  const fate = digest(`${uuid}:fate`)[0]! % 10;
  const deliveredAfter = (fate === 0 ? 8_000 : 5_000) + (digest(`${uuid}:delay`)[0]! % 200);
  let status: string;
  if (elapsedMs < 2_000) status = 'PENDING';
  else if (elapsedMs < 5_000) status = 'SENT';
  else if (fate === 1) status = 'EXPIRED';
  else if (fate === 0 && elapsedMs < 8_000) status = 'FAILED';
  else if (elapsedMs < 12_000) status = 'DELIVERED';
  else if (fate === 2) status = 'DELETED';
  else if (fate === 3 && elapsedMs >= 20_000) status = 'DELETED';
  else status = 'READ';
  const delivered = ['DELIVERED', 'READ', 'DELETED'].includes(status);
  return {
    uuid,
    wam_id: `wamid.${digest(uuid).toString('base64url').slice(0, 28)}`,
    to: `3876${digitsFrom(uuid, 8)}`,
    text: digitsFrom(`${uuid}:otp`, 6),
    status,
    timestamp: new Date(createdAt).toISOString(),
    delivery_timestamp: delivered ? new Date(createdAt + deliveredAfter).toISOString() : null,
    delivery_time: delivered ? deliveredAfter - 2_000 : null,
    webhook_delivered: delivered,
  };
}

// A generated record's last change (DELETED) is due 20 s after it was first served.
const SETTLED_AFTER_MS = 20_000;

/** A loopback stand-in for Betatel's WhatsApp delivery record API. */
export function createBetatelSimulator(options: SimulatorOptions = {}): ProviderSimulator {
  const now = options.now ?? Date.now;
  const slowMs = options.slowMs ?? DEFAULT_SLOW_MS;
  const firstSeen = new FirstSeen(now);
  const requests: string[] = [];
  const generated = (uuid: string) => generatedWdr(uuid, firstSeen.at(uuid), firstSeen.elapsedMs(uuid));
  // The assumed push format (docs/subscriptions-and-webhooks.md): the whole WDR record, as GET answers it.
  const eventsOf: EventsOf = (uuid) => {
    const wdr = generated(uuid);
    return { events: [{ key: uuid, status: wdr.status, body: wdr }], settled: firstSeen.elapsedMs(uuid) >= SETTLED_AFTER_MS };
  };
  const poster = options.webhooks && new WebhookPoster(options.webhooks, eventsOf);

  return {
    requests,
    reset() {
      requests.length = 0;
      firstSeen.reset();
      poster?.reset();
    },
    close: () => poster?.close(),
    handler(req, res) {
      const raw = req.method === 'GET' ? matchPath(req, /^\/api\/v1\/connect-hub\/whatsapp\/([^/]+)\/wdr$/) : undefined;
      if (raw === undefined) return sendJson(res, 404, { message: 'Route not found' });
      logRequest(requests, raw);
      const { apiKey, accountId } = BETATEL_SANDBOX_CREDENTIALS;
      if (req.headers['x-api-key'] !== apiKey || req.headers['x-account-id'] !== accountId) {
        return sendJson(res, 401, { message: 'Authentication failed' });
      }
      const uuid = raw.toUpperCase();
      if (!ULID.test(uuid)) return sendJson(res, 404, { message: 'No message found with the provided UUID' });
      switch (uuid) {
        case BETATEL_SANDBOX.example:
          return sendJson(res, 200, BETATEL_DOCS_EXAMPLE);
        case BETATEL_SANDBOX.unknownStatus:
          return sendJson(res, 200, { ...generated(uuid), status: 'QUEUED_AT_CARRIER' });
        case BETATEL_SANDBOX.unauthorized:
          return sendJson(res, 401, { message: 'Authentication failed' });
        case BETATEL_SANDBOX.notFound:
          return sendJson(res, 404, { message: 'No message found with the provided UUID' });
        case BETATEL_SANDBOX.slow:
          return answerLater(res, slowMs, () => sendJson(res, 200, generated(uuid)));
        case BETATEL_SANDBOX.rateLimited:
          return sendJson(res, 429, { message: 'Too many requests' }, { 'retry-after': '7' });
        case BETATEL_SANDBOX.serverError:
          return sendJson(res, 500, { message: 'An unexpected error occurred on the server' });
        case BETATEL_SANDBOX.malformedJson:
          return sendText(res, 200, '<html>upstream proxy error</html>', { 'content-type': 'text/html' });
        case BETATEL_SANDBOX.wrongShape:
          return sendJson(res, 200, { uuid, status: 42 });
        default:
          sendJson(res, 200, generated(uuid));
          return poster?.track(uuid);
      }
    },
  };
}
