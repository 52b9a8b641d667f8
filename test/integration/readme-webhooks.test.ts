import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFUSAL_STATUS } from '../../src/live/webhook-endpoint.js';
import { WEBHOOK_APPLIED, WEBHOOK_OUTCOMES } from '../../src/live/webhook-metrics.js';
import { providers } from '../../src/providers/registry.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  expect(start, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + heading.length);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}
const metricRow = (name: string) => readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`)) ?? '';

describe('the README "Webhooks" section matches the endpoints', () => {
  it('lists every answer code the endpoint gives, and no other', () => {
    const codes = [...section('## Webhooks').matchAll(/^\| `(\d{3})` \|/gm)].map((m) => Number(m[1]));
    expect(codes.sort()).toEqual([...new Set([...Object.values(REFUSAL_STATUS), 202])].sort());
  });

  it('names each provider endpoint with its token variable', () => {
    const text = section('## Webhooks');
    for (const p of providers.filter((one) => one.webhook)) {
      expect(text).toContain(`\`POST /webhooks/${p.key.toLowerCase()}/{token}\` | \`${p.webhook!.tokenVariable}\``);
    }
  });

  it('describes every outcome and every applied result label of the webhook metrics', () => {
    for (const outcome of WEBHOOK_OUTCOMES) expect(metricRow('webhooks_received_total'), outcome).toContain(`\`${outcome}\``);
    for (const result of WEBHOOK_APPLIED) expect(metricRow('webhook_events_applied_total'), result).toContain(`\`${result}\``);
  });
});
