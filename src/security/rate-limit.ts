/** A rate-limit check: allowed, or refused with when the next token is due. */
export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Takes one token from `client`'s bucket, wherever the buckets live. */
export interface Limiter {
  take(client: string): Verdict | Promise<Verdict>;
}

/** Buckets kept outside this process (Redis, shared by replicas); undefined when they cannot answer in time. */
export interface RemoteBuckets {
  take(client: string, perMinute: number): Promise<Verdict | undefined>;
}

/**
 * Token buckets per client identity, in this process's memory: each holds `perMinute` tokens
 * and refills continuously. With several instances each enforces its own limit.
 */
export class RateLimiter implements Limiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    /** Identities remembered at once; the least recently seen is forgotten first. */
    private readonly maxClients = 10_000,
  ) {}

  /** Takes one token; `retryAfterSeconds` says when the next one is due when none is left. */
  take(client: string): Verdict {
    const now = this.now();
    const perMs = this.perMinute / 60_000;
    const previous = this.buckets.get(client);
    const tokens = previous ? Math.min(this.perMinute, previous.tokens + (now - previous.at) * perMs) : this.perMinute;
    this.buckets.delete(client);
    if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    if (tokens < 1) {
      this.buckets.set(client, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
    }
    this.buckets.set(client, { tokens: tokens - 1, at: now });
    return { ok: true };
  }
}

/**
 * The remote buckets while they answer, so replicas share one limit per client; this process's
 * own buckets for any check they cannot answer (Redis down or slow), so a client is still
 * limited, per replica, and never refused or held up because Redis is away.
 */
export class FallbackLimiter implements Limiter {
  constructor(
    private readonly remote: RemoteBuckets,
    private readonly local: RateLimiter,
    private readonly perMinute: number,
  ) {}

  async take(client: string): Promise<Verdict> {
    return (await this.remote.take(client, this.perMinute)) ?? this.local.take(client);
  }
}
