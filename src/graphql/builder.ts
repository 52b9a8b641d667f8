import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver } from 'graphql-scalars';
import type { AppTypes, Builder } from '../providers/graphql-kit.js';
import { scopeAuthOptions } from '../security/scope-auth.js';

/** A fresh schema builder (one per schema built): plugins, scalars and the Query type; the other types live in their own files. */
export function createBuilder(): Builder {
  const builder: Builder = new SchemaBuilder<AppTypes>({
    // Federation last, so it sees the final resolvers (scope-auth wraps them before).
    plugins: [DirectivePlugin, ScopeAuthPlugin, FederationPlugin],
    scopeAuth: scopeAuthOptions,
    // Non-null unless a field says otherwise: the contract's `!`s are the default.
    defaultFieldNullability: false,
  });

  builder.addScalarType('DateTime', DateTimeResolver, {
    description: 'An instant in time, as an ISO-8601 string in UTC, e.g. "2024-01-15T10:30:00.000Z".',
  });

  builder.queryType({
    description: 'Look up what happened to WhatsApp messages, whichever provider sent them.',
    // Every lookup needs `status:read`; fields of the records add their own scopes.
    authScopes: { statusRead: true },
  });
  return builder;
}
