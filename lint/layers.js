// @ts-check
// The layers of src/, as import-x/no-restricted-paths zones (docs/architecture.md draws them).
// Bottom to top: domain → providers (contract and implementations) → lookup → graphql, webhooks,
// subscriptions and the Redis tier → app. A zone names what a layer may not
// import; the lower layers say it as an allow-list ("only these"). Type imports count.

/** The app: wiring and features that only the app uses. Nothing in a layer imports them. */
const APP = [
  './src/app.ts',
  './src/main.ts',
  './src/bin.ts',
  './src/config.ts',
  './src/create-context.ts',
  './src/banner.ts',
  './src/shutdown.ts',
  './src/listen.ts',
  './src/process-guards.ts',
  './src/playground',
  './src/persisted',
  './src/sandbox/start-sandbox.ts',
  './src/sandbox/serve.ts',
];

/** The simulators' shared helpers: part of the providers layer, though they live in src/sandbox/. */
const SIMULATOR_HELPERS = ['./src/sandbox/simulator-kit.ts', './src/sandbox/scenarios.ts', './src/sandbox/webhook-poster.ts'];

/** @type {{ target: string | string[], from: string | string[], except?: string[], message: string }[]} */
export const layerZones = [
  {
    target: './src/domain',
    from: './src',
    except: ['./domain'],
    message: 'domain/ is the bottom layer: it imports nothing else from src/.',
  },
  {
    target: ['./src/context.ts', './src/subscriptions/subscription-requests.ts'],
    from: './src',
    except: [
      './domain',
      './context.ts',
      './subscriptions/subscription-requests.ts',
      './subscriptions/metrics.ts',
      './security/scopes.ts',
      './security/answer-meter.ts',
      './observability/request-scope.ts',
    ],
    message: 'The context type is a leaf: it names domain/ and other leaves only (docs/architecture.md).',
  },
  {
    target: ['./src/providers', ...SIMULATOR_HELPERS],
    from: './src',
    except: [
      './domain',
      './providers',
      './context.ts',
      './env-values.ts',
      './security/field-guards.ts',
      './security/scope-auth.ts',
      ...SIMULATOR_HELPERS.map((file) => file.replace('./src/', './')),
    ],
    message: 'A provider imports domain/, the provider contract (providers/provider.ts, graphql-kit.ts, http.ts), the context type and the simulator helpers only.',
  },
  {
    target: './src/lookup',
    from: './src',
    except: ['./domain', './lookup', './providers/provider.ts', './providers/http.ts', './env-values.ts'],
    message: 'lookup/ imports domain/, the provider contract and the parsers of its variables (env-values.ts) only (not a provider implementation, nor any layer above it).',
  },
  {
    target: './src/graphql',
    from: ['./src/lookup', './src/shared-state', ...APP],
    message: 'Resolvers reach lookups through the context (ctx.lookups), never lookup/ itself; nor the Redis tier or the app.',
  },
  {
    target: './src/graphql',
    from: './src/subscriptions',
    except: ['./subscription-requests.ts'],
    message: 'From subscriptions/, the schema imports only its contract with resolvers (subscriptions/subscription-requests.ts).',
  },
  {
    target: './src/graphql',
    from: './src/webhooks',
    message: 'The schema knows nothing of webhooks: they change records through lookup/, which resolvers read.',
  },
  {
    target: './src/webhooks',
    from: ['./src/graphql', './src/subscriptions', './src/shared-state', ...APP],
    message: 'webhooks/ imports no GraphQL types, nothing of subscriptions/ (they meet in the status service), no Redis tier (the app hands it in) and no app file.',
  },
  {
    target: './src/subscriptions',
    from: ['./src/graphql', './src/webhooks', './src/shared-state', ...APP],
    message: 'subscriptions/ imports no GraphQL types, nothing of webhooks/ (they meet in the status service), no Redis tier (the app hands it in) and no app file.',
  },
  {
    target: './src/shared-state',
    from: ['./src/graphql', ...APP],
    message: 'The Redis tier implements interfaces of the layers below it; it imports no GraphQL type and no app file.',
  },
];
