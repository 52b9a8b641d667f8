// The per-request contract resolvers see: interfaces only, importing nothing but other leaves, so
// every layer (providers declaring their GraphQL types included) can name it without a circle.
import type { MessageStatusRecord } from './domain/message-status.js';
import type { Subscriptions } from './subscriptions/subscription-requests.js';
import type { ItemTally } from './observability/request-scope.js';
import type { AnswerMeter } from './security/answer-meter.js';
import type { Caller } from './security/scopes.js';

/** The one way resolvers reach provider data: batched, deduplicated, cached and budgeted per request. */
export interface Lookups {
  /**
   * The record for a provider id in canonical form (ProviderModule.parseId), null when the
   * provider does not know it; rejects with ProviderFailure, or with the guard's GraphQL error.
   * `maxAgeSeconds`: no data obtained more than this long before the request began.
   */
  load(provider: string, id: string, maxAgeSeconds?: number): Promise<MessageStatusRecord | null>;
}

/** What resolvers need of one provider: its names and its id format. */
export interface ProviderIdentity {
  key: string;
  label: string;
  typeName: string;
  idFormat: string;
  parseId(raw: string): string | undefined;
}

/** The providers this app was built with (createApp's list), by enum value and by GraphQL type name. */
export interface ProviderDirectory {
  readonly all: readonly ProviderIdentity[];
  /** Throws for a key the schema does not have (the Provider enum lets no other through). */
  byKey(key: string): ProviderIdentity;
  byTypeName(typeName: string): ProviderIdentity | undefined;
}

/** What every resolver receives; one per GraphQL request. */
export interface GraphQLContext {
  lookups: Lookups;
  providers: ProviderDirectory;
  maxBatchSize: number;
  /** Most representations in one `_entities` call (MAX_ENTITY_REPRESENTATIONS). */
  maxEntityRepresentations: number;
  /** Result items and value bytes of this operation's answer, for MAX_RESULT_ITEMS and MAX_RESPONSE_BYTES. */
  answer: AnswerMeter;
  /** What this request's items came to, for its log line (outcome partial or failed); absent outside a yoga request. */
  items?: ItemTally;
  /** Who is calling (src/security/): scope-auth reads its scopes. */
  caller: Caller;
  /** Subscriptions: admission and event streams over the shared watchers (src/subscriptions/). */
  live: Subscriptions;
  /** The HTTP request (yoga's, or the graphql-ws relay's): a subscription reads its Accept header and its abort signal. */
  request: Request;
}
