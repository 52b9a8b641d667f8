# syntax=docker/dockerfile:1
# The container runs what the npm package holds (package.json `files`), with the lockfile's
# production dependencies: build stage = `npm pack` (prepack compiles dist/), runtime stage =
# the unpacked package + `npm ci --omit=dev`. See docs/deploy.md.
# The Node.js line, named only here: 24, the maintained LTS production runs on (20 is past end
# of life); `--build-arg NODE_VERSION=26` builds on another line .ci/run tests. Debian 13
# (trixie), the current stable release, as the base.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-trixie-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# A workspace (package.json): the lockfile links @whatwg-node/promise-helpers ^1 to packages/promise-helpers.
COPY packages ./packages
# Scripts off: tsc needs none, and package.json's allowScripts denies every dependency's install
# script anyway; --ignore-scripts also holds for an npm in the image older than allowScripts.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm pack --pack-destination /tmp \
 && mkdir /package \
 && tar -xzf /tmp/message-status-graph-*.tgz -C /package --strip-components=1

FROM node:${NODE_VERSION}-trixie-slim AS runtime
# HOST explicitly: unset, sandbox mode (no credentials) would listen on loopback only, out of
# reach of a published port. Publish a sandbox container on the host's loopback only: its
# webhook tokens are public.
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /package/ ./
COPY package-lock.json ./
# The only install script among production dependencies (@apollo/protobufjs) prints a
# version warning; nothing needs compiling.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
# Code stays root-owned and read-only to the server; it writes nothing to disk (logs go to stdout).
USER node
EXPOSE 4000
# Liveness; an orchestrator should route traffic by /ready (503 while starting and stopping).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# node is PID 1 and gets SIGTERM itself (not through npm or a shell): graceful shutdown,
# SHUTDOWN_GRACE_MS, then exit 0. Give the orchestrator's stop timeout more than that.
# --max-semi-space-size=32: Node 24 lets each young-generation semi-space grow to 64 MB under load
# (Node 20: 16 MB); at 32 MB, S's peak RSS is 35-50 MB lower for at most a few % more CPU, within
# the bench's noise; 16 MB saved 30-70 MB more but cost 13-54% CPU (more frequent scavenges, on
# helper threads too). bench/RESULTS.md and docs/benchmarks.md ("Memory"). npm run bench runs the
# service with these flags.
CMD ["node", "--max-semi-space-size=32", "dist/bin.js"]
