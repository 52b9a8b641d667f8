import type { CodegenConfig } from '@graphql-codegen/cli';

const typedDocuments = {
  emitLegacyCommonJSImports: false,
  enumsAsTypes: true,
  useTypeImports: true,
  scalars: { DateTime: 'string' },
};

/**
 * Typed documents (TypedDocumentNode) for the project's own operations, written once beside
 * them: the tests and the example frontend import them, and the output's persisted documents
 * manifest (sha256 → document) is the one the server trusts by default. The package ships
 * the manifest only (package.json `files`), not the TypeScript.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'operations/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: typedDocuments,
    },
  },
};

export default config;
