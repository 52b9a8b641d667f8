import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Helpers shared by the provider simulators: responses, deterministic data, time-driven states. */

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Deterministic bytes for an id, so a generated record is the same on every machine. */
export function digest(seed: string): Buffer {
  return createHash('sha256').update(seed).digest();
}

/** A UUID-shaped string (version nibble `version`) derived from a seed. */
export function uuidFrom(seed: string, version: number): string {
  const hex = digest(seed).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `count` decimal digits derived from a seed. */
export function digitsFrom(seed: string, count: number): string {
  return [...digest(seed)].slice(0, count).map((b) => String(b % 10)).join('');
}

/**
 * Remembers when each id was first asked for: generated records start their
 * life then, so a record's state advances while someone keeps polling it.
 */
const FIRST_SEEN_MAX = 100_000;

export class FirstSeen {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  at(id: string): number {
    let first = this.seen.get(id);
    if (first === undefined) {
      first = this.now();
      this.seen.set(id, first);
      // Bounded: the oldest id starts its life again if it is ever asked for once more.
      if (this.seen.size > FIRST_SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    }
    return first;
  }

  elapsedMs(id: string): number {
    return this.now() - this.at(id);
  }

  reset(): void {
    this.seen.clear();
  }
}

/** Answers after `ms`, unless the client has gone away meanwhile. */
export function answerLater(res: ServerResponse, ms: number, answer: () => void): void {
  const timer = setTimeout(answer, ms);
  res.on('close', () => clearTimeout(timer));
}

/** The last path segment(s) matched by `pattern`, decoded; undefined when the path does not match. */
export function matchPath(req: IncomingMessage, pattern: RegExp): string | undefined {
  const path = new URL(req.url ?? '/', 'http://simulator').pathname;
  const match = pattern.exec(path);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/** Most ids a simulator's request log keeps: a long-running sandbox must not grow with every id asked for. */
export const REQUEST_LOG_MAX = 10_000;

/** Appends to a simulator's request log, dropping the oldest entries past REQUEST_LOG_MAX. */
export function logRequest(requests: string[], id: string): void {
  requests.push(id);
  if (requests.length > REQUEST_LOG_MAX) requests.splice(0, requests.length - REQUEST_LOG_MAX);
}
