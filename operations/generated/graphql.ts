/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Delivery state normalized across providers. Progress ranks PENDING < SCHEDULED < SENT < DELIVERED < READ; FAILED, REJECTED, EXPIRED and DELETED are outcomes off that ladder. Updates can arrive out of order. */
export type DeliveryState =
  /** Deleted by the recipient. Final. */
  | 'DELETED'
  /** Delivered to the recipient device. Not final: READ may follow, or never come when the recipient has read receipts off. */
  | 'DELIVERED'
  /** Expired before delivery was confirmed. Final. */
  | 'EXPIRED'
  /** Delivery failed. Not final: a later DELIVERED can still arrive when the recipient has several devices. */
  | 'FAILED'
  /** Accepted by the provider and queued; not yet handed to WhatsApp. */
  | 'PENDING'
  /** Opened by the recipient. Final. */
  | 'READ'
  /** Refused by the provider before sending (for example insufficient credit). Final. */
  | 'REJECTED'
  /** Accepted and scheduled for a later send time. */
  | 'SCHEDULED'
  /** Handed to WhatsApp; delivery not yet confirmed. */
  | 'SENT'
  /** The provider reported a status this service does not know; the raw text is kept in `status`. */
  | 'UNKNOWN';

/** One message to look up: the provider and its id for the message. */
export type MessageRef = {
  /** The provider's id: D7 `request_id` (a UUID) or Betatel `uuid` (a ULID). */
  id: string;
  /** The provider that sent the message. */
  provider: Provider;
};

/** A messaging provider whose WhatsApp delivery records this service reads. */
export type Provider =
  /** Betatel */
  | 'BETATEL'
  /** D7 Networks */
  | 'D7';

/** Why a provider lookup failed. */
export type ProviderErrorCode =
  /** The provider answered with something that is not its documented format (bad JSON, wrong shape, oversized body, unexpected status). */
  | 'BAD_RESPONSE'
  /** This server has no credentials for the provider. */
  | 'NOT_CONFIGURED'
  /** The provider is rate-limiting this service (HTTP 429); see `retryAfterSeconds`. */
  | 'RATE_LIMITED'
  /** The provider did not answer in time. */
  | 'TIMEOUT'
  /** The provider refused this service's credentials (HTTP 401/403). */
  | 'UNAUTHORIZED'
  /** The provider could not be reached or answered with a server error (5xx). */
  | 'UNAVAILABLE';

export type BetatelWdrQueryVariables = Exact<{
  uuid: string | number;
}>;


export type BetatelWdrQuery = { betatelWdr: { id: string, provider: Provider, providerMessageId: string, uuid: string, whatsappMessageId: string | null, to: string | null, text: string | null, status: string, state: DeliveryState, isFinal: boolean, createdAt: string | null, deliveredAt: string | null, deliveryTimeMs: number | null, webhookDelivered: boolean | null, fetchedAt: string } | null };

export type D7ReportQueryVariables = Exact<{
  requestId: string | number;
}>;


export type D7ReportQuery = { d7Report: { id: string, provider: Provider, providerMessageId: string, requestId: string, requestStage: string | null, scheduleTime: string | null, state: DeliveryState, isFinal: boolean, fetchedAt: string, messages: Array<{ msgId: string, originator: string | null, recipient: string | null, conversationType: string | null, messageType: string | null, templateId: string | null, whatsappConversationId: string | null, status: string, state: DeliveryState, reason: string | null, reference: { customerRef: string | null, messageTag1: string | null, messageTag2: string | null, messageTag3: string | null, messageTag4: string | null, messageTag5: string | null, conversationId: string | null } | null }> } | null };

export type MessageStatusQueryVariables = Exact<{
  provider: Provider;
  id: string;
}>;


export type MessageStatusQuery = { messageStatus:
    | { __typename: 'BetatelWdr', id: string, provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, fetchedAt: string }
    | { __typename: 'D7Report', id: string, provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, fetchedAt: string }
    | { __typename: 'InvalidArgument', message: string, retryable: boolean }
    | { __typename: 'InvalidMessageId', message: string, retryable: boolean }
    | { __typename: 'MessageNotFound', message: string, retryable: boolean }
    | { __typename: 'ProviderError', message: string, retryable: boolean, code: ProviderErrorCode }
   };

export type MessageStatusChangedSubscriptionVariables = Exact<{
  refs: Array<MessageRef> | MessageRef;
}>;


