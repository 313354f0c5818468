#!/usr/bin/env bash
# Build times with images and social cards, for docs/performance.md:
#
#   bench/images.sh                  1,000 articles, 3 cold and 5 warm runs per site
#   bench/images.sh --n 200          another corpus size
#   bench/images.sh --cold 2 --warm 3
#
# Generates two corpora with the same seed under target/bench/: `corpus-N` (no images) and
# `corpus-N-images` (`gen_corpus --images`: every fourth article a folder article with a
# 1600x900 screenshot PNG, every eighth also a photo JPEG). For each, times
# `folio build` with an empty cache (`.folio-cache/` and the output removed before each
# run: every variant encoded, every card drawn) and with a warm cache (the rebuild a writer
# does after changing a word). Prints each run, the medians, the load average before each
# set, and the ratio of the warm medians (images / no images).
set -euo pipefail
cd "$(dirname "$0")/.."

n=1000
cold=3
warm=5
while [ $# -gt 0 ]; do
    case "$1" in
        --n) n=$2; shift 2 ;;
        --cold) cold=$2; shift 2 ;;
        --warm) warm=$2; shift 2 ;;
        *) echo "bench/images.sh: unknown argument \`$1\`" >&2; exit 2 ;;
    esac
done

cargo build --release --quiet --bin folio --example gen_corpus
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
folio=$target_dir/release/folio
gen=$target_dir/release/examples/gen_corpus
work=$target_dir/bench
mkdir -p "$work"

"$gen" -n "$n" --seed 1 --out "$work/corpus-$n" | sed 's/^/  /'
"$gen" -n "$n" --seed 1 --out "$work/corpus-$n-images" --images | sed 's/^/  /'
echo "  images: $(find "$work/corpus-$n-images/content" -name '*.png' -o -name '*.jpg' | wc -l) files, $(du -sh --apparent-size "$work/corpus-$n-images/content" | cut -f1) of content"

# One timed build of site $1: prints wall seconds.
run() {
    local start end
    start=$(date +%s.%N)
    "$folio" build --root "$1" --output "$1/public" > /dev/null 2> "$work/last-stderr.txt"
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.3f}')"
}

median() { python3 -c 'import statistics,sys; print(f"{statistics.median(map(float, sys.argv[1:])):.3f}")' "$@"; }

declare -A warm_median
for site in "corpus-$n" "corpus-$n-images"; do
    dir=$work/$site
    echo "== $site: cold cache (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    times=()
    for _ in $(seq "$cold"); do
        rm -rf "$dir/.folio-cache" "$dir/public"
        t=$(run "$dir")
        times+=("$t")
        echo "  $t s  $(grep -h Encoded "$work/last-stderr.txt" || true)"
    done
    echo "  median cold: $(median "${times[@]}") s"
    echo "== $site: warm cache (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    times=()
    for _ in $(seq "$warm"); do
        t=$(run "$dir")
        times+=("$t")
        echo "  $t s  $(grep -h Encoded "$work/last-stderr.txt" || echo 'nothing encoded')"
    done
    warm_median[$site]=$(median "${times[@]}")
    echo "  median warm: ${warm_median[$site]} s"
done
python3 -c "print(f'warm rebuild, images / no images: {${warm_median[corpus-$n-images]} / ${warm_median[corpus-$n]}:.2f}x')"
