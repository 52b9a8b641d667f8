import type { ServerResponse } from 'node:http';
import { answerLater, digest, digitsFrom, FirstSeen, logRequest, matchPath, sendJson, sendText, uuidFrom } from '../../sandbox/simulator-kit.js';
import { sandboxIds } from '../../sandbox/scenarios.js';
import { WebhookPoster, type EventsOf } from '../../sandbox/webhook-poster.js';
import type { ProviderSimulator, SandboxId, SimulatorOptions } from '../provider.js';
import type { D7Credentials } from './client.js';

export const D7_SANDBOX_CREDENTIALS: D7Credentials = { token: 'sandbox-d7-token' };

/** Ids with documented behaviour; any other UUID gets a generated report whose state advances with time. */
export const D7_SANDBOX = {
  example: 'f44e3f43-6d4e-4e46-becd-21993f3dcb8e',
  mixed: '00000000-0000-4000-8000-000000000001',
  bulk: '00000000-0000-4000-8000-0000b0000500',
  unauthorized: '00000000-0000-4000-8000-000000000401',
  notFound: '00000000-0000-4000-8000-000000000404',
  slow: '00000000-0000-4000-8000-000000000408',
  rateLimited: '00000000-0000-4000-8000-000000000429',
  serverError: '00000000-0000-4000-8000-000000000500',
  malformedJson: '00000000-0000-4000-8000-00000000bad0',
  wrongShape: '00000000-0000-4000-8000-00000000bad1',
} as const;

export const D7_SANDBOX_IDS: readonly SandboxId[] = sandboxIds(D7_SANDBOX, [
  { id: D7_SANDBOX.example, behaviour: "the example report from D7's documentation (status read)" },
  { id: D7_SANDBOX.mixed, behaviour: 'three recipients: read, delivered and an unknown status (`not_reachable`): state UNKNOWN' },
  { id: D7_SANDBOX.bulk, behaviour: 'a bulk send: 500 recipients, all read (any `…-0000b000NNNN`: NNNN recipients, 1 to 2000)' },
]);

/** `00000000-0000-4000-8000-0000b000NNNN`: a report of NNNN (decimal) read recipients, for answer-size limits. */
const BULK = /^00000000-0000-4000-8000-0000b000(\d{4})$/;
const MAX_BULK = 2_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_SLOW_MS = 15_000;

/** The 200 body from D7's documentation, verbatim. */
export const D7_DOCS_EXAMPLE = {
  request_id: D7_SANDBOX.example,
  messages: [
    {
      msg_id: '6d29d646-4e09-11ee-84f4-0242ac190006',
      originator: '9190615xxxx',
      recipient: '+9190617xxxx',
      reference: {
        cust_ref: 'customerRef',
        message_tag1: '...',
        message_tag2: '...',
        message_tag3: '...',
        message_tag4: '...',
        message_tag5: '...',
        conversation_id: '...',
      },
      conversation_type: 'marketing',
      message_type: 'TEMPLATE',
      template_id: 'marketing',
      waConvId: 'db311b5709a13ac72c1bd9f293c68625',
      status: 'read',
      reason: 'Read by the user',
    },
  ],
  request_stage: 'processed',
  schedule_time: null,
};

const REASONS: Record<string, string> = {
  processed: 'Accepted for delivery',
  sent: 'Sent to WhatsApp',
  delivered: 'Delivered to the device',
  read: 'Read by the user',
  un_delivered: 'Message could not be delivered',
  not_reachable: 'Recipient not reachable',
};

function message(requestId: string, index: number, status: string) {
  const seed = `${requestId}:${index}`;
  return {
    msg_id: uuidFrom(seed, 1),
    originator: 'SandboxCo',
    recipient: `+91906${digitsFrom(seed, 7)}`,
    reference: {
      cust_ref: `sandbox-${requestId.slice(0, 8)}`,
      message_tag1: `recipient-${index + 1}`,
      message_tag2: null,
      message_tag3: null,
      message_tag4: null,
      message_tag5: null,
      conversation_id: null,
    },
    conversation_type: ['marketing', 'service', 'utility'][digest(seed)[0]! % 3],
    message_type: 'TEMPLATE',
    template_id: 'sandbox_template',
    waConvId: digest(seed).toString('hex').slice(0, 32),
    status,
    reason: REASONS[status] ?? null,
  };
}

/**
 * Status of generated message `index` after `elapsedMs` (its life starts `index` seconds after
 * the report's): processed, then sent at 2 s, delivered at 5 s and read (final) at 12 s. One
 * recipient in ten fails at 5 s and is delivered to another device at 8 s (FAILED is not final),
 * then read at 12 s; one in ten is rejected at 2 s (final). So every generated message is final
 * by 12 s, and every generated report by 12 s plus a second per extra recipient (14 s at most):
 * the documented "final within 15 s" (docs/getting-started.md, "Sandbox ids"), which a subscription (`npm run example:watch`) ends on.
 */
function generatedStatus(requestId: string, index: number, elapsedMs: number): string {
  const fate = digest(`${requestId}:${index}:fate`)[0]! % 10;
  const t = elapsedMs - index * 1000;
  if (t < 2_000) return 'processed';
  if (fate === 1) return 'rejected';
  if (t < 5_000) return 'sent';
  if (fate === 0 && t < 8_000) return 'un_delivered';
  if (t < 12_000) return 'delivered';
  return 'read';
}

