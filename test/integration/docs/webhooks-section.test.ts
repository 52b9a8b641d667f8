import { describe, expect, it } from 'vitest';
import { REFUSAL_STATUS } from '../../../src/webhooks/use-webhook-endpoints.js';
import { WEBHOOK_APPLIED, WEBHOOK_OUTCOMES } from '../../../src/webhooks/metrics.js';
import { providers } from '../../../src/providers/registry.js';
import { readDoc, section } from '../../helpers/docs.js';

const webhooks = () => section('docs/subscriptions-and-webhooks.md', '## Webhooks');
const metricRow = (name: string) =>
  readDoc('docs/operations.md')
    .split('\n')
    .find((line) => line.startsWith(`| \`${name}\` |`)) ?? '';

describe('the "Webhooks" section of docs/subscriptions-and-webhooks.md matches the endpoints', () => {
  it('lists every answer code the endpoint gives, and no other', () => {
    const codes = [...webhooks().matchAll(/^\| `(\d{3})` \|/gm)].map((m) => Number(m[1]));
    expect(codes.sort()).toEqual([...new Set([...Object.values(REFUSAL_STATUS), 202])].sort());
  });

  it('names each provider endpoint with its token variable', () => {
    const text = webhooks();
    for (const p of providers.filter((one) => one.webhook)) {
      expect(text).toContain(`\`POST /webhooks/${p.key.toLowerCase()}/{token}\` | \`${p.webhook!.tokenVariable}\``);
    }
  });

  it('describes every outcome and every applied result label of the webhook metrics', () => {
    for (const outcome of WEBHOOK_OUTCOMES) expect(metricRow('webhooks_received_total'), outcome).toContain(`\`${outcome}\``);
    for (const result of WEBHOOK_APPLIED) expect(metricRow('webhook_events_applied_total'), result).toContain(`\`${result}\``);
  });
});
