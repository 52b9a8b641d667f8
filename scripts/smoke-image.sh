#!/usr/bin/env bash
# The container image: build it, check it runs the Node.js line the Dockerfile names, run it
# (sandbox mode, no credentials), wait for /health, query it, stop it (SIGTERM to node,
# PID 1) and expect exit code 0. Needs a running container engine; .ci/run calls this only
# when `docker info` succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."
image=message-status-graph:ci
name="message-status-graph-ci-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
fail() {
  echo "smoke-image: FAILED: $*" >&2
  docker logs "$name" 2>&1 | tail -n 20 >&2 || true
  exit 1
}

docker build -t "$image" .
node_line=$(sed -n 's/^ARG NODE_VERSION=//p' Dockerfile)
runtime=$(docker run --rm "$image" node --version)
case "$runtime" in "v$node_line".*) ;; *) fail "image runs Node $runtime, the Dockerfile names $node_line" ;; esac
# HOST=0.0.0.0 as the image sets it (sandbox mode would otherwise listen on loopback only),
# published on the host's loopback: the sandbox's webhook tokens are public.
docker run -d --name "$name" -p 127.0.0.1::4000 -e HOST=0.0.0.0 -e LOG_FORMAT=json "$image" >/dev/null
[ "$(docker inspect -f '{{.Config.User}}' "$image")" = node ] || fail "image does not run as the node user"
url="http://$(docker port "$name" 4000/tcp | head -n 1)"
for _ in $(seq 1 120); do
  curl -sf --max-time 2 "$url/health" >/dev/null && break
  [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || fail "container exited before answering /health"
  sleep 0.25
done
answer=$(curl -sS --max-time 20 -H 'content-type: application/json' \
  -d '{"query":"{ messageStatus(provider: D7, id: \"f44e3f43-6d4e-4e46-becd-21993f3dcb8e\") { __typename } }"}' "$url/graphql")
[ "$answer" = '{"data":{"messageStatus":{"__typename":"D7Report"}}}' ] || fail "answer: $answer"
docker stop -t 20 "$name" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || fail "exit code $code after docker stop (SIGTERM), expected 0"
docker logs "$name" 2>&1 | grep -q '"msg":"shutdown complete"' || fail "no 'shutdown complete' line"
echo "smoke-image: ok (Node $runtime; $(docker image inspect -f '{{.Size}}' "$image") bytes; query answered; exit 0 after SIGTERM)"
