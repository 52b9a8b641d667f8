import type { RequestListener } from 'node:http';
import type { z } from 'zod';
import type { MessageStatusRecord } from '../domain/message-status.js';
import type { RecordBounds } from '../domain/record-bounds.js';
import type { RecordParts } from '../domain/record-parts.js';
import type { RecordMerge } from '../domain/status-merge.js';
import type { GraphQLKit, ProviderTypeRef } from './graphql-kit.js';
import type { HttpLimits, UpstreamCall, UpstreamObserver } from './http.js';

/** Where one provider lives and how to authenticate to it. */
export interface ProviderSettings<Credentials = Record<string, string>> {
  baseUrl: string;
  /** Undefined when no credential is configured: lookups answer NOT_CONFIGURED. */
  credentials: Credentials | undefined;
}

/** Settings with credentials: the only kind a client is built from (without them, lookups answer NOT_CONFIGURED before any client). */
export interface ConfiguredSettings<Credentials = Record<string, string>> {
  baseUrl: string;
  credentials: Credentials;
}

/** Looks up one message at one provider. */
export interface ProviderClient {
  /**
   * The normalized record, or null when the provider does not know the id. Throws ProviderFailure.
   * The record's `fetchedAt` is when the request was sent (answers are ordered by it, see
   * domain/status-merge.ts). `call` cancels the request and carries the request scope.
   */
  fetchStatus(id: string, call?: UpstreamCall): Promise<MessageStatusRecord | null>;
  close(): Promise<void>;
}

/** A local HTTP simulator of the provider, for sandbox mode and tests. */
export interface ProviderSimulator {
  handler: RequestListener;
  /** Ids looked up so far, in order (one entry per upstream request). */
  readonly requests: readonly string[];
  reset(): void;
  /** Stops posting sandbox webhooks (timers, tracked records). */
  close(): void;
}

export interface SimulatorOptions {
  /** Clock for the records whose state advances with time. */
  now?: () => number;
  /** How long the documented "slow" id waits before answering. */
  slowMs?: number;
  /** Sandbox webhooks: POST an event to the service as each generated record served advances. Off when absent. */
  webhooks?: SimulatorWebhookOptions;
}

export interface SimulatorWebhookOptions {
  /** Where to POST (the service's webhook URL with its token); read at every tick, undefined while the service is not listening yet. */
  url: () => string | undefined;
  /** How often the tracked records are checked for a new status, in ms (default 250). */
  tickMs?: number;
  /** Most records tracked at once; records first served beyond it post nothing (default 1000). */
  maxTracked?: number;
}

/**
 * What one webhook body means for what is known, in provider-neutral terms (src/webhooks/ applies it
 * through the status merge). `id` is the message id as the body names it; src/webhooks/ passes it
 * through the provider's `parseId`. `eventAt` is the provider's event time (epoch ms) when the
 * body has one; it is clamped to the time of receipt.
 */
export type WebhookUpdate =
  /** The body is a whole record, observed at `observedAt`. */
  | { kind: 'record'; id: string; eventAt?: number; record(observedAt: number): MessageStatusRecord }
  /**
   * The body changes one part of a record (`part` names it: D7, a msg_id): applied onto what is
   * known (`receivedAt`: when this service received it, epoch ms); `alone` builds the record from
   * the body by itself, when nothing is known yet: a partial record that the provider's GET
   * completes through the status merge, held until the provider lists the part (RecordBounds).
   * `holding` says whether `known` lists the part (`listed`), whether a provider's GET did
   * (`confirmed`: not only an earlier event), and how many parts it holds unconfirmed since after
   * `heldAfter` (epoch ms: the older ones have expired).
   */
  | {
      kind: 'patch';
      id: string;
      part: string;
      eventAt?: number;
      apply(known: MessageStatusRecord, observedAt: number, receivedAt?: number): MessageStatusRecord;
      alone(id: string, observedAt: number, receivedAt: number): MessageStatusRecord;
      holding?(known: MessageStatusRecord, heldAfter: number): { listed: boolean; confirmed: boolean; held: number };
    }
  /** The body only says something changed: fetch the record (once, shared). */
  | { kind: 'fetch'; id: string };

/**
 * A parsed webhook body, or why it is refused (a 400, a 422 when `tooLong`: a field over its
 * length cap; `reason` names the field, never quotes the body).
 */
export type WebhookParse = { ok: true; update: WebhookUpdate; eventKey?: string } | { ok: false; reason: string; tooLong?: boolean };

