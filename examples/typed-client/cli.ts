/** What both example commands read from their environment and arguments. */
import type { MessageRef, Provider } from '../../operations/generated/graphql.js';

export const endpoint = process.env.GRAPHQL_URL ?? 'http://localhost:4000/graphql';

/** GRAPHQL_API_KEY is sent as x-api-key, GRAPHQL_TOKEN as a bearer token (docs/security.md). */
export const credentials: Record<string, string> = {
  ...(process.env.GRAPHQL_API_KEY && { 'x-api-key': process.env.GRAPHQL_API_KEY }),
  ...(process.env.GRAPHQL_TOKEN && { authorization: `Bearer ${process.env.GRAPHQL_TOKEN}` }),
};

/** `PROVIDER:id` arguments to refs. */
export function refsFromArgs(args: string[]): MessageRef[] {
  return args.map((arg) => {
    const [provider, ...id] = arg.split(':');
    if ((provider !== 'D7' && provider !== 'BETATEL') || id.length === 0) throw new Error(`expected PROVIDER:id (D7 or BETATEL), got "${arg}"`);
    return { provider: provider satisfies Provider, id: id.join(':') };
  });
}
