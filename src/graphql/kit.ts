import type { EnumRef, InterfaceRef, ObjectRef } from '@pothos/core';
import type { DeliveryState } from '../domain/delivery-state.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import type { Builder, BuilderTypes } from './builder.js';
import type { defineProviderLookup } from './provider-lookup.js';

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
  /** Federation keys and the nullable root lookup field, the same for every provider. */
  defineProviderLookup: typeof defineProviderLookup;
}
