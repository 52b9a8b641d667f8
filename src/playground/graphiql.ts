import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { CSRF_HEADER } from '../security/csrf.js';
import { compressedPage, type CompressedPage } from './compressed-page.js';
import { useCachedPage } from './use-cached-page.js';

/**
 * What the headers editor holds at first: how to authenticate (docs/security.md), commented
 * out. GraphiQL reads this editor as JSON with comments, so the hint sends no header; the
 * sandbox lets anonymous callers look statuses up.
 */
export const AUTH_HEADER_HINT = `{
  // Authenticate with an API key or a JWT (docs/security.md), e.g.:
  // "x-api-key": "<key>"
  // "authorization": "Bearer <token>"
}`;

type Tab = { query: string; variables: string };

/**
 * GraphiQL options for the example tabs: each tab's headers editor holds the auth hint.
 * GraphiQL fills the editors of the first tab on first load with the query only (its
 * variables stay empty, graphql/graphiql#3392), so the first tab's variables are also
 * passed as the initial variables: Run on the first tab works at once.
 *
 * Every request the page makes carries the CSRF header: GraphiQL subscribes with a GET over
 * SSE, which CSRF prevention refuses without it. The page is served from this origin, so only
 * its own script adds the header; another site's page could not without a preflight.
 */
export function playgroundOptions(tabs: Tab[]): Pick<GraphiQLOptions, 'defaultTabs' | 'defaultHeaders' | 'headers' | 'additionalHeaders'> & { variables?: string } {
  return {
    defaultTabs: tabs.map((tab) => ({ ...tab, headers: AUTH_HEADER_HINT })),
    defaultHeaders: AUTH_HEADER_HINT,
    headers: AUTH_HEADER_HINT,
    additionalHeaders: { [CSRF_HEADER]: 'graphiql' },
    // Yoga's GraphiQL passes `variables` on as GraphiQL's initialVariables.
    ...(tabs[0] && { variables: tabs[0].variables }),
  };
}

/**
 * GraphiQL with its JS, CSS and editor workers inlined in the page (from
 * @graphql-yoga/render-graphiql), instead of yoga's default page that loads them from a
 * CDN: it works with no internet, behind firewalls and under a strict CSP for hosts.
 * The page is ~9 MB and the same for the same options, so it is rendered once per options
 * and compressed once per encoding; `plugin` sends those copies (see useCachedPage).
 */
export function offlineGraphiQL(): { render: (options: GraphiQLOptions) => Promise<string>; plugin: Plugin } {
  let last: { key: string; page: Promise<{ page: string; compressed: CompressedPage }> } | undefined;
  let current: CompressedPage | undefined;
  const render = async (options: GraphiQLOptions) => {
    const key = JSON.stringify(options);
    if (last?.key !== key) {
      // Shared by concurrent first views, so the page is rendered once.
      last = { key, page: renderPage(options) };
    }
    const { page, compressed } = await last.page;
    current = compressed;
    return page;
  };
  return { render, plugin: useCachedPage(() => current) };
}

async function renderPage(options: GraphiQLOptions): Promise<{ page: string; compressed: CompressedPage }> {
  // Imported on the first page view: the bundle adds about 50 MB of RSS, which a server
  // with GraphiQL off (live mode's default) should not carry.
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const page = renderGraphiQL(options);
  return { page, compressed: compressedPage(page) };
}
