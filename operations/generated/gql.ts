/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query BetatelWdr($uuid: ID!) {\n  betatelWdr(uuid: $uuid) {\n    id\n    provider\n    providerMessageId\n    uuid\n    whatsappMessageId\n    to\n    text\n    status\n    state\n    isFinal\n    createdAt\n    deliveredAt\n    deliveryTimeMs\n    webhookDelivered\n    fetchedAt\n  }\n}": typeof types.BetatelWdrDocument,
    "query D7Report($requestId: ID!) {\n  d7Report(requestId: $requestId) {\n    id\n    provider\n    providerMessageId\n    requestId\n    requestStage\n    scheduleTime\n    state\n    isFinal\n    fetchedAt\n    messages {\n      msgId\n      originator\n      recipient\n      reference {\n        customerRef\n        messageTag1\n        messageTag2\n        messageTag3\n        messageTag4\n        messageTag5\n        conversationId\n      }\n      conversationType\n      messageType\n      templateId\n      whatsappConversationId\n      status\n      state\n      reason\n    }\n  }\n}": typeof types.D7ReportDocument,
    "query MessageStatus($provider: Provider!, $id: String!) {\n  messageStatus(provider: $provider, id: $id) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on LookupError {\n      message\n      retryable\n    }\n    ... on ProviderError {\n      code\n    }\n  }\n}": typeof types.MessageStatusDocument,
    "subscription MessageStatusChanged($refs: [MessageRef!]!) {\n  messageStatusChanged(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      messages {\n        msgId\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n  }\n}": typeof types.MessageStatusChangedDocument,
    "query MessageStatuses($refs: [MessageRef!]!) {\n  messageStatuses(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      requestId\n      messages {\n        msgId\n        recipient\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      uuid\n      to\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n    ... on ProviderError {\n      code\n      httpStatus\n      providerCode\n      retryAfterSeconds\n    }\n  }\n}": typeof types.MessageStatusesDocument,
    "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on MessageStatus {\n      provider\n      providerMessageId\n      state\n      isFinal\n    }\n  }\n}": typeof types.NodeDocument,
};
const documents: Documents = {
    "query BetatelWdr($uuid: ID!) {\n  betatelWdr(uuid: $uuid) {\n    id\n    provider\n    providerMessageId\n    uuid\n    whatsappMessageId\n    to\n    text\n    status\n    state\n    isFinal\n    createdAt\n    deliveredAt\n    deliveryTimeMs\n    webhookDelivered\n    fetchedAt\n  }\n}": types.BetatelWdrDocument,
    "query D7Report($requestId: ID!) {\n  d7Report(requestId: $requestId) {\n    id\n    provider\n    providerMessageId\n    requestId\n    requestStage\n    scheduleTime\n    state\n    isFinal\n    fetchedAt\n    messages {\n      msgId\n      originator\n      recipient\n      reference {\n        customerRef\n        messageTag1\n        messageTag2\n        messageTag3\n        messageTag4\n        messageTag5\n        conversationId\n      }\n      conversationType\n      messageType\n      templateId\n      whatsappConversationId\n      status\n      state\n      reason\n    }\n  }\n}": types.D7ReportDocument,
    "query MessageStatus($provider: Provider!, $id: String!) {\n  messageStatus(provider: $provider, id: $id) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on LookupError {\n      message\n      retryable\n    }\n    ... on ProviderError {\n      code\n    }\n  }\n}": types.MessageStatusDocument,
    "subscription MessageStatusChanged($refs: [MessageRef!]!) {\n  messageStatusChanged(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      messages {\n        msgId\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n  }\n}": types.MessageStatusChangedDocument,
    "query MessageStatuses($refs: [MessageRef!]!) {\n  messageStatuses(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      requestId\n      messages {\n        msgId\n        recipient\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      uuid\n      to\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n    ... on ProviderError {\n      code\n      httpStatus\n      providerCode\n      retryAfterSeconds\n    }\n  }\n}": types.MessageStatusesDocument,
    "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on MessageStatus {\n      provider\n      providerMessageId\n      state\n      isFinal\n    }\n  }\n}": types.NodeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BetatelWdr($uuid: ID!) {\n  betatelWdr(uuid: $uuid) {\n    id\n    provider\n    providerMessageId\n    uuid\n    whatsappMessageId\n    to\n    text\n    status\n    state\n    isFinal\n    createdAt\n    deliveredAt\n    deliveryTimeMs\n    webhookDelivered\n    fetchedAt\n  }\n}"): (typeof documents)["query BetatelWdr($uuid: ID!) {\n  betatelWdr(uuid: $uuid) {\n    id\n    provider\n    providerMessageId\n    uuid\n    whatsappMessageId\n    to\n    text\n    status\n    state\n    isFinal\n    createdAt\n    deliveredAt\n    deliveryTimeMs\n    webhookDelivered\n    fetchedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query D7Report($requestId: ID!) {\n  d7Report(requestId: $requestId) {\n    id\n    provider\n    providerMessageId\n    requestId\n    requestStage\n    scheduleTime\n    state\n    isFinal\n    fetchedAt\n    messages {\n      msgId\n      originator\n      recipient\n      reference {\n        customerRef\n        messageTag1\n        messageTag2\n        messageTag3\n        messageTag4\n        messageTag5\n        conversationId\n      }\n      conversationType\n      messageType\n      templateId\n      whatsappConversationId\n      status\n      state\n      reason\n    }\n  }\n}"): (typeof documents)["query D7Report($requestId: ID!) {\n  d7Report(requestId: $requestId) {\n    id\n    provider\n    providerMessageId\n    requestId\n    requestStage\n    scheduleTime\n    state\n    isFinal\n    fetchedAt\n    messages {\n      msgId\n      originator\n      recipient\n      reference {\n        customerRef\n        messageTag1\n        messageTag2\n        messageTag3\n        messageTag4\n        messageTag5\n        conversationId\n      }\n      conversationType\n      messageType\n      templateId\n      whatsappConversationId\n      status\n      state\n      reason\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MessageStatus($provider: Provider!, $id: String!) {\n  messageStatus(provider: $provider, id: $id) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on LookupError {\n      message\n      retryable\n    }\n    ... on ProviderError {\n      code\n    }\n  }\n}"): (typeof documents)["query MessageStatus($provider: Provider!, $id: String!) {\n  messageStatus(provider: $provider, id: $id) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on LookupError {\n      message\n      retryable\n    }\n    ... on ProviderError {\n      code\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MessageStatusChanged($refs: [MessageRef!]!) {\n  messageStatusChanged(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      messages {\n        msgId\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n  }\n}"): (typeof documents)["subscription MessageStatusChanged($refs: [MessageRef!]!) {\n  messageStatusChanged(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      messages {\n        msgId\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MessageStatuses($refs: [MessageRef!]!) {\n  messageStatuses(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      requestId\n      messages {\n        msgId\n        recipient\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      uuid\n      to\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n    ... on ProviderError {\n      code\n      httpStatus\n      providerCode\n      retryAfterSeconds\n    }\n  }\n}"): (typeof documents)["query MessageStatuses($refs: [MessageRef!]!) {\n  messageStatuses(refs: $refs) {\n    __typename\n    ... on MessageStatus {\n      id\n      provider\n      providerMessageId\n      state\n      isFinal\n      fetchedAt\n    }\n    ... on D7Report {\n      requestId\n      messages {\n        msgId\n        recipient\n        status\n        state\n      }\n    }\n    ... on BetatelWdr {\n      uuid\n      to\n      status\n      deliveredAt\n    }\n    ... on LookupError {\n      message\n      provider\n      providerMessageId\n      retryable\n    }\n    ... on ProviderError {\n      code\n      httpStatus\n      providerCode\n      retryAfterSeconds\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on MessageStatus {\n      provider\n      providerMessageId\n      state\n      isFinal\n    }\n  }\n}"): (typeof documents)["query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n    ... on MessageStatus {\n      provider\n      providerMessageId\n      state\n      isFinal\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;