function generatedReport(requestId: string, elapsedMs: number) {
  const count = 1 + (digest(requestId)[0]! % 3);
  return {
    request_id: requestId,
    messages: Array.from({ length: count }, (_, i) => message(requestId, i, generatedStatus(requestId, i, elapsedMs))),
    request_stage: 'processed',
    schedule_time: null,
  };
}

// Every generated message has its last (final) status 12 s after its start (index seconds after the report's).
const settledAfterMs = (report: ReturnType<typeof generatedReport>) => 12_000 + report.messages.length * 1000;

/** The DELIVERY_EVENTS postback D7 would send for one message of a generated report (PROVIDERS.md). */
function deliveryEvent(requestId: string, m: ReturnType<typeof message>, at: number) {
  return {
    event_type: 'DELIVERY_EVENTS',
    timestamp: at,
    date: new Date(at).toISOString(),
    request_id: requestId,
    msg_id: m.msg_id,
    status: m.status,
    recipient: m.recipient,
    originator: m.originator,
    conversation_type: m.conversation_type,
    message_type: m.message_type,
    waConvId: m.waConvId,
    cust_ref: m.reference.cust_ref,
    message_tag1: m.reference.message_tag1,
    message_tag2: m.reference.message_tag2,
    message_tag3: m.reference.message_tag3,
    message_tag4: m.reference.message_tag4,
    message_tag5: m.reference.message_tag5,
    conversation_id: m.reference.conversation_id,
  };
}

function detail(res: ServerResponse, status: number, code: string, text: string, headers: Record<string, string> = {}) {
  sendJson(res, status, { detail: { code, message: text } }, headers);
}

/** A loopback stand-in for D7's WhatsApp report API (v1 and v2 paths). */
export function createD7Simulator(options: SimulatorOptions = {}): ProviderSimulator {
  const now = options.now ?? Date.now;
  const slowMs = options.slowMs ?? DEFAULT_SLOW_MS;
  const firstSeen = new FirstSeen(now);
  const requests: string[] = [];
  const eventsOf: EventsOf = (id) => {
    const elapsed = firstSeen.elapsedMs(id);
    const report = generatedReport(id, elapsed);
    const at = now();
    return { events: report.messages.map((m) => ({ key: m.msg_id, status: m.status, body: deliveryEvent(id, m, at) })), settled: elapsed >= settledAfterMs(report) };
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
      const raw = req.method === 'GET' ? matchPath(req, /^\/whatsapp\/v[12]\/report\/([^/]+)$/) : undefined;
      if (raw === undefined) return sendJson(res, 404, { detail: 'Not Found' });
      logRequest(requests, raw);
      if (req.headers.authorization !== `Bearer ${D7_SANDBOX_CREDENTIALS.token}`) {
        return detail(res, 401, 'ACCESS_TOKEN_SIGNATURE_VERIFICATION_FAILED', 'Invalid access token');
      }
      const id = raw.toLowerCase();
      if (!UUID.test(id)) {
        return sendJson(res, 422, { detail: [{ loc: ['path', 'request_id'], msg: 'value is not a valid uuid', type: 'type_error.uuid' }] });
      }
      switch (id) {
        case D7_SANDBOX.example:
          return sendJson(res, 200, D7_DOCS_EXAMPLE);
        case D7_SANDBOX.mixed:
          return sendJson(res, 200, {
            request_id: id,
            messages: [message(id, 0, 'read'), message(id, 1, 'delivered'), message(id, 2, 'not_reachable')],
            request_stage: 'processed',
            schedule_time: null,
          });
        case D7_SANDBOX.unauthorized:
          return detail(res, 401, 'ACCESS_TOKEN_EXPIRED', 'Access token expired');
        case D7_SANDBOX.notFound:
          return detail(res, 404, 'WHATSAPP_LOG_NOT_EXISTS', 'Given whatsapp message request id not exists in the system. Please Try Again!');
        case D7_SANDBOX.slow:
          return answerLater(res, slowMs, () => sendJson(res, 200, generatedReport(id, firstSeen.elapsedMs(id))));
        case D7_SANDBOX.rateLimited:
          return detail(res, 429, 'RATE_LIMIT_EXCEEDED', 'Too many requests', { 'retry-after': '7' });
        case D7_SANDBOX.serverError:
          return sendJson(res, 500, { detail: 'Internal Server Error' });
        case D7_SANDBOX.malformedJson:
          return sendText(res, 200, '{"request_id": "oops', { 'content-type': 'application/json' });
        case D7_SANDBOX.wrongShape:
          return sendJson(res, 200, { request_id: id, messages: 'none' });
        default: {
          const bulk = Number(BULK.exec(id)?.[1] ?? 0);
          if (bulk >= 1 && bulk <= MAX_BULK) {
            return sendJson(res, 200, { request_id: id, messages: Array.from({ length: bulk }, (_, i) => message(id, i, 'read')), request_stage: 'processed', schedule_time: null });
          }
          sendJson(res, 200, generatedReport(id, firstSeen.elapsedMs(id)));
          return poster?.track(id);
        }
      }
    },
  };
}
