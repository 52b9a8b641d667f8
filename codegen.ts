import type { CodegenConfig } from '@graphql-codegen/cli';

const typedDocuments = {
  emitLegacyCommonJSImports: false,
  enumsAsTypes: true,
  useTypeImports: true,
  scalars: { DateTime: 'string' },
};

/**
 * Typed documents (TypedDocumentNode) for the project's own operations: for the tests and
 * GraphiQL tabs, and for the example frontend, whose output also holds the persisted
 * documents manifest (sha256 → document) that the server trusts.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: typedDocuments,
    },
    'examples/typed-client/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: typedDocuments,
    },
  },
};

export default config;