export type MessageStatusChangedSubscription = { messageStatusChanged:
    | { __typename: 'BetatelWdr', id: string, provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, fetchedAt: string, status: string, deliveredAt: string | null }
    | { __typename: 'D7Report', id: string, provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, fetchedAt: string, messages: Array<{ msgId: string, status: string, state: DeliveryState }> }
    | { __typename: 'InvalidArgument', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
    | { __typename: 'InvalidMessageId', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
    | { __typename: 'MessageNotFound', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
    | { __typename: 'ProviderError', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
   };

export type MessageStatusesQueryVariables = Exact<{
  refs: Array<MessageRef> | MessageRef;
}>;


export type MessageStatusesQuery = { messageStatuses: Array<
    | { __typename: 'BetatelWdr', id: string, provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, fetchedAt: string, uuid: string, to: string | null, status: string, deliveredAt: string | null }
    | { __typename: 'D7Report', id: string, provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, fetchedAt: string, requestId: string, messages: Array<{ msgId: string, recipient: string | null, status: string, state: DeliveryState }> }
    | { __typename: 'InvalidArgument', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
    | { __typename: 'InvalidMessageId', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
    | { __typename: 'MessageNotFound', message: string, provider: Provider, providerMessageId: string, retryable: boolean }
    | { __typename: 'ProviderError', message: string, provider: Provider, providerMessageId: string, retryable: boolean, code: ProviderErrorCode, httpStatus: number | null, providerCode: string | null, retryAfterSeconds: number | null }
  > };

export type NodeQueryVariables = Exact<{
  id: string | number;
}>;


export type NodeQuery = { node:
    | { __typename: 'BetatelWdr', provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, id: string }
    | { __typename: 'D7Report', provider: Provider, providerMessageId: string, state: DeliveryState, isFinal: boolean, id: string }
   | null };


export const BetatelWdrDocument = {"__meta__":{"hash":"sha256:fc1f976be3ab852b4fa6bbeb6a196393ea68dd3ac372fa85bbb2218cb08dcd20"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BetatelWdr"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"uuid"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"betatelWdr"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"uuid"},"value":{"kind":"Variable","name":{"kind":"Name","value":"uuid"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"whatsappMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"isFinal"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveryTimeMs"}},{"kind":"Field","name":{"kind":"Name","value":"webhookDelivered"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}}]}}]} as unknown as DocumentNode<BetatelWdrQuery, BetatelWdrQueryVariables>;
export const D7ReportDocument = {"__meta__":{"hash":"sha256:115d4d027a303d0cbf18b8cb78ce182d08d5c2c9ed3454b6dccf7cda5a1598ca"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"D7Report"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"d7Report"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"requestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"requestStage"}},{"kind":"Field","name":{"kind":"Name","value":"scheduleTime"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"isFinal"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgId"}},{"kind":"Field","name":{"kind":"Name","value":"originator"}},{"kind":"Field","name":{"kind":"Name","value":"recipient"}},{"kind":"Field","name":{"kind":"Name","value":"reference"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customerRef"}},{"kind":"Field","name":{"kind":"Name","value":"messageTag1"}},{"kind":"Field","name":{"kind":"Name","value":"messageTag2"}},{"kind":"Field","name":{"kind":"Name","value":"messageTag3"}},{"kind":"Field","name":{"kind":"Name","value":"messageTag4"}},{"kind":"Field","name":{"kind":"Name","value":"messageTag5"}},{"kind":"Field","name":{"kind":"Name","value":"conversationId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"conversationType"}},{"kind":"Field","name":{"kind":"Name","value":"messageType"}},{"kind":"Field","name":{"kind":"Name","value":"templateId"}},{"kind":"Field","name":{"kind":"Name","value":"whatsappConversationId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]} as unknown as DocumentNode<D7ReportQuery, D7ReportQueryVariables>;
export const MessageStatusDocument = {"__meta__":{"hash":"sha256:e1b4797ff82af08ea075ab605d90f2cbde6a6d035a22fbde2906457b1df035c9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MessageStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"provider"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Provider"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messageStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"provider"},"value":{"kind":"Variable","name":{"kind":"Name","value":"provider"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"isFinal"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LookupError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProviderError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<MessageStatusQuery, MessageStatusQueryVariables>;
export const MessageStatusChangedDocument = {"__meta__":{"hash":"sha256:f833df8f47094c1a405403cd7131a4d663a05009800b853cd30bced7fb8cdeb4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MessageStatusChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refs"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MessageRef"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messageStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refs"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refs"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"isFinal"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"D7Report"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BetatelWdr"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LookupError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]}}]}}]} as unknown as DocumentNode<MessageStatusChangedSubscription, MessageStatusChangedSubscriptionVariables>;
export const MessageStatusesDocument = {"__meta__":{"hash":"sha256:4954f309485711b9707879532ccf6aa74b9cced90cbe0c5a4c07ff89e99ff92f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MessageStatuses"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refs"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MessageRef"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messageStatuses"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refs"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refs"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"isFinal"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"D7Report"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msgId"}},{"kind":"Field","name":{"kind":"Name","value":"recipient"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BetatelWdr"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uuid"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LookupError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProviderError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"httpStatus"}},{"kind":"Field","name":{"kind":"Name","value":"providerCode"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<MessageStatusesQuery, MessageStatusesQueryVariables>;
export const NodeDocument = {"__meta__":{"hash":"sha256:0a93616721f5f86c7e0c2b6e8134c274d0dfcee2fd63bdd40064c4ddf3bd0ef5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Node"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerMessageId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"isFinal"}}]}}]}}]}}]} as unknown as DocumentNode<NodeQuery, NodeQueryVariables>;