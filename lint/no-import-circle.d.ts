import type { ESLint } from 'eslint';

/** The local plugin of no-import-circle.js: `{ rules: { 'no-import-circle' } }`. */
declare const plugin: ESLint.Plugin;
export default plugin;
