#!/usr/bin/env bash
# Packs test/e2e/gpu-training.test.ts for a GPU machine that has no Node.js: one bundled test
# file, the Node.js binary (xz), and the one native module it loads (better-sqlite3). There, run
# `bash <folder>/run.sh`. Usage: .ci/gpu-bundle.sh [folder, default .gpu]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.gpu}
rm -rf "$out"
mkdir -p "$out/node_modules"
npx esbuild test/e2e/gpu-training.test.ts --bundle --platform=node --format=esm --log-level=warning \
  --outfile="$out/gpu-training.test.mjs" \
  --external:better-sqlite3 --external:onnxruntime-node --external:cpu-features --external:'*.node' \
  --banner:js="import { createRequire } from 'node:module'; import { fileURLToPath as __toPath } from 'node:url'; const require = createRequire(import.meta.url); const __filename = __toPath(import.meta.url); const __dirname = __filename.replace(/[/][^/]*$/, '');"
# tsx only has to resolve: built-in algorithm commands name it (none runs here).
cp -r node_modules/bindings node_modules/file-uri-to-path node_modules/tsx "$out/node_modules/"
mkdir -p "$out/node_modules/better-sqlite3"
(cd node_modules/better-sqlite3 && cp -r --parents package.json lib build/Release/better_sqlite3.node \
  "../../$out/node_modules/better-sqlite3/")
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" >"$out/node.xz"
cat >"$out/run.sh" <<'RUN'
set -e
cd "$(dirname "$0")"
xz -dc node.xz >/tmp/slipway-node && chmod +x /tmp/slipway-node
exec /tmp/slipway-node --test --test-reporter=spec gpu-training.test.mjs
RUN
du -sh "$out"
