import type { Plugin } from 'graphql-yoga';
import { ROUTES, webhookRoute } from '../http/routes.js';
import type { RecordBounds } from '../domain/record-bounds.js';
import type { Logger } from '../logger.js';
import { isEncoded } from '../http/media-type.js';
import { LogBudget, WEBHOOK_REFUSALS } from '../observability/log-budget.js';
import type { AnyProviderModule } from '../providers/provider.js';
import type { ProviderWebhook } from '../providers/provider.js';
import { RateLimiter } from '../security/rate-limit.js';
import { clientAddress } from '../security/security-plugins.js';
import { parseJson, readCapped } from './read-body.js';
import { RecentEvents } from './recent-events.js';
import type { StatusEvents } from './status-events.js';
import type { WebhookSettings } from './settings.js';
import type { WebhookMetrics, WebhookOutcome } from './metrics.js';
import { tokenMatcher } from './token.js';

type RequestPayload = Parameters<NonNullable<Plugin['onRequest']>>[0];

/** Largest webhook body read; larger is 413. A delivery event is well under 2 KiB. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export interface WebhookEndpointOptions {
  config: WebhookSettings;
  /** What one record may hold (an event naming a message past its unconfirmed cap is refused), and how many parts webhooks may keep. */
  records: Pick<RecordBounds, 'maxUnconfirmed' | 'unconfirmedTtlMs'> & { maxKept: number };
  providers: readonly AnyProviderModule[];
  events: StatusEvents;
  metrics: WebhookMetrics;
  logger: Pick<Logger, 'warn'>;
}

interface Endpoint {
  provider: AnyProviderModule;
  webhook: ProviderWebhook;
  matches(token: string): boolean;
}

/** The answer of each refusal (docs/subscriptions-and-webhooks.md lists them). */
export const REFUSAL_STATUS: Record<Exclude<WebhookOutcome, 'accepted' | 'duplicate'>, number> = {
  cross_site: 403,
  not_found: 404,
  unauthorized: 401,
  method_not_allowed: 405,
  rate_limited: 429,
  unsupported_media_type: 415,
  too_large: 413,
  malformed: 400,
  invalid: 400,
  too_long: 422,
  unconfirmed_full: 429,
  kept_full: 503,
  not_stored: 503,
};

/** Retry-After of an `unconfirmed_full` or `kept_full` refusal: by then the provider's GET may show the kept messages, or they expire. */
const UNCONFIRMED_RETRY_AFTER_SECONDS = 60;
/** Retry-After of a `not_stored` answer: Redis is usually back within seconds (a restart, a failover). */
const NOT_STORED_RETRY_AFTER_SECONDS = 10;

/**
 * `POST /webhooks/{provider}/{token}` beside /graphql, answered before GraphQL sees the request.
 * In order: the source address's rate limit (429; every /webhooks/ request counts, so guessing
 * paths or tokens is throttled), no browser page (403: a request with `Origin` or
 * `Sec-Fetch-Site`, which browsers add and servers calling webhooks do not), an endpoint exists only for a provider with a token configured
 * (else 404), the token in constant time (401), POST only (405), no Content-Encoding (415, the
 * body unread), the body cap (413), JSON and the provider's schema and id format (400), each
 * field's length cap (422), room for one more unconfirmed message in the known record (429).
 * Then a record or a part of one is applied and stored before the answer (StatusEvents.store):
 * 202 once it is stored as promised (in Redis when REDIS_URL is set); 503 with Retry-After when
 * it could not be (`not_stored`: Redis did not take it, it is applied in this process only;
 * `kept_full`: MAX_KEPT_WEBHOOK_MESSAGES are kept already, nothing is applied), so that the
 * provider sends it again, and it is not taken for a duplicate then. A hint to fetch a record is
 * answered 202 at once and fetched after the answer.
 * No answer quotes the body, and no log line holds the body or the path (the token is in it);
 * refusals are logged at most once a minute per provider and outcome (src/observability/log-budget.ts).
 */
