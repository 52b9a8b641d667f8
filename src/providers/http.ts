import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { deadlineTimeout, ProviderFailure, type ProviderErrorCode } from '../domain/provider-failure.js';

/** Transport limits shared by every provider origin. */
export interface HttpLimits {
  /** Most sockets one provider origin may hold open. */
  connections: number;
  /** Time allowed to connect and to receive the response headers. */
  headersTimeoutMs: number;
  /** Longest pause allowed between two body chunks. */
  bodyTimeoutMs: number;
  /** Largest response body read; a larger one is a BAD_RESPONSE. */
  maxBodyBytes: number;
}

export interface ErrorDetail {
  code?: string;
  message?: string;
}

export interface GetJsonRequest<T> {
  path: string;
  headers: Record<string, string>;
  /** zod schema for a 200 body. */
  schema: z.ZodType<T>;
  /** Pulls the provider's own error code and message out of a non-2xx body. */
  errorDetail?: (body: unknown) => ErrorDetail | undefined;
  /** Cancels the request (attempt timeout, deadline); see UpstreamCall. */
  call?: UpstreamCall;
}

export type GetJsonResult<T> = { found: true; data: T } | { found: false };

/**
 * One upstream attempt as the lookup policy runs it. Cheaper than an AbortSignal per call: no
 * EventTarget, no listener lists, no DOMException; `cancel` aborts the request in flight.
 */
export class UpstreamCall {
  private abort: ((reason: CancelReason) => void) | undefined;
  cancelled: CancelReason | undefined;

  /** `trace`: opaque per-request facts (the request scope), handed to the observer. */
  constructor(readonly trace?: unknown) {}

  /** Called by the transport with a way to abort what it started. */
  onCancel(abort: (reason: CancelReason) => void): void {
    if (this.cancelled) abort(this.cancelled);
    else this.abort = abort;
  }

  cancel(reason: CancelReason): void {
    if (this.cancelled) return;
    this.cancelled = reason;
    const abort = this.abort;
    this.abort = undefined;
    abort?.(reason);
  }

  /** The request is over: nothing left to abort. */
  settle(): void {
    this.abort = undefined;
  }
}

/** `timeout`: the attempt ran past its own limit; `deadline`: the whole lookup ran out of time. */
export type CancelReason = 'timeout' | 'deadline';

/** What one upstream request came to; reported once per request, whatever happened. */
export interface UpstreamEvent {
  provider: string;
  /** `ok`, `not_found`, or the ProviderErrorCode in lower case. */
  outcome: string;
  /** The provider's HTTP status; undefined when no response arrived (timeout, refused). */
  status: number | undefined;
  /** Wall-clock start, epoch milliseconds (for trace spans). */
  startedAt: number;
  durationMs: number;
  /** The UpstreamCall's `trace`: the request that caused the call, when known. */
  trace: unknown;
}

/** Hooks for metrics and tracing; kept as an interface so provider code imports no observability library. */
export interface UpstreamObserver {
  onRequest(event: UpstreamEvent): void;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_DETAIL_CHARS = 200;

/** Why we aborted a response ourselves; carried through undici's error callback. */
class Aborted extends Error {
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
  }
}

/**
 * One provider origin: an undici Pool and the rules that turn every HTTP
 * outcome into either parsed data, "not found", or a ProviderFailure.
 *
 * Requests go through `Pool.dispatch` with a handler of our own rather than `Pool.request`:
 * the body arrives as chunks into an array, with no Readable stream, async iterator or
 * AbortSignal per call (each of which showed in the lookup path's CPU profile).
 */
export class ProviderHttp {
  private readonly pool: Pool;
  /** Path prefix of the base URL (a provider behind a proxy path), without trailing slash. */
  private readonly prefix: string;