/** How a provider pushes status changes to `POST /webhooks/{key in lower case}/{token}`. */
export interface ProviderWebhook {
  /** Environment variable holding the secret path segment; unset, the endpoint does not exist. */
  tokenVariable: string;
  /** The token the sandbox simulator posts with in sandbox mode (public, like the sandbox credentials). */
  sandboxToken: string;
  /**
   * Pure: a JSON body (of any shape) to an update. `eventKey` names the event itself (the same
   * event delivered twice has the same key, and is applied once); none: never deduplicated.
   */
  parse(body: unknown): WebhookParse;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module has its own credentials type
export type AnyProviderModule = ProviderModule<any>;

/** The sandbox ids this provider shows in the GraphiQL tabs (src/playground/examples.ts). */
export interface PlaygroundExamples {
  /** Ids for the MessageStatuses tab: a record first, then ids that answer typed errors (interleaved with the other providers'). */
  refs: readonly string[];
  /** The MessageStatus tab's id, when this provider has one worth showing (the first provider that has one is shown). */
  status?: string;
  /** The variables of this provider's own operation, operations/{typeName}.graphql (a provider without that file gets no tab). */
  own: Record<string, string>;
  /** An id minted now, which the simulator has never seen: its state moves once the subscription tab runs. */
  fresh(): string;
}

/** A documented sandbox id and what it does. */
export interface SandboxId {
  id: string;
  behaviour: string;
}

/**
 * Everything the service knows about one provider. Adding a provider means one new folder
 * exporting one of these, and one line in a provider list: registry.ts for the real service,
 * `createApp(config, { providers })` for a test.
 */
export interface ProviderModule<Credentials = Record<string, string>> {
  /** The value of the GraphQL `Provider` enum. */
  key: string;
  label: string;
  /** The GraphQL object type holding this provider's records. */
  typeName: string;
  /** Human wording of the id format, for error messages. */
  idFormat: string;
  /** How the schema's shared descriptions name this provider's ids (each joined with the other providers' wording). */
  idWording: {
    /** MessageStatus.providerMessageId, e.g. D7 `request_id`. */
    field: string;
    /** MessageRef.id, e.g. D7 `request_id` (a UUID). */
    ref: string;
    /** InvalidMessageId, e.g. D7: a UUID. */
    format: string;
  };
  /** Canonical form of a valid id, or undefined when the id fails the provider's format. */
  parseId(raw: string): string | undefined;
  /** Environment variables this provider reads (merged into the configuration contract). */
  env: z.ZodRawShape;
  /** Settings from the validated environment, plus any problems (reported with all others). */
  settings(env: Record<string, unknown>): { settings: ProviderSettings<Credentials>; problems: string[] };
  /** The environment variables that configure the credentials, named in the NOT_CONFIGURED error. */
  credentialVariables: readonly string[];
  /** Secret values inside the credentials, for redaction. */
  secrets(credentials: Credentials): string[];
  /** `observer` hears every upstream request (metrics, tracing); pass it to ProviderHttp. `bounds`: what one record may hold. */
  createClient(settings: ConfiguredSettings<Credentials>, limits: HttpLimits, observer?: UpstreamObserver, bounds?: RecordBounds): ProviderClient;
  /**
   * The status merge for this provider's records, within `bounds`, when a record holds several
   * messages (D7: per `msg_id`); the default compares whole records (domain/status-merge.ts).
   */
  createMerge?(bounds: RecordBounds): RecordMerge;
  /**
   * Decodes this provider's record `details` from their JSON form (Dates as ISO text), for
   * records kept outside the process (the Redis tier); anything else fails to parse.
   */
  detailsSchema: z.ZodType<unknown, unknown>;
  /**
   * How a record that holds several messages is kept in the Redis tier: one entry field per
   * message, so a change costs the messages it touched (D7). None: a record is kept whole.
   */
  storedParts?: RecordParts;
  /** Status pushes from the provider (src/webhooks/ serves them); none: the provider has no webhook. */
  webhook?: ProviderWebhook;
  /** Declares this provider's GraphQL type (implementing MessageStatus), its entity keys and root fields. */
  graphql(kit: GraphQLKit): ProviderTypeRef;
  sandbox: {
    credentials: Credentials;
    createSimulator(options?: SimulatorOptions): ProviderSimulator;
    /** What the GraphiQL tabs show in sandbox mode. */
    examples: PlaygroundExamples;
    /** Ids with documented behaviour; test/integration/providers/provider-conformance.test.ts holds the documented table (docs/getting-started.md) to them. */
    ids: readonly SandboxId[];
  };
}
