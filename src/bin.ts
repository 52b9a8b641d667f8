#!/usr/bin/env node
/**
 * The `message-status-graph` command (package.json `bin`): this file is the node process
 * itself, not a wrapper spawning a child, so SIGTERM from a supervisor or a container
 * reaches main.ts's graceful shutdown directly. Compiled to dist/bin.js; tsc keeps the
 * shebang line.
 */
import './main.js';
