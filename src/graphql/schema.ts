import type { GraphQLKit } from '../providers/graphql-kit.js';
import { providers } from '../providers/registry.js';
import { builder } from './builder.js';
import { guardEntities } from './entities-guard.js';
import { defineProviderLookup } from './provider-lookup.js';
import { DeliveryStateEnum } from './types/delivery-state.js';
import './types/lookup-errors.js';
import { defineMessageStatusResult } from './types/message-status-result.js';
import { MessageStatusInterface } from './types/message-status.js';
import { defineMessageStatusChanged } from './types/subscription.js';
import { NodeInterface } from './types/node.js';

const kit: GraphQLKit = {
  builder,
  Node: NodeInterface,
  MessageStatus: MessageStatusInterface,
  DeliveryState: DeliveryStateEnum,
  defineProviderLookup,
};

defineMessageStatusChanged(defineMessageStatusResult(providers.map((provider) => provider.graphql(kit))));

/** The subgraph schema: our types plus `_service`, `_entities` (each representation answered on its own) and the federation directives. */
export const schema = guardEntities(builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }));
