import type { EnumRef, InterfaceRef, ObjectRef } from '@pothos/core';
import type { GraphQLContext } from '../context.js';
import type { DeliveryState } from '../domain/delivery-state.js';
import type { MessageStatusRecord } from '../domain/message-status.js';
import type { AuthScopes } from '../security/scope-auth.js';

/** The schema builder's type parameters (graphql/builder.ts builds the one builder with them). */
export interface AppTypes {
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}

/** The resolved Pothos type parameter, for refs declared outside the builder's file. */
export type BuilderTypes = PothosSchemaTypes.ExtendDefaultTypes<AppTypes>;
export type Builder = PothosSchemaTypes.SchemaBuilder<BuilderTypes>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each provider narrows `details` to its own shape
export type AnyRecord = MessageStatusRecord<any>;

/** The GraphQL type a provider contributes: an implementation of MessageStatus. */
export type ProviderTypeRef = ObjectRef<BuilderTypes, AnyRecord>;

export interface ProviderLookupOptions {
  /** Provider key (the `Provider` enum value). */
  provider: string;
  /** The provider's own id field on its type, also the root field's argument (D7Report: requestId). */
  keyField: string;
  /** The root field (d7Report). */
  fieldName: string;
  description: string;
  argumentDescription: string;
}

/**
 * What a provider folder needs to declare its GraphQL types, handed to it rather than
 * imported: a provider module names only these types, never the schema's files, so it stays
 * loadable without the schema and below it in the layers.
 */
export interface GraphQLKit {
  builder: Builder;
  Node: InterfaceRef<BuilderTypes, MessageStatusRecord>;
  MessageStatus: InterfaceRef<BuilderTypes, MessageStatusRecord>;
  DeliveryState: EnumRef<BuilderTypes, DeliveryState, DeliveryState>;
  /** Federation keys and the nullable root lookup field, the same for every provider (graphql/provider-lookup.ts). */
  defineProviderLookup(type: ProviderTypeRef, options: ProviderLookupOptions): void;
}
