import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { ProviderFailure, type ProviderErrorCode } from '../domain/provider-failure.js';

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
  signal?: AbortSignal;
}

export type GetJsonResult<T> = { found: true; data: T } | { found: false };

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
}

/** Hooks for metrics and tracing; kept as an interface so provider code imports no observability library. */
export interface UpstreamObserver {
  onRequest(event: UpstreamEvent): void;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_DETAIL_CHARS = 200;

/**
 * One provider origin: an undici Pool and the rules that turn every HTTP
 * outcome into either parsed data, "not found", or a ProviderFailure.
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
    if (!this.observer) return this.send(req, {});
    const startedAt = Date.now();
    const started = performance.now();
    const seen: { status?: number } = {};
    const report = (outcome: string, status: number | undefined) =>
      this.observer!.onRequest({ provider: this.provider, outcome, status, startedAt, durationMs: performance.now() - started });
    try {
      const result = await this.send(req, seen);
      report(result.found ? 'ok' : 'not_found', seen.status);
      return result;
    } catch (error) {
      report(error instanceof ProviderFailure ? error.code.toLowerCase() : 'unavailable', seen.status);
      throw error;
    }
  }

  /** `seen.status` is set as soon as a response arrives, so failures after it still report the status. */
  private async send<T>(req: GetJsonRequest<T>, seen: { status?: number }): Promise<GetJsonResult<T>> {
    let res: Awaited<ReturnType<Pool['request']>>;
    try {
      res = await this.pool.request({
        method: 'GET',
        path: this.prefix + req.path,
        headers: { accept: 'application/json', ...req.headers },
        signal: req.signal,
      });
    } catch (error) {
      throw this.transportFailure(error);
    }

    seen.status = res.statusCode;
    const text = await this.readCapped(res);
    const status = res.statusCode;

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
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined;
    throw this.fail(codeForStatus(status), describeStatus(status, detail), {
      status,
      providerCode: detail?.code,
      retryAfterMs,
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async readCapped(res: Awaited<ReturnType<Pool['request']>>): Promise<string> {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.maxBodyBytes) {
      discard(res.body);
      throw this.fail('BAD_RESPONSE', `answered with a body of ${declared} bytes, over the ${this.limits.maxBodyBytes}-byte limit`, { status: res.statusCode });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.limits.maxBodyBytes) {
          discard(res.body);
          throw this.fail('BAD_RESPONSE', `answered with a body over the ${this.limits.maxBodyBytes}-byte limit`, { status: res.statusCode });
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof ProviderFailure) throw error;
      throw this.transportFailure(error);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private transportFailure(error: unknown): ProviderFailure {
    const code = (error as { code?: string } | null)?.code ?? '';
    const name = (error as { name?: string } | null)?.name ?? '';
    if (name === 'AbortError' || code === 'UND_ERR_ABORTED') {
      return this.fail('TIMEOUT', 'did not answer before the request deadline', { cause: error });
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
      httpStatus: extra.status,
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

/** Drops a body we will not read; the listener keeps undici's abort error from becoming an uncaught 'error' event. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
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