export function useWebhookEndpoints(options: WebhookEndpointOptions): Plugin {
  const { config, events, metrics, logger, records } = options;
  const endpoints = new Map<string, Endpoint>();
  for (const provider of options.providers) {
    const token = config.tokens[provider.key];
    if (provider.webhook && token) endpoints.set(provider.key.toLowerCase(), { provider, webhook: provider.webhook, matches: tokenMatcher(token) });
  }
  const limiter = config.rateLimitPerMinute > 0 ? new RateLimiter(config.rateLimitPerMinute) : undefined;
  const recent = new RecentEvents();
  const refusals = new LogBudget(WEBHOOK_REFUSALS);
  // Failed fetches are bounded by WEBHOOK_FETCHES_PER_MINUTE already; their lines too, the same way.
  const failures = new LogBudget(WEBHOOK_REFUSALS);

  return {
    // Every GraphQL request passes here: it pays one prefix check, and no promise (an async hook
    // would make yoga run the rest of its request hooks asynchronously).
    onRequest(payload) {
      if (payload.url.pathname.startsWith(ROUTES.webhooks)) return receive(payload);
    },
  };

  async function receive({ request, url, endResponse, fetchAPI, serverContext }: RequestPayload): Promise<void> {
    const answer = (status: number, body: object, headers: Record<string, string> = {}) =>
      endResponse(new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers } }));
    const address = clientAddress(serverContext);
    const route = webhookRoute(url.pathname);
    const endpoint = route ? endpoints.get(route.provider) : undefined;
    const providerLabel = endpoint?.provider.key ?? 'unknown';
    const refuse = (outcome: Exclude<WebhookOutcome, 'accepted' | 'duplicate'>, message: string, headers: Record<string, string> = {}) => {
      metrics.received(providerLabel, outcome);
      const line = refusals.line(`${providerLabel}|${outcome}`, { provider: providerLabel, outcome, status: REFUSAL_STATUS[outcome], address, method: request.method });
      if (line) logger.warn(line, 'webhook refused');
      // The outcome is the stable code (a bounded set, docs/subscriptions-and-webhooks.md).
      answer(REFUSAL_STATUS[outcome], { error: message, code: outcome.toUpperCase() }, headers);
    };

    // First, so a flood of any /webhooks/ path (scanners, token guessing) costs a bucket lookup.
    const verdict = limiter?.take(`webhook:${address}`);
    if (verdict && !verdict.ok) return refuse('rate_limited', 'too many webhook requests', { 'retry-after': String(verdict.retryAfterSeconds) });
    // A page on another site can POST a form or text/plain body here without a preflight; with the
    // sandbox's public tokens that would forge events. Providers call from servers, which send neither header.
    if (fromBrowser(request.headers)) return refuse('cross_site', 'webhooks are called by providers, not from a browser page');
    if (!route || !endpoint) return refuse('not_found', 'no such webhook endpoint');
    if (!endpoint.matches(route.token)) return refuse('unauthorized', 'wrong webhook token');
    if (request.method !== 'POST') return refuse('method_not_allowed', 'webhooks are POST only', { allow: 'POST' });

    // Nothing here inflates a body: a compressed one is refused before a byte of it is read.
    if (isEncoded(request.headers.get('content-encoding'))) return refuse('unsupported_media_type', 'the body has a Content-Encoding; send it uncompressed');
    const bytes = await readCapped(request, MAX_WEBHOOK_BODY_BYTES);
    if (bytes === 'too_large') return refuse('too_large', `the body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`);
    const json = parseJson(bytes);
    if (!json) return refuse('malformed', 'the body is not JSON');
    const parsed = endpoint.webhook.parse(json.value);
    if (!parsed.ok) return refuse(parsed.tooLong ? 'too_long' : 'invalid', parsed.reason);
    const { provider } = endpoint;
    const { update } = parsed;
    const id = provider.parseId(update.id);
    if (!id) return refuse('invalid', `the message id is not ${provider.idFormat}`);
    // A message the known record does not list would be held unconfirmed: refused while the record holds its cap of them,
    // so the provider retries later (its GET may list them by then, or they expire) instead of this event being dropped.
    if (update.kind === 'patch' && update.holding) {
      const known = events.known(provider.key, id);
      const holding = known ? update.holding(known, Date.now() - records.unconfirmedTtlMs) : undefined;
      if (holding && !holding.listed && holding.held >= records.maxUnconfirmed) {
        return refuse('unconfirmed_full', `the record holds ${records.maxUnconfirmed} messages its provider has not listed yet; retry later`, {
          'retry-after': String(UNCONFIRMED_RETRY_AFTER_SECONDS),
        });
      }
    }

    const eventKey = parsed.eventKey === undefined ? undefined : `${provider.key}|${parsed.eventKey}`;
    if (eventKey !== undefined && !recent.firstTime(eventKey)) {
      metrics.received(provider.key, 'duplicate');
      return answer(202, { status: 'duplicate' });
    }
    if (update.kind === 'fetch') {
      metrics.received(provider.key, 'accepted');
      // After the answer is on its way: a provider waiting on us never waits for an upstream call.
      setImmediate(() => {
        events.fetch(provider.key, id).then(
          (result) => metrics.applied(provider.key, result),
          (error: unknown) => {
            metrics.applied(provider.key, 'failed');
            if (eventKey !== undefined) recent.forget(eventKey);
            const line = failures.line(provider.key, { provider: provider.key, id, err: error });
            if (line) logger.warn(line, 'webhook event could not be applied: fetching the record failed');
          },
        );
      });
      return answer(202, { status: 'accepted' });
    }

    const stored = await events.store(provider.key, id, update);
    if (stored.outcome !== 'kept_full') metrics.applied(provider.key, stored.applied);
    if (stored.outcome === 'stored') {
      metrics.received(provider.key, 'accepted');
      return answer(202, { status: 'accepted' });
    }
    // Not kept as promised: its redelivery must be applied, not answered as a duplicate.
    if (eventKey !== undefined) recent.forget(eventKey);
    if (stored.outcome === 'kept_full') {
      return refuse('kept_full', `${records.maxKept} webhook messages are kept already until their provider shows them; retry later`, {
        'retry-after': String(UNCONFIRMED_RETRY_AFTER_SECONDS),
      });
    }
    return refuse('not_stored', 'the change could not be stored for every replica (Redis did not answer); it is applied here only: send it again', {
      'retry-after': String(NOT_STORED_RETRY_AFTER_SECONDS),
    });
  }
}

/** Browsers add `Origin` to every cross-origin POST and `Sec-Fetch-Site` to every request; Node's fetch, curl and provider SDKs add neither. */
function fromBrowser(headers: Headers): boolean {
  const site = headers.get('sec-fetch-site');
  return headers.has('origin') || (site !== null && site !== 'none');
}
