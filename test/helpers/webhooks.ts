import type { Harness } from './harness.js';
import { sample } from './prometheus.js';

/** Tokens of the webhook tests (any 24+ URL-safe characters). */
export const D7_TOKEN = 'test-d7-webhook-token-0123456789abcdef';
export const BETATEL_TOKEN = 'test-betatel-webhook-token-0123456789ab';
export const WEBHOOK_ENV = { D7_WEBHOOK_TOKEN: D7_TOKEN, BETATEL_WEBHOOK_TOKEN: BETATEL_TOKEN };

export interface WebhookInit {
  method?: string;
  headers?: Record<string, string>;
  /** Source address the rate limit sees (yoga.fetch has no socket of its own). */
  address?: string;
}

/** Sends a request to a webhook path of the app in-process; a body other than text or bytes is sent as JSON. */
export function postWebhook(h: Harness, path: string, body?: unknown, init: WebhookInit = {}): Promise<Response> {
  const method = init.method ?? 'POST';
  const text = body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const serverContext = { req: { socket: { remoteAddress: init.address ?? '192.0.2.1' } } };
  return Promise.resolve(
    h.app.yoga.fetch(
      `http://test.local${path}`,
      { method, headers: { 'content-type': 'application/json', ...init.headers }, ...(method !== 'GET' && method !== 'HEAD' && { body: text as BodyInit | undefined }) },
      serverContext as never,
    ),
  );
}

export const d7Path = (token = D7_TOKEN) => `/webhooks/d7/${token}`;
export const betatelPath = (token = BETATEL_TOKEN) => `/webhooks/betatel/${token}`;

/** A D7 DELIVERY_EVENTS body as PROVIDERS.md describes it. */
export function d7Event(requestId: string, msgId: string, status: string, timestamp: number, extra: Record<string, unknown> = {}) {
  return {
    event_type: 'DELIVERY_EVENTS',
    timestamp,
    date: new Date(timestamp).toISOString(),
    request_id: requestId,
    msg_id: msgId,
    status,
    recipient: '+9190617xxxx',
    originator: 'SandboxCo',
    conversation_type: 'marketing',
    message_type: 'TEMPLATE',
    waConvId: 'db311b5709a13ac72c1bd9f293c68625',
    cust_ref: 'customerRef',
    message_tag1: null,
    message_tag2: null,
    message_tag3: null,
    message_tag4: null,
    message_tag5: null,
    conversation_id: null,
    ...extra,
  };
}

/** Waits until `check` holds (polling), failing after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function metricsText(h: Harness): Promise<string> {
  return h.app.metrics.registry.metrics();
}

/** Accepted events whose application has finished (whatever it did). */
export async function appliedCount(h: Harness, labels: Record<string, string> = {}): Promise<number> {
  return sample(await metricsText(h), 'webhook_events_applied_total', labels);
}

export async function receivedCount(h: Harness, labels: Record<string, string> = {}): Promise<number> {
  return sample(await metricsText(h), 'webhooks_received_total', labels);
}

/** Waits until `n` accepted events (in all) have been applied. */
export function applied(h: Harness, n: number): Promise<void> {
  return until(async () => (await appliedCount(h)) >= n, 3_000, `${n} applied webhook events`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
