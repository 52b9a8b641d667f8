import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { codeForStatus } from '../http/use-plain-answers.js';
import type { OperationLabels } from './labels.js';
import type { Metrics } from './metrics.js';
import { LogBudget, REQUEST_REFUSALS } from './log-budget.js';
import type { RequestScope } from './request-scope.js';
import { incomingTraceContext } from './trace-context.js';
import { addressIdentity } from '../security/client-address.js';

export const REQUEST_ID_HEADER = 'x-request-id';
// A caller's id is echoed into logs and headers, so only a short, plain token is trusted.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestPluginOptions {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer | undefined;
  labels: OperationLabels;
  /** Path of the GraphQL endpoint: requests to it refused before parsing are logged and counted too. */
  graphqlEndpoint: string;
}

export interface RequestObservability {
  plugin: Plugin;
  /** The scope of a request being handled (see request-scope.ts). */
  scopeOf(request: Request): RequestScope | undefined;
}

/**
 * Per request: a request id (taken or made, and returned), and for GraphQL
 * operations one log line, the operation metrics and the operation span.
 */
export function useRequestObservability({ logger, metrics, tracer, labels, graphqlEndpoint }: RequestPluginOptions): RequestObservability {
  const budget = new LogBudget(REQUEST_REFUSALS);
  /**
   * Whether this request's line is written, and the field saying how many refusals of its client
   * were left out before it. Only refusals (4xx) of a known address are budgeted; in-process
   * requests (tests, yoga.fetch) have none.
   */
  const lineOf = (scope: RequestScope, status: number): { unloggedRefusals?: number } | undefined => {
    if (status < 400 || status >= 500 || scope.address === undefined) return {};
    return budget.line(addressIdentity(scope.address), {});
  };
  /** One log line and one count for a request that never became a GraphQL operation. */
  const refusedBeforeParsing = (scope: RequestScope, status: number) => {
    const code = scope.errorCodes[0] ?? codeForStatus(status) ?? 'UNKNOWN';
    metrics.refused(status, code);
    const line = lineOf(scope, status);
    if (!line) return;
    logger.info(
      { requestId: scope.requestId, durationMs: Math.round((performance.now() - scope.started) * 10) / 10, outcome: 'refused', errorCodes: [...new Set(scope.errorCodes.length > 0 ? scope.errorCodes : [code])], status, ...line },
      'graphql request refused',
    );
  };
  const scopes = new WeakMap<Request, RequestScope>();
  /** The operation a request executes (or subscribes to): its type and name label its metrics and log line. */
  const executed = (args: { contextValue: unknown; document: DocumentNode; operationName?: string | null }) => {
    const scope = scopes.get((args.contextValue as { request: Request }).request);
    if (!scope) return;
    const operation = getOperationAST(args.document, args.operationName);
    scope.operationType = operation?.operation ?? 'unknown';
    scope.executed = true;
    if (operation?.name) scope.operationName = operation.name.value;
  };
  const open = (request: Request, serverContext?: unknown): RequestScope => {
    const incoming = request.headers.get(REQUEST_ID_HEADER);
    const scope: RequestScope = {
      requestId: incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID(),
      started: performance.now(),
      startedAt: Date.now(),
      upstreamCalls: 0,
      graphql: false,
      errorCodes: [],
      address: (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress,
      items: { answered: 0, failedCodes: [] },
    };
    scopes.set(request, scope);
    return scope;
  };
  const plugin: Plugin = {
    onRequest({ request, serverContext }) {
      open(request, serverContext);
    },
    onParams({ params, request }) {
      const scope = scopes.get(request);
      if (!scope || scope.graphql) return;
      scope.graphql = true;
      scope.operationName = params.operationName;
      metrics.requestStarted();
      if (tracer) {
        const parent = incomingTraceContext(request.headers);
        scope.span = tracer.startSpan('graphql.operation', { kind: SpanKind.SERVER, startTime: scope.startedAt, attributes: { 'request.id': scope.requestId } }, parent);
        scope.traceContext = trace.setSpan(parent, scope.span);
      }
    },
    onExecute({ args }) {
      executed(args);
    },
    // Subscriptions run through subscribe, not execute: without this they were counted as `unknown`.
    onSubscribe({ args }) {
      executed(args);
    },
    onResultProcess({ request, result }) {
      const scope = scopes.get(request);
      if (!scope) return;
      for (const one of Array.isArray(result) ? result : [result]) {
        const errors = (one as { errors?: readonly GraphQLError[] }).errors ?? [];
        for (const error of errors) scope.errorCodes.push(String(error.extensions?.code ?? 'UNKNOWN'));
      }
    },
    onResponse({ request, response }) {
      // Answers yoga gives before the plugins' onRequest (the GraphiQL page) still get an id.
      const scope = scopes.get(request) ?? open(request);
      response.headers.set(REQUEST_ID_HEADER, scope.requestId);
      if (!scope.graphql) {
        if (response.status >= 400 && new URL(request.url).pathname === graphqlEndpoint) refusedBeforeParsing(scope, response.status);
        return;
      }
      metrics.requestFinished();
      const durationMs = performance.now() - scope.started;
      const operation = scope.executed ? labels.executed(scope.operationName) : labels.refused(scope.operationName);
      const type = scope.operationType ?? 'unknown';
      const outcome = requestOutcome(scope);
      const failed = scope.items.failedCodes;
      metrics.operation({ operation, type, durationMs, errorCodes: scope.errorCodes });
      const line = lineOf(scope, response.status);
      if (line) {
        logger.info(
          {
            requestId: scope.requestId,
            operation,
            operationType: type,
            durationMs: Math.round(durationMs * 10) / 10,
            upstreamCalls: scope.upstreamCalls,
            outcome,
            ...(scope.errorCodes.length > 0 && { errorCodes: [...new Set(scope.errorCodes)] }),
            ...(failed.length > 0 && { items: scope.items.answered, failedItems: failed.length, itemErrorCodes: [...new Set(failed)] }),
            status: response.status,
            ...line,
          },
          'graphql request',
        );
      }
      if (scope.span) {
        scope.span.updateName(`${type} ${operation}`);
        scope.span.setAttributes({
          'graphql.operation.name': operation,
          'graphql.operation.type': type,
          'http.response.status_code': response.status,
          'upstream.calls': scope.upstreamCalls,
          outcome,
        });
        if (outcome === 'error') scope.span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(scope.errorCodes)].join(',') });
        scope.span.end();
      }
    },
  };
  return { plugin, scopeOf: (request) => scopes.get(request) };
}

/**
 * `error`: the answer has GraphQL errors; `failed`: every result item failed (a ProviderError
 * each), `partial`: some did; `success` otherwise. Not found and invalid ids are answers about
 * the caller's input, not failures.
 */
export function requestOutcome(scope: Pick<RequestScope, 'errorCodes' | 'items'>): 'error' | 'failed' | 'partial' | 'success' {
  if (scope.errorCodes.length > 0) return 'error';
  const failed = scope.items.failedCodes.length;
  if (failed === 0) return 'success';
  return failed >= scope.items.answered ? 'failed' : 'partial';
}


