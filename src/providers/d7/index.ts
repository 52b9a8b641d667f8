import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { secret } from '../../env-values.js';
import type { ProviderModule } from '../provider.js';
import { createD7Client, type D7Credentials } from './client.js';
import { defineD7GraphQL } from './graphql.js';
import { parseD7Uuid } from './ids.js';
import { createD7Merge } from './merge.js';
import { createD7Simulator, D7_SANDBOX, D7_SANDBOX_CREDENTIALS, D7_SANDBOX_IDS } from './simulator.js';
import { d7DetailsSchema, d7StoredParts } from './stored.js';
import { d7Webhook } from './webhook.js';

export const d7: ProviderModule<D7Credentials> = {
  key: 'D7',
  label: 'D7 Networks',
  typeName: 'D7Report',
  idFormat: 'a UUID such as f44e3f43-6d4e-4e46-becd-21993f3dcb8e',
  idWording: { field: 'D7 `request_id`', ref: 'D7 `request_id` (a UUID)', format: 'D7: a UUID' },
  parseId: parseD7Uuid,
  env: {
    D7_API_TOKEN: secret().optional(),
    D7_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.d7networks.com'),
  },
  settings(env) {
    const token = env.D7_API_TOKEN as string | undefined;
    return { settings: { baseUrl: env.D7_BASE_URL as string, credentials: token ? { token } : undefined }, problems: [] };
  },
  credentialVariables: ['D7_API_TOKEN'],
  secrets: (credentials) => [credentials.token],
  createClient: createD7Client,
  createMerge: createD7Merge,
  detailsSchema: d7DetailsSchema,
  storedParts: d7StoredParts,
  webhook: d7Webhook,
  graphql: defineD7GraphQL,
  sandbox: {
    credentials: D7_SANDBOX_CREDENTIALS,
    createSimulator: createD7Simulator,
    ids: D7_SANDBOX_IDS,
    examples: {
      refs: [D7_SANDBOX.example, 'not-a-uuid', D7_SANDBOX.rateLimited],
      status: D7_SANDBOX.mixed,
      own: { requestId: D7_SANDBOX.example },
      fresh: randomUUID,
    },
  },
};
