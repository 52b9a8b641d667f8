import { z } from 'zod';
import { secret } from '../../env-values.js';
import type { ProviderModule } from '../provider.js';
import { createBetatelClient, type BetatelCredentials } from './client.js';
import { defineBetatelGraphQL } from './graphql.js';
import { freshUlid } from './fresh-id.js';
import { BETATEL_SANDBOX, BETATEL_SANDBOX_CREDENTIALS, BETATEL_SANDBOX_IDS, createBetatelSimulator } from './simulator.js';
import { betatelDetailsSchema } from './stored.js';
import { betatelWebhook } from './webhook.js';

// A ULID: 26 chars of Crockford base32 (no I L O U), first char 0-7, any case.
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

export const betatel: ProviderModule<BetatelCredentials> = {
  key: 'BETATEL',
  label: 'Betatel',
  typeName: 'BetatelWdr',
  idFormat: 'a ULID (26 characters of Crockford base32) such as 01JV5V54KPYK9GB29265EQRZ2P',
  idWording: { field: 'Betatel `uuid`', ref: 'Betatel `uuid` (a ULID)', format: 'Betatel: a 26-character ULID' },
  parseId: (raw) => (ULID.test(raw) ? raw.toUpperCase() : undefined),
  env: {
    BETATEL_API_KEY: secret().optional(),
    BETATEL_ACCOUNT_ID: z.string().min(1).optional(),
    BETATEL_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.betatel.com'),
  },
  settings(env) {
    const apiKey = env.BETATEL_API_KEY as string | undefined;
    const accountId = env.BETATEL_ACCOUNT_ID as string | undefined;
    const problems = apiKey && !accountId ? ['BETATEL_ACCOUNT_ID: required when BETATEL_API_KEY is set'] : [];
    if (accountId && !apiKey) problems.push('BETATEL_API_KEY: required when BETATEL_ACCOUNT_ID is set');
    return {
      settings: { baseUrl: env.BETATEL_BASE_URL as string, credentials: apiKey && accountId ? { apiKey, accountId } : undefined },
      problems,
    };
  },
  credentialVariables: ['BETATEL_API_KEY', 'BETATEL_ACCOUNT_ID'],
  secrets: (credentials) => [credentials.apiKey],
  createClient: createBetatelClient,
  detailsSchema: betatelDetailsSchema,
  webhook: betatelWebhook,
  graphql: defineBetatelGraphQL,
  sandbox: {
    credentials: BETATEL_SANDBOX_CREDENTIALS,
    createSimulator: createBetatelSimulator,
    ids: BETATEL_SANDBOX_IDS,
    // The last ref: a ULID without documented behaviour, so the simulator generates a record for it.
    examples: { refs: [BETATEL_SANDBOX.example, BETATEL_SANDBOX.notFound, '01KAZZZZZZZZZZZZZZZZZZZZZZ'], own: { uuid: BETATEL_SANDBOX.example }, fresh: freshUlid },
  },
};
