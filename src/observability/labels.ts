/**
 * Prometheus keeps one series per distinct label set, forever: a label a client can choose
 * is memory it can grow without bound. Every label value in /metrics comes from a bounded set.
 */

/** The one label for anything outside the bounded sets. */
export const OTHER = 'other';
/** The label of an operation that has no name. */
export const ANONYMOUS = 'anonymous';

/**
 * Names seen from executed operations that become labels of their own, beyond the known ones.
 * A frontend ships a few dozen named operations; 50 leaves room for clients with no manifest
 * (and the router's own), and caps what an unauthenticated flood of invented names can add:
 * about 50 × (3 outcomes + 12 histogram series) series.
 */
export const MAX_SEEN_OPERATIONS = 50;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

export interface OperationLabels {
  /** For an operation that executed: its name, taking a free slot while fewer than MAX_SEEN_OPERATIONS are taken. */
  executed(name: unknown): string;
  /** For a request refused before execution (401, 429, 400, validation): a known name or OTHER; never a new label. */
  refused(name: unknown): string;
}

/** `known`: operation names that are always labels (the persisted documents manifest, the project's operations). */
export function operationLabels(known: Iterable<string>, maxSeen = MAX_SEEN_OPERATIONS): OperationLabels {
  const labels = new Set(known);
  const seen = new Set<string>();
  const label = (name: unknown, mint: boolean): string => {
    if (name === undefined || name === null || name === '') return ANONYMOUS;
    if (typeof name !== 'string' || !GRAPHQL_NAME.test(name)) return OTHER;
    if (labels.has(name) || seen.has(name)) return name;
    if (mint && seen.size < maxSeen) {
      seen.add(name);
      return name;
    }
    return OTHER;
  };
  return { executed: (name) => label(name, true), refused: (name) => label(name, false) };
}

/**
 * Every `extensions.code` a client can get (the errors table of docs/api.md lists each), plus
 * UNKNOWN for an error without one. Anything else is counted as OTHER.
 */
export const ERROR_CODES: ReadonlySet<string> = new Set([
  // GraphQL over HTTP, before parsing
  'BAD_REQUEST',
  'CSRF_HEADER_MISSING',
  'REQUEST_ENTITY_TOO_LARGE',
  'NOT_FOUND',
  'NOT_ACCEPTABLE',
  'UNSUPPORTED_MEDIA_TYPE',
  'OPERATION_RESOLUTION_FAILURE',
  // the document
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'QUERY_LIMIT_EXCEEDED',
  'INTROSPECTION_DISABLED',
  'OPERATION_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_ONLY',
  // the caller
  'UNAUTHENTICATED',
  'AUTHENTICATION_UNAVAILABLE',
  'RATE_LIMITED',
  'FORBIDDEN',
  // execution
  'BATCH_TOO_LARGE',
  'LOOKUP_BUDGET_EXCEEDED',
  'RESULT_TOO_LARGE',
  'RESPONSE_TOO_LARGE',
  // subscriptions
  'TOO_MANY_SUBSCRIPTIONS',
  'WATCHER_LIMIT',
  'CLIENT_WATCHER_LIMIT',
  // graphql-ws only (an `error` message; yoga's metrics never see it)
  'EVENT_TOO_LARGE',
  'UNAUTHORIZED',
  'UNAVAILABLE',
  'TIMEOUT',
  'BAD_RESPONSE',
  'NOT_CONFIGURED',
  'INTERNAL_SERVER_ERROR',
  'UNKNOWN',
]);

export function errorCodeLabel(code: string): string {
  return ERROR_CODES.has(code) ? code : OTHER;
}