  constructor(
    private readonly provider: string,
    baseUrl: string,
    private readonly limits: HttpLimits,
    /** Values that must never reach an error message (tokens, keys). */
    private readonly secrets: readonly string[] = [],
    private readonly observer?: UpstreamObserver,
  ) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: limits.connections,
      headersTimeout: limits.headersTimeoutMs,
      bodyTimeout: limits.bodyTimeoutMs,
      connect: { timeout: limits.headersTimeoutMs },
    });
  }

  async getJson<T>(req: GetJsonRequest<T>): Promise<GetJsonResult<T>> {
    const startedAt = Date.now();
    let response: RawResponse;
    try {
      response = await this.send(req);
    } catch (error) {
      const failure = error instanceof ProviderFailure ? error : this.transportFailure(error, req.call);
      // A connection that broke mid-body still reports the status it began with.
      this.report(failure.code.toLowerCase(), failure.httpStatus ?? (error as { status?: number }).status, startedAt, req);
      throw failure;
    }
    try {
      const result = this.interpret(req, response);
      this.report(result.found ? 'ok' : 'not_found', response.status, startedAt, req);
      return result;
    } catch (error) {
      this.report((error as ProviderFailure).code.toLowerCase(), response.status, startedAt, req);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private report(outcome: string, status: number | undefined, startedAt: number, req: GetJsonRequest<unknown>): void {
    this.observer?.onRequest({ provider: this.provider, outcome, status, startedAt, durationMs: Date.now() - startedAt, trace: req.call?.trace });
  }

  /** The status, the headers we read and the body text; a body over the cap is a BAD_RESPONSE. */
  private send(req: GetJsonRequest<unknown>): Promise<RawResponse> {
    const max = this.limits.maxBodyBytes;
    return new Promise<RawResponse>((resolve, reject) => {
      let status = 0;
      let retryAfter: string | string[] | undefined;
      let size = 0;
      const chunks: Buffer[] = [];
      const tooBig = (what: string) => new Aborted(this.fail('BAD_RESPONSE', what, { status }));
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (controller) => {
          req.call?.onCancel((reason) => controller.abort(new Aborted(this.cancelled(reason))));
        },
        onResponseStart: (controller, statusCode, headers) => {
          status = statusCode;
          retryAfter = headers['retry-after'];
          const declared = Number(headers['content-length']);
          if (declared > max) controller.abort(tooBig(`answered with a body of ${declared} bytes, over the ${max}-byte limit`));
        },
        onResponseData: (controller, chunk) => {
          size += chunk.length;
          if (size > max) controller.abort(tooBig(`answered with a body over the ${max}-byte limit`));
          else chunks.push(chunk);
        },
        onResponseEnd: () => {
          req.call?.settle();
          resolve({ status, retryAfter, text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8') });
        },
        onResponseError: (_controller, error) => {
          req.call?.settle();
          reject(error instanceof Aborted ? error.failure : withStatus(error, status));
        },
      };
      this.pool.dispatch({ method: 'GET', path: this.prefix + req.path, headers: { accept: 'application/json', ...req.headers } }, handler);
    });
  }

  private interpret<T>(req: GetJsonRequest<T>, { status, retryAfter, text }: RawResponse): GetJsonResult<T> {
    if (status >= 200 && status < 300) {
      const json = parseJson(text);
      if (json === undefined) throw this.fail('BAD_RESPONSE', `answered ${status} with a body that is not JSON`, { status });
      const parsed = req.schema.safeParse(json);
      if (!parsed.success) {
        const where = parsed.error.issues[0]?.path.join('.') || 'body';
        throw this.fail('BAD_RESPONSE', `answered ${status} with a body that does not match its documented format (at ${where})`, { status });
      }
      return { found: true, data: parsed.data };
    }
    const detail = safeDetail(req.errorDetail, parseJson(text), (value) => this.redact(value));
    if (status === 404) return { found: false };
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
    throw this.fail(codeForStatus(status), describeStatus(status, detail), {
      status,
      providerCode: detail?.code,
      retryAfterMs,
    });
  }

  private cancelled(reason: CancelReason): ProviderFailure {
    return reason === 'deadline' ? deadlineTimeout(this.provider) : this.fail('TIMEOUT', 'did not answer in time', {});
  }

  private transportFailure(error: unknown, call: UpstreamCall | undefined): ProviderFailure {
    const code = (error as { code?: string } | null)?.code ?? '';
    const name = (error as { name?: string } | null)?.name ?? '';
    if (call?.cancelled) return this.cancelled(call.cancelled);
    if (name === 'AbortError' || code === 'UND_ERR_ABORTED') {
      return deadlineTimeout(this.provider, error);
    }
    if (TIMEOUT_CODES.has(code)) {
      return this.fail('TIMEOUT', code === 'UND_ERR_BODY_TIMEOUT' ? 'stopped sending its answer mid-body' : 'did not answer in time', { cause: error });
    }
    return this.fail('UNAVAILABLE', `could not be reached (${code || name || 'connection error'})`, { cause: error });
  }

  private fail(
    code: ProviderErrorCode,
    what: string,
    extra: { status?: number; providerCode?: string; retryAfterMs?: number; cause?: unknown },
  ): ProviderFailure {
    return new ProviderFailure({
      provider: this.provider,
      code,
      message: `${this.provider} ${what}`,
      httpStatus: extra.status || undefined,
      providerCode: extra.providerCode,
      retryAfterMs: extra.retryAfterMs,
      cause: extra.cause,
    });
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret) out = out.split(secret).join('[redacted]');
    return out;
  }
}

interface RawResponse {
  status: number;
  retryAfter: string | string[] | undefined;
  text: string;
}

/** A transport error after the response began keeps the status it came with, for metrics only: a failure with an HTTP status would not be retried as a connection error. */
function withStatus(error: Error, status: number): Error {
  if (status > 0) (error as Error & { status?: number }).status = status;
  return error;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The provider's error detail, made safe to show: secrets redacted before any cut, odd codes dropped. */
function safeDetail(
  extract: GetJsonRequest<unknown>['errorDetail'],
  body: unknown,
  redact: (text: string) => string,
): ErrorDetail | undefined {
  if (!extract || body === undefined) return undefined;
  const detail = extract(body);
  if (!detail) return undefined;
  // Provider codes are identifiers; anything else, or anything holding a secret, is dropped rather than echoed.
  const code = detail.code && /^[A-Za-z0-9_.-]{1,64}$/.test(detail.code) && redact(detail.code) === detail.code ? detail.code : undefined;
  return { code, message: detail.message === undefined ? undefined : redact(detail.message).slice(0, MAX_DETAIL_CHARS) };
}

export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BAD_RESPONSE';
}

function describeStatus(status: number, detail: ErrorDetail | undefined): string {
  const parts = [detail?.code, detail?.message].filter(Boolean).join(': ');
  return parts ? `answered ${status} (${parts})` : `answered ${status}`;
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its day and month; Date.parse would also accept "-1" or "1.5".
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
