import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { corsFor } from './csrf.js';
import { securityPlugins } from './plugin.js';

export interface SecurityLayer {
  plugins: Plugin[];
  cors: (request: Request) => CORSOptions;
  maxRequestBodySize: number;
  /** Stack traces in masked errors only in sandbox with NODE_ENV=development (yoga's dev mode). */
  maskedErrors: { isDev: boolean };
  graphiql: boolean;
}

/** Everything createApp needs from the security layer, as yoga options. */
export function createSecurity(config: Config): SecurityLayer {
  const { security } = config;
  const isDev = config.mode === 'sandbox' && process.env.NODE_ENV === 'development';
  return {
    plugins: securityPlugins(security, { exposeErrorDetails: isDev }),
    cors: corsFor(security.corsOrigins),
    maxRequestBodySize: security.maxBodyBytes,
    maskedErrors: { isDev },
    graphiql: security.graphiql,
  };
}
