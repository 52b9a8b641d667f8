import type { GraphQLError, ValidationContext } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * graphql-js and yoga leave some errors a client can cause without an `extensions.code`, or
 * with a message that does not say why. Each gets a stable code here, once, before the
 * metrics and the log read the codes.
 */

const ABORTED = /^(Validation aborted\.|Too many validation errors, error limit reached\. Validation aborted\.)$/;

/**
 * graphql-js gives up validating a document whose overlapping-field check exceeds its work
 * budget (hundreds of identical selections), or after 100 errors, with a bare "Validation aborted.".
 */
function abortedValidation(original: GraphQLError): GraphQLError {
  const tooMany = original.message.startsWith('Too many');
  return createGraphQLError(
    tooMany
      ? 'Query limit exceeded: the document has more than 100 validation errors (graphql-js error limit); fix the first ones and retry.'
      : 'Query limit exceeded: the document repeats selections too often to be validated (graphql-js overlapping-fields budget); remove duplicate or overlapping selections.',
    { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: tooMany ? 'validation errors' : 'overlapping selections' } },
  );
}

/** A mutation or subscription when the schema has no such root type: a validation error with a code, not an execution error. */
function supportedOperations(context: ValidationContext) {
  const schema = context.getSchema();
  return {
    OperationDefinition(node: { operation: string; loc?: unknown }) {
      const root = node.operation === 'mutation' ? schema.getMutationType() : node.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
      if (!root) {
        const kinds = ['queries', schema.getMutationType() && 'mutations', schema.getSubscriptionType() && 'subscriptions'].filter(Boolean).join(' and ');
        context.reportError(createGraphQLError(`This service has no ${node.operation} operations; it answers ${kinds} only.`, { nodes: [node as never], extensions: { code: 'OPERATION_NOT_SUPPORTED' } }));
      }
    },
  };
}

/** The code an error without one should carry, by graphql-js's wording (it sets no code of its own). */
function codeFor(error: GraphQLError): { code: string; message?: string } | undefined {
  if (/^Variable "\$[^"]+" (got invalid value|of required type|of non-null type)/.test(error.message)) return { code: 'BAD_USER_INPUT' };
  return undefined;
}

function withCode(error: GraphQLError, code: string, message = error.message): GraphQLError {
  return createGraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError ?? undefined, extensions: { ...error.extensions, code } });
}

export function useStableErrorCodes(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(supportedOperations);
      return ({ result, setResult }) => {
        if (result.some((e) => ABORTED.test(e.message))) setResult(result.map((e) => (ABORTED.test(e.message) ? abortedValidation(e) : e)));
      };
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors) return;
      let changed = false;
      const errors = (result.errors as readonly GraphQLError[]).map((error) => {
        // No instanceof: under a bundler or test runner graphql may be loaded twice (ESM and CJS).
        if (typeof error?.message !== 'string' || error.extensions?.code) return error;
        const mapped = codeFor(error);
        if (!mapped) return error;
        changed = true;
        return withCode(error, mapped.code, mapped.message);
      });
      if (changed) setResult({ ...result, errors });
    },
  };
}
