import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

// Added by federation, not by this service.
const FEDERATION_TYPES = /^(_Service|_Entity|_Any|FieldSet|link__.*|federation__.*)$/;
const FEDERATION_FIELDS = new Set(['Query._service', 'Query._entities']);
const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** What GraphiQL's docs explorer reads: the introspection the server answers. */
async function introspect(): Promise<IntrospectionQuery> {
  const res = await h.query<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true }));
  expect(res.errors).toBeUndefined();
  return res.data!;
}

it('describes every type, field, argument and enum value of its own, as GraphiQL shows them', async () => {
  const { __schema } = await introspect();
  const missing: string[] = [];
  const check = (path: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(path);
  };
  const own = __schema.types.filter((t) => !t.name.startsWith('__') && !BUILT_IN_SCALARS.has(t.name) && !FEDERATION_TYPES.test(t.name));
  for (const type of own) {
    check(type.name, type.description);
    if (type.kind === 'OBJECT' || type.kind === 'INTERFACE') {
      for (const field of type.fields) {
        if (FEDERATION_FIELDS.has(`${type.name}.${field.name}`)) continue;
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (type.kind === 'INPUT_OBJECT') for (const field of type.inputFields) check(`${type.name}.${field.name}`, field.description);
    if (type.kind === 'ENUM') for (const value of type.enumValues) check(`${type.name}.${value.name}`, value.description);
  }
  expect(missing).toEqual([]);
  // The walk reached the service's own types, so the empty list above means something.
  expect(own.map((t) => t.name)).toEqual(expect.arrayContaining(['Query', 'D7Report', 'BetatelWdr', 'MessageStatusResult', 'ProviderErrorCode', 'MessageRef', 'DateTime']));
});
