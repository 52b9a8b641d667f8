import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createOtlpTracerProvider } from '../../../src/observability/tracing.js';
import { BETATEL_SANDBOX } from '../../../src/providers/betatel/simulator.js';
import { D7_SANDBOX } from '../../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { providers } from '../../../src/providers/registry.js';

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let h: Harness;
beforeAll(async () => {
  // Each test expects its own upstream span: no cross-request cache between the tests.
  h = await startHarness({ env: { CACHE_MAX_ENTRIES: '0' }, deps: { tracerProvider } });
});
afterAll(() => h.close());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

describe('OpenTelemetry tracing', () => {
  it('makes a span per operation, child of the incoming traceparent, and one per upstream call with provider and status', async () => {
    exporter.reset();
    const res = await h.post(
      JSON.stringify({
        query: `query Two {
          a: messageStatus(provider: D7, id: "${D7_SANDBOX.example}") { __typename }
          b: messageStatus(provider: BETATEL, id: "${BETATEL_SANDBOX.serverError}") { __typename }
        }`,
      }),
      { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` },
    );
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === 'query Two');
    expect(operation).toBeDefined();
    expect(operation!.spanContext().traceId).toBe(TRACE_ID);
    expect(operation!.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'Two', 'graphql.operation.type': 'query', 'upstream.calls': 2 });

    const upstream = spans.filter((s) => s.parentSpanContext?.spanId === operation!.spanContext().spanId);
    expect(upstream.map((s) => s.attributes).sort((x, y) => String(x['provider.name']).localeCompare(String(y['provider.name'])))).toEqual([
      { 'provider.name': 'BETATEL', 'provider.outcome': 'unavailable', 'http.response.status_code': 500 },
      { 'provider.name': 'D7', 'provider.outcome': 'ok', 'http.response.status_code': 200 },
    ]);
    for (const span of upstream) expect(span.spanContext().traceId).toBe(TRACE_ID);
  });

  it('starts a new trace when no traceparent comes in, and makes no span for /metrics', async () => {
    exporter.reset();
    await h.query(`query One { d7Report(requestId: "${D7_SANDBOX.example}") { state } }`);
    await h.get('/metrics');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['D7 GET', 'query One']);
    const operation = spans.find((s) => s.name === 'query One')!;
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.spanContext().traceId).not.toBe(TRACE_ID);
  });
});

describe('OTLP export from configuration', () => {
  let collector: Server;
  const received: { path: string; bytes: number }[] = [];
  beforeAll(async () => {
    collector = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (d: Buffer) => (bytes += d.length));
      req.on('end', () => {
        received.push({ path: req.url ?? '', bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT, and sends spans to <endpoint>/v1/traces with it', async () => {
    expect(createOtlpTracerProvider({ otlpEndpoint: undefined, serviceName: 'x' })).toBeUndefined();

    const { port } = collector.address() as AddressInfo;
    // As main.ts does: the provider from the configuration, handed to the app.
    const tracing = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, providers).tracing;
    const provider = createOtlpTracerProvider(tracing)!;
    const on = await startHarness({ deps: { tracerProvider: provider } });
    await on.query(`{ d7Report(requestId: "${D7_SANDBOX.example}") { state } }`);
    await on.close();
    await provider.shutdown(); // flushes the batch processor
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.bytes).toBeGreaterThan(0);
  });
});
