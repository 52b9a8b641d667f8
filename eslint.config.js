import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { layerZones } from './lint/layers.js';
import importCircles from './lint/no-import-circle.js';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'coverage', 'reports', 'operations/generated', 'bench/out'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  { files: ['scripts/**', 'bench/**'], rules: { 'no-console': 'off' } },
  // packages/promise-helpers is CommonJS at its core (index.cjs; index.js is its ES module face).
  { files: ['packages/**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  // The layers of src/ and no import circle among its files, type imports included (docs/architecture.md).
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX, local: importCircles },
    settings: {
      // `./x.js` in an import names x.ts (NodeNext); resolved as Node does, with that alias.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'local/no-import-circle': ['error', { root: 'src' }],
    },
  },
);
