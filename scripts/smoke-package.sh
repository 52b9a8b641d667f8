#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack` (prepack builds dist/), the tarball installed
# with production dependencies only into an empty folder, then the installed
# `message-status-graph` command started, queried over HTTP and stopped with SIGTERM, which
# must end in exit 0 after a graceful shutdown. Twice: sandbox mode through `npx` (no
# credentials), live mode through the bin itself (credentials, a provider that refuses).
# Exit 0 when every check passes; the GraphiQL page's bytes on the wire are printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
log="$work/server.log"
server_pids=()
cleanup() {
  # Only the processes this script started; a failed check must not leave a server behind.
  for pid in "${server_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "smoke-package: FAILED: $*" >&2
  [ -s "$log" ] && tail -n 20 "$log" >&2
  exit 1
}
free_port() { node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }
graphql() { curl -sS --max-time 20 -H 'content-type: application/json' -d "{\"query\":$(node -e 'console.log(JSON.stringify(process.argv[1]))' "$2")}" "$1/graphql"; }

echo "smoke-package: npm pack"
tarball=$(cd "$root" && npm pack --json --pack-destination "$work" | node -e 'console.log(JSON.parse(require("node:fs").readFileSync(0, "utf8"))[0].filename)')
mkdir "$work/app"
cd "$work/app"
echo "smoke-package: npm install --omit=dev $tarball (empty folder)"
npm install --omit=dev --no-audit --no-fund --loglevel=error "$work/$tarball"
for dev in tsx typescript vitest; do [ ! -e "node_modules/$dev" ] || fail "dev dependency $dev was installed"; done

# Starts "$@" in the background with a clean environment plus the given variables; sets
# $server (pid) and $url, and waits for /health.
start() {
  local port
  port=$(free_port)
  url="http://127.0.0.1:$port"
  env -i PATH="$PATH" HOME="$HOME" PORT="$port" HOST=127.0.0.1 LOG_FORMAT=json "$@" >"$log" 2>&1 &
  server=$!
  server_pids+=("$server")
  for _ in $(seq 1 120); do
    curl -sf --max-time 2 "$url/health" >/dev/null && return 0
    kill -0 "$server" 2>/dev/null || fail "server exited before answering /health"
    sleep 0.25
  done
  fail "no /health answer at $url within 30 s"
}

# SIGTERM to the node process (pid $1, from the log lines); the started process ($server)
# must exit 0 with the shutdown logged.
stop() {
  kill -TERM "$1"
  local rc=0
  wait "$server" || rc=$?
  [ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM, expected 0"
  grep -q '"msg":"shutdown complete"' "$log" || fail "no 'shutdown complete' line after SIGTERM"
}
node_pid() { grep -o '"pid":[0-9]*' "$log" | head -n 1 | cut -d: -f2; }

echo "smoke-package: sandbox mode, npx message-status-graph"
start PROVIDER_MODE=sandbox npx --no-install message-status-graph
grep -q 'SANDBOX MODE' "$log" || fail "no SANDBOX MODE warning"
answer=$(graphql "$url" '{ messageStatus(provider: D7, id: "f44e3f43-6d4e-4e46-becd-21993f3dcb8e") { __typename ... on D7Report { state } } }')
[ "$answer" = '{"data":{"messageStatus":{"__typename":"D7Report","state":"READ"}}}' ] || fail "sandbox answer: $answer"
headers=$(curl -sS -o /dev/null -D - -H 'accept: text/html' -H 'accept-encoding: gzip, deflate, br' "$url/graphql")
grep -qi '^content-encoding: br' <<<"$headers" || fail "GraphiQL not sent with brotli: $headers"
for encoding in identity gzip br; do
  bytes=$(curl -sS -o /dev/null -w '%{size_download}' -H 'accept: text/html' -H "accept-encoding: $encoding" "$url/graphql")
  echo "smoke-package: GraphiQL page on the wire, $encoding: $bytes bytes"
done
# npx (npm exec) does not forward SIGTERM to the command it runs: the signal goes to the node
# process, as a supervisor signalling the server would, and npx passes its exit status on.
stop "$(node_pid)"
echo "smoke-package: sandbox mode ok (query answered, exit 0 after SIGTERM)"

echo "smoke-package: live mode, node_modules/.bin/message-status-graph"
refused=$(free_port)
start D7_API_TOKEN=smoke-d7-token D7_BASE_URL="http://127.0.0.1:$refused" RETRY_MAX=0 \
  API_KEYS='smoke:smoke-key-0123456789abcdefgh:status:read' node_modules/.bin/message-status-graph
grep -q '"mode":"live"' "$log" || fail "not in live mode"
ready=$(curl -sS --max-time 5 "$url/ready")
[ "$ready" = '{"ready":true,"state":"ready"}' ] || fail "/ready: $ready"
anonymous=$(curl -sS -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d '{"query":"{ __typename }"}' "$url/graphql")
[ "$anonymous" = 401 ] || fail "anonymous request in live mode: HTTP $anonymous, expected 401"
answer=$(curl -sS --max-time 20 -H 'content-type: application/json' -H 'x-api-key: smoke-key-0123456789abcdefgh' \
  -d '{"query":"{ d7: messageStatus(provider: D7, id: \"f44e3f43-6d4e-4e46-becd-21993f3dcb8e\") { __typename ... on ProviderError { code } } betatel: messageStatus(provider: BETATEL, id: \"01JV5V54KPYK9GB29265EQRZ2P\") { __typename ... on ProviderError { code } } }"}' \
  "$url/graphql")
[ "$answer" = '{"data":{"d7":{"__typename":"ProviderError","code":"UNAVAILABLE"},"betatel":{"__typename":"ProviderError","code":"NOT_CONFIGURED"}}}' ] || fail "live answer: $answer"
stop "$server"
echo "smoke-package: live mode ok (credentials used, exit 0 after SIGTERM)"
