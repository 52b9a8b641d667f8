import { z } from 'zod';
import type { ProviderModule } from '../../../src/providers/provider.js';
import { sandboxIds } from '../../../src/sandbox/scenarios.js';
import { createAcmeClient, type AcmeCredentials } from './client.js';
import { defineAcmeGraphQL } from './graphql.js';
import { acmeDetailsSchema } from './schema.js';
import { ACME_KEY, ACME_SANDBOX, createAcmeSimulator } from './simulator.js';
import { acmeWebhook } from './webhook.js';

const ID = /^ACME-\d{9}$/i;
let minted = 0;

/** A third provider, modelled on Betatel and small, that exists only under test/: it proves a provider is one folder. */
export const acme: ProviderModule<AcmeCredentials> = {
  key: 'ACME',
  label: 'Acme',
  typeName: 'AcmeMessage',
  idFormat: 'ACME- followed by 9 digits, such as ACME-000000001',
  idWording: { field: 'Acme `id`', ref: 'Acme `id` (ACME-NNNNNNNNN)', format: 'Acme: ACME- and 9 digits' },
  parseId: (raw) => (ID.test(raw) ? raw.toUpperCase() : undefined),
  env: { ACME_KEY: z.string().min(1).optional(), ACME_BASE_URL: z.url().default('https://acme.invalid') },
  settings: (env) => ({
    settings: { baseUrl: env.ACME_BASE_URL as string, credentials: typeof env.ACME_KEY === 'string' ? { key: env.ACME_KEY } : undefined },
    problems: [],
  }),
  credentialVariables: ['ACME_KEY'],
  secrets: (credentials) => [credentials.key],
  createClient: createAcmeClient,
  detailsSchema: acmeDetailsSchema,
  webhook: acmeWebhook,
  graphql: defineAcmeGraphQL,
  sandbox: {
    credentials: { key: ACME_KEY },
    createSimulator: createAcmeSimulator,
    ids: sandboxIds(ACME_SANDBOX, [{ id: ACME_SANDBOX.example, behaviour: 'a record in state `arrived` (DELIVERED)' }]),
    examples: {
      refs: [ACME_SANDBOX.example, ACME_SANDBOX.notFound],
      own: { acmeId: ACME_SANDBOX.example },
      fresh: () => `ACME-${String(100_000_000 + (minted++ % 800_000_000)).padStart(9, '0')}`,
    },
  },
};
