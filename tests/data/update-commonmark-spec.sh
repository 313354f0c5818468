#!/usr/bin/env bash
# Re-extract the CommonMark spec examples from the npm package `commonmark-spec`.
set -euo pipefail
version=${1:-0.31.2}
dir=$(mktemp -d)
(cd "$dir" && npm pack "commonmark-spec@$version" >/dev/null && tar xzf commonmark-spec-*.tgz)
node -e '
const s = require(process.argv[1] + "/package/index.js");
const out = s.tests.map(t => ({ number: t.number, section: t.section, markdown: t.markdown }));
require("fs").writeFileSync(process.argv[2], JSON.stringify(out));
' "$dir" "$(dirname "$0")/commonmark-spec-$version.json"
rm -rf "$dir"
