#!/usr/bin/env bash
# Prints the absolute path of a Node.js binary of one release line (a major version such as
# 24), installing it from the npm registry when missing: the node-<platform>-<arch> package
# (the official binary, no install script) into .ci/node/<line>/, which git ignores; reused
# when present. Used by .ci/run for its extra test runs and by `npm run bench -- --node`.
# Progress goes to stderr, so `node24=$(scripts/node-line.sh 24)` captures the path alone.
set -euo pipefail
line=${1:-}
[[ $line =~ ^[0-9]+$ ]] || { echo "usage: scripts/node-line.sh LINE (a Node.js major version, e.g. 24)" >&2; exit 2; }
cd "$(dirname "$0")/.."
pkg=$(node -p '`node-${process.platform}-${process.arch}`')
dir=.ci/node/$line
bin=$dir/node_modules/$pkg/bin/node
if [ ! -x "$bin" ]; then
  echo "node-line: installing $pkg@$line into $dir" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$pkg@$line" >&2
fi
version=$("$bin" --version)
# A partial or foreign install must not pass for this line.
[[ $version == "v$line."* ]] || { echo "node-line: $bin is Node $version, not $line.x" >&2; exit 1; }
echo "$PWD/$bin"
