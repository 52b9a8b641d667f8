import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { securityPlugins } from './plugin.js';

export interface SecurityLayer {
  plugins: Plugin[];
  cors: CORSOptions;
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
    // An empty allow-list must be `false`: yoga treats an empty origin list as "any origin".
    cors:
      security.corsOrigins.length === 0
        ? false
        : { origin: security.corsOrigins, credentials: false, allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'x-graphql-yoga-csrf'], methods: ['GET', 'POST'] },
    maxRequestBodySize: security.maxBodyBytes,
    maskedErrors: { isDev },
    graphiql: security.graphiql,
  };
}
