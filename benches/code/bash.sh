#!/usr/bin/env bash
# Deploy the site: build, upload, purge the CDN, roll back on failure.
set -euo pipefail

readonly BUCKET="${BUCKET:-s3://example-site}"
readonly DIST_ID="E123456789"
release="$(date -u +%Y%m%dT%H%M%SZ)"

log() { printf '%s %s\n' "$(date -u +%T)" "$*" >&2; }

rollback() {
  log "deploy failed; restoring ${previous:-nothing}"
  [[ -n "${previous:-}" ]] && aws s3 sync "s3://example-releases/${previous}" "$BUCKET" --delete --quiet
  exit 1
}
trap rollback ERR

previous=$(aws s3 ls s3://example-releases/ | awk '{print $2}' | sort | tail -n 1 | tr -d /)
log "building release $release (previous: ${previous:-none})"
folio build --output public --base-url "https://example.com/"

for dir in css js images; do
  if [ -d "public/$dir" ]; then
    aws s3 sync "public/$dir" "$BUCKET/$dir" --cache-control "max-age=31536000,immutable" --quiet
  fi
done
aws s3 sync public "$BUCKET" --delete --cache-control "max-age=300" --quiet
aws s3 sync public "s3://example-releases/$release" --quiet
count=$(find public -name '*.html' | wc -l)
aws cloudfront create-invalidation --distribution-id "$DIST_ID" --paths '/*' > /dev/null
log "deployed $count pages as $release"
