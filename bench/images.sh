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
# run: every variant encoded, every card drawn; `--cold 0` skips these), with a warm cache
# and nothing changed (after one untimed warm-up build), and with a warm cache after a word
# of one article changed (the rebuild a writer does after a save). The warm sets run the
# two sites by turns, a round at a time, so both see the same load. Prints each run, the
# medians, the load average before each set, and the ratios of the warm medians (images /
# no images).
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

# A set of timed builds of site $1 ($3 runs), titled $2; before each run, `$4 RUN` is run
# (`none` for nothing). Prints each run and leaves the median in $set_median.
timed_set() {
    local dir=$1 title=$2 count=$3 before=$4 times=() t i
    echo "== $title (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for i in $(seq "$count"); do
        [ "$before" = none ] || "$before" "$i"
        t=$(run "$dir")
        times+=("$t")
        echo "  $t s  $(grep -h Encoded "$work/last-stderr.txt" || echo 'nothing encoded')"
    done
    set_median=$(median "${times[@]}")
    echo "  median: $set_median s"
}
empty_cache() { rm -rf "$dir/.folio-cache" "$dir/public"; }
# Change a word in the first heading of the edited article ($1: the run number).
edit_word() { sed -i "0,/^## /s/^## \(.*\)/## \1 $1/" "$dir/content/articles/$edited_name"; }

# Warm sets of both sites by turns, one run of each per round: load that drifts while the
# sets run (neighbours on a shared machine) weighs on both alike, so the ratio is what the
# images cost, not which site happened to run in a busier minute. Prints each round and
# leaves each site's median in set_medians[site]; before each run, `$3 RUN` with $dir set
# to the site (`none` for nothing).
declare -A set_medians
paired_set() {
    local title=$1 count=$2 before=$3 i site t line
    declare -A times=()
    echo "== $title, both sites by turns (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for i in $(seq "$count"); do
        line="  round $i:"
        for site in "corpus-$n" "corpus-$n-images"; do
            dir=$work/$site
            [ "$before" = none ] || "$before" "$i"
            t=$(run "$dir")
            times[$site]+=" $t"
            line+="  $site $t s ($(grep -h Encoded "$work/last-stderr.txt" || echo 'nothing encoded'))"
        done
        echo "$line"
    done
    for site in "corpus-$n" "corpus-$n-images"; do
        # shellcheck disable=SC2086
        set_medians[$site]=$(median ${times[$site]})
        echo "  median $site: ${set_medians[$site]} s"
    done
}

# The article whose word changes: the first plain one of the corpus with images (the same
# file, with the same text, is a plain article in the corpus without).
edited_name=$(ls "$work/corpus-$n-images/content/articles" | grep '\.md$' | LC_ALL=C sort | sed -n 1p)
for site in "corpus-$n" "corpus-$n-images"; do
    dir=$work/$site
    if [ "$cold" -gt 0 ]; then
        timed_set "$dir" "$site: cold cache" "$cold" empty_cache
    fi
    run "$dir" > /dev/null
done
paired_set "warm cache, nothing changed" "$warm" none
warm_images=${set_medians[corpus-$n-images]} warm_plain=${set_medians[corpus-$n]}
paired_set "warm cache, one word of $edited_name changed" "$warm" edit_word
edit_images=${set_medians[corpus-$n-images]} edit_plain=${set_medians[corpus-$n]}
python3 -c "print(f'warm rebuild, nothing changed, images / no images: {$warm_images / $warm_plain:.2f}x')"
python3 -c "print(f'warm rebuild, one word changed, images / no images: {$edit_images / $edit_plain:.2f}x')"
