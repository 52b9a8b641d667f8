import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import importCircles from '../../../lint/no-import-circle.js';

// The lint rules that hold src/ in layers (docs/architecture.md): they must fire, not only pass.

const root = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway project: tsconfig.json as ours resolves modules, and the given files under src/. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-circle-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'src', name)), { recursive: true });
    writeFileSync(path.join(dir, 'src', name), text);
  }
  return dir;
}

/** The circle rule's messages per file (relative to src/), with only that rule on. */
async function circles(dir: string): Promise<Record<string, string[]>> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { local: importCircles },
        rules: { 'local/no-import-circle': ['error', { root: 'src' }] },
      },
    ],
  });
  const results = await eslint.lintFiles(['src/**/*.ts']);
  return Object.fromEntries(results.filter((r) => r.messages.length > 0).map((r) => [path.relative(path.join(dir, 'src'), r.filePath), r.messages.map((m) => m.message)]));
}

describe('no-import-circle (lint/no-import-circle.js)', () => {
  it('reports a circle closed by type-only imports, on both files, naming the way round', async () => {
    const dir = project({
      'a.ts': "import type { B } from './b.js';\nexport interface A { b: B }\n",
      'b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
      'c.ts': "import type { A } from './a.js';\nexport type C = A;\n",
    });
    expect(await circles(dir)).toEqual({
      'a.ts': ['This import closes an import circle (type imports count): a.ts → b.ts → a.ts'],
      'b.ts': ['This import closes an import circle (type imports count): b.ts → a.ts → b.ts'],
    });
  });

  it('follows re-exports, inline type specifiers and folders, and reports the shortest way back', async () => {
    const dir = project({
      'providers/contract.ts': "import { type Kit } from '../graphql/kit.js';\nexport type Contract = Kit;\n",
      'graphql/kit.ts': "export * from './builder.js';\nexport type Kit = 1;\n",
      'graphql/builder.ts': "import type { Contract } from '../providers/contract.js';\nexport const builder = (c: Contract) => c;\n",
    });
    expect(await circles(dir)).toEqual({
      'providers/contract.ts': ['This import closes an import circle (type imports count): providers/contract.ts → graphql/kit.ts → graphql/builder.ts → providers/contract.ts'],
      'graphql/kit.ts': ['This import closes an import circle (type imports count): graphql/kit.ts → graphql/builder.ts → providers/contract.ts → graphql/kit.ts'],
      'graphql/builder.ts': ['This import closes an import circle (type imports count): graphql/builder.ts → providers/contract.ts → graphql/kit.ts → graphql/builder.ts'],
    });
  });

  it('passes layers that only import downwards, however they import', async () => {
    const dir = project({
      'domain/record.ts': 'export interface Record { id: string }\n',
      'context.ts': "import type { Record } from './domain/record.js';\nexport interface Context { load(id: string): Promise<Record> }\n",
      'lookup/loader.ts': "import type { Context } from '../context.js';\nimport type { Record } from '../domain/record.js';\nexport const load: Context['load'] = async (id) => ({ id }) as Record;\n",
      'app.ts': "export { load } from './lookup/loader.js';\nexport const later = () => import('./lookup/loader.js');\n",
    });
    expect(await circles(dir)).toEqual({});
  });
});

describe('the layer zones of eslint.config.js (lint/layers.js)', () => {
  const eslint = new ESLint({ cwd: root });
  /** Messages of import-x/no-restricted-paths for `code` as if it were the file `file` of this repository. */
  async function zoneErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
  }

  it.each([
    ['src/domain/example.ts', "import type { ProviderModule } from '../providers/provider.js';\nexport type X = ProviderModule;\n"],
    ['src/providers/example/client.ts', "import type { StatusService } from '../../lookup/status-service.js';\nexport type X = StatusService;\n"],
    ['src/providers/example/graphql.ts', "import { builder } from '../../graphql/builder.js';\nexport const x = builder;\n"],
    ['src/lookup/example.ts', "import { providers } from '../providers/registry.js';\nexport const x = providers;\n"],
    ['src/graphql/example.ts', "import type { StatusService } from '../lookup/status-service.js';\nexport type X = StatusService;\n"],
    ['src/graphql/example.ts', "import type { WatcherRegistry } from '../subscriptions/watchers.js';\nexport type X = WatcherRegistry;\n"],
    ['src/graphql/example.ts', "import { MAX_WEBHOOK_BODY_BYTES } from '../webhooks/index.js';\nexport const x = MAX_WEBHOOK_BODY_BYTES;\n"],
    ['src/webhooks/example.ts', "import { builder } from '../graphql/builder.js';\nexport const x = builder;\n"],
    ['src/subscriptions/example.ts', "import { builder } from '../graphql/builder.js';\nexport const x = builder;\n"],
    ['src/webhooks/example.ts', "import type { WatcherRegistry } from '../subscriptions/watchers.js';\nexport type X = WatcherRegistry;\n"],
    ['src/subscriptions/example.ts', "import type { StatusEvents } from '../webhooks/status-events.js';\nexport type X = StatusEvents;\n"],
    ['src/shared-state/example.ts', "import type { Config } from '../config.js';\nexport type X = Config;\n"],
    ['src/context.ts', "import type { StatusService } from './lookup/status-service.js';\nexport type X = StatusService;\n"],
  ])('refuses %s importing upwards (type imports count)', async (file, code) => {
    expect(await zoneErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['src/providers/example/graphql.ts', "import type { GraphQLKit } from '../graphql-kit.js';\nimport type { MessageStatusRecord } from '../../domain/message-status.js';\nexport type X = [GraphQLKit, MessageStatusRecord];\n"],
    ['src/lookup/example.ts', "import type { ProviderClient } from '../providers/provider.js';\nexport type X = ProviderClient;\n"],
    ['src/graphql/example.ts', "import { SubscriptionRefused } from '../subscriptions/subscription-requests.js';\nimport type { GraphQLContext } from '../context.js';\nexport type X = [SubscriptionRefused, GraphQLContext];\n"],
    ['src/webhooks/example.ts', "import type { StatusService } from '../lookup/status-service.js';\nexport type X = StatusService;\n"],
    ['src/subscriptions/example.ts', "import type { StatusService } from '../lookup/status-service.js';\nexport type X = StatusService;\n"],
  ])('lets %s import downwards', async (file, code) => {
    expect(await zoneErrors(file, code)).toEqual([]);
  });
});
