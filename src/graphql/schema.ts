import type { GraphQLSchema } from 'graphql';
import type { GraphQLKit } from '../providers/graphql-kit.js';
import type { AnyProviderModule } from '../providers/provider.js';
import { createBuilder } from './builder.js';
import { guardEntities } from './entities-guard.js';
import { defineProviderLookup } from './provider-lookup.js';
import { defineDeliveryState } from './types/delivery-state.js';
import { defineLookupErrors } from './types/lookup-errors.js';
import { defineMessageRef } from './types/message-ref.js';
import { defineMessageStatusResult } from './types/message-status-result.js';
import { defineMessageStatus } from './types/message-status.js';
import { defineNode } from './types/node.js';
import { defineProviderEnum } from './types/provider.js';
import { defineMessageStatusChanged } from './types/subscription.js';

/**
 * The subgraph schema for a provider list: our types, each provider's type and root field, plus
 * `_service`, `_entities` (each representation answered on its own) and the federation directives.
 * A fresh builder each time, so two apps with different providers hold two schemas.
 */
export function buildSchema(providers: readonly AnyProviderModule[]): GraphQLSchema {
  const builder = createBuilder();
  const Provider = defineProviderEnum(builder, providers);
  const DeliveryState = defineDeliveryState(builder);
  const Node = defineNode(builder);
  const kit: GraphQLKit = {
    builder,
    Node,
    MessageStatus: defineMessageStatus(builder, { Node, DeliveryState, Provider }, providers),
    DeliveryState,
    defineProviderLookup: (type, options) => defineProviderLookup(builder, type, options),
  };
  const errors = defineLookupErrors(builder, Provider, providers);
  const MessageRef = defineMessageRef(builder, Provider, providers);
  const providerTypes = providers.map((provider) => provider.graphql(kit));
  defineMessageStatusChanged(builder, defineMessageStatusResult(builder, providerTypes, { errors, MessageRef, Provider }), MessageRef);
  return guardEntities(builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }));
}
