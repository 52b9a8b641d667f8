import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { D7_SANDBOX } from '../../src/providers/d7/simulator.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/** Debian's chromium; .ci/run installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`SKIPPED the GraphiQL browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let h: Harness;
let server: Server;
let base: string;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (missing) return;
  h = await startHarness();
  server = createServer(h.app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A fresh profile (--user-data-dir): no GraphiQL tab state left in localStorage by an earlier run.
  profile = mkdtempSync(join(tmpdir(), 'graphiql-e2e-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

it.skipIf(missing)(
  'GraphiQL in headless Chromium: loads with no internet, runs the first example tab against the sandbox, shows the record',
  async () => {
    const page = await browser.newPage();
    // Everything must come from this server (the page inlines GraphiQL), nothing from a CDN.
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !/^(blob|data):/.test(url)) elsewhere.push(url);
    });

    await page.goto(`${base}/graphql`);
    const run = page.getByRole('button', { name: /Execute query/ });
    await run.waitFor({ timeout: 15_000 });

    // The example tabs, first one active, and the auth hint in the headers editor.
    const tabs = await page.locator('.graphiql-tab').allInnerTexts();
    expect(tabs.map((t) => t.trim())).toEqual(['MessageStatuses', 'MessageStatus', 'D7Report', 'BetatelWdr', 'Node', 'MessageStatusChanged']);
    await page.getByRole('button', { name: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool', { hasText: 'Bearer <token>' }).waitFor({ timeout: 5_000 });

    const graphqlResponse = page.waitForResponse((r) => r.url() === `${base}/graphql` && r.request().method() === 'POST' && r.request().postData()?.includes('MessageStatuses') === true);
    await run.click();
    expect((await graphqlResponse).status()).toBe(200);

    const result = page.locator('.result-window');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain(D7_SANDBOX.example);
    // Monaco renders indentation with no-break spaces.
    const text = (await result.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('"__typename": "D7Report"');
    expect(text).toContain('"__typename": "BetatelWdr"');
    expect(text).toContain('"__typename": "InvalidMessageId"');
    expect(text).not.toContain('"errors"');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png') });
    expect(elsewhere).toEqual([]);
  },
  30_000,
);
