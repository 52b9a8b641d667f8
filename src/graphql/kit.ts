import type { EnumRef, InterfaceRef, ObjectRef } from '@pothos/core';
import type { DeliveryState } from '../domain/delivery-state.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import type { Builder, BuilderTypes } from './builder.js';
import type { resolveEntityReference } from './entity-reference.js';
import type { checkMaxAge, findByGlobalId, findOrNull } from './lookup.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each provider narrows `details` to its own shape
export type AnyRecord = MessageStatusRecord<any>;

/** The GraphQL type a provider contributes: an implementation of MessageStatus. */
export type ProviderTypeRef = ObjectRef<BuilderTypes, AnyRecord>;

/**
 * What a provider folder needs to declare its GraphQL types, handed to it
 * rather than imported, so provider modules stay loadable without the schema.
 */
export interface GraphQLKit {
  builder: Builder;
  Node: InterfaceRef<BuilderTypes, MessageStatusRecord>;
  MessageStatus: InterfaceRef<BuilderTypes, MessageStatusRecord>;
  DeliveryState: EnumRef<BuilderTypes, DeliveryState, DeliveryState>;
  // A provider's loader only ever holds that provider's records, so `details` is its own shape.
  findOrNull: (...args: Parameters<typeof findOrNull>) => Promise<AnyRecord | null>;
  findByGlobalId: (...args: Parameters<typeof findByGlobalId>) => Promise<AnyRecord | null>;
  resolveEntityReference: (...args: Parameters<typeof resolveEntityReference>) => Promise<AnyRecord>;
  checkMaxAge: typeof checkMaxAge;
  /** Description of the `maxAge` argument of root fields. */
  maxAgeDescription: string;
}
