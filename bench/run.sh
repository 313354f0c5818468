#!/usr/bin/env bash
# Whole-build benchmark of folio, from a fresh clone in one command:
#
#   bench/run.sh                     corpora of 1,000 and 10,000 articles, 5 timed runs each
#   bench/run.sh --sizes 100,1000    choose the corpus sizes
#   bench/run.sh --runs 3            timed runs per site (after one warm-up run)
#   bench/run.sh --quick             a 100-article corpus, 3 runs: seconds, for CI
#   bench/run.sh --watch-latency     also time `folio serve --watch` from a save to the reload
#   bench/run.sh --seed 7            another corpus (default seed 1)
#   bench/run.sh --work-dir DIR      where corpora and results go (default target/bench)
#
# It builds the release binary and the corpus generator (examples/gen_corpus/), generates
# each corpus under target/bench/ (same seed, so the same files every time), then times
# `folio build --root DIR --output DIR/public` with GNU time (`/usr/bin/time -v`, Debian
# package `time`), one warm-up run and then the timed runs, in four cases per corpus:
#   cold            --no-cache, into an emptied output folder (nothing to reuse);
#   warm, nothing   the cache and the output of the run before, no change;
#   warm, one body  the same, after a line is appended to one article;
#   warm, title     the same, after config.toml's title changed (every page renders again).
# Social cards are turned off in the corpora (bench/images.sh measures them). The example
# site (the repository root) is built cold. The result is a Markdown table: wall
# time (median, min, max), CPU time, peak RSS and pages per second, and the load average
# before each case. docs/performance.md has the figures and how to read them.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

sizes=1000,10000
runs=5
seed=1
quick=0
watch=0
work=$repo/target/bench
sizes_given=0
runs_given=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; sizes_given=1; shift 2 ;;
        --runs) runs=$2; runs_given=1; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --quick) quick=1; shift ;;
        --watch-latency) watch=1; shift ;;
        --work-dir) work=$(realpath -m "$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument \`$1\`" >&2; usage >&2; exit 2 ;;
    esac
done
if [ "$quick" = 1 ]; then
    [ "$sizes_given" = 1 ] || sizes=100
    [ "$runs_given" = 1 ] || runs=3
fi

if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "bench/run.sh: GNU time is needed at /usr/bin/time (for peak memory and CPU time)." >&2
    echo "  install it with: apt-get install -y time" >&2
    exit 1
fi
command -v python3 >/dev/null || { echo "bench/run.sh: python3 is needed" >&2; exit 1; }

echo "== Building folio and the corpus generator (release)"
cargo build --release --quiet --bin folio --example gen_corpus
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
folio=$target_dir/release/folio
gen=$target_dir/release/examples/gen_corpus

mkdir -p "$work"
results=$work/results.jsonl
: > "$results"

echo "== Machine"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "  $(nproc) cores, ${cpu:-unknown CPU}, $mem RAM, $(uname -sr), load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "  folio $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"

echo "== Timing builds (1 warm-up + $runs runs each)"
largest=""
for n in ${sizes//,/ }; do
    dir=$work/corpus-$n
    "$gen" -n "$n" --seed "$seed" --out "$dir" | sed 's/^/  /'
    rm -rf "$dir/public" "$dir/.folio-cache"
    # Social cards off: drawing 10,000 of them (≈10 ms of CPU each) would be most of a cold
    # build. bench/images.sh measures cards and images.
    grep -q '^\[cards\]' "$dir/config.toml" || printf '\n[cards]\nenabled = false\n' >> "$dir/config.toml"
    build=("$folio" build --root "$dir" --output "$dir/public")
    python3 bench/measure.py build --label "$n articles" --runs "$runs" --results "$results" \
        --clean "$dir/public" -- "${build[@]}" --no-cache
    python3 bench/measure.py build --label "$n, warm: nothing changed" --runs "$runs" \
        --results "$results" -- "${build[@]}"
    # `sed -n 1p` reads to the end: `head` would close the pipe early and, under pipefail,
    # `sort`'s SIGPIPE would fail the script (exit 141) on a large enough list.
    edited=$(find "$dir/content/articles" -name '*.md' | LC_ALL=C sort | sed -n 1p)
    python3 bench/measure.py build --label "$n, warm: one body edited" --runs "$runs" \
        --results "$results" --before "echo 'Edited at '\$(date +%s%N). >> '$edited'" \
        -- "${build[@]}"
    python3 bench/measure.py build --label "$n, warm: title changed" --runs "$runs" \
        --results "$results" \
        --before "sed -i \"s/^title = .*/title = \\\"Notes \$(date +%s%N)\\\"/\" '$dir/config.toml'" \
        -- "${build[@]}"
    largest=$dir
done
python3 bench/measure.py build --label "example site" --runs "$runs" \
    --results "$results" --clean "$work/example-public" \
    -- "$folio" build --root "$repo" --output "$work/example-public"

echo
python3 bench/measure.py table "$results" | tee "$work/results.md"
echo
echo "(table saved to ${work#"$repo"/}/results.md)"

# Watch-mode edit latency: the time from saving an article to the `event: reload` line on
# the live-reload stream. Needs `folio serve --watch`; skipped (and said so) without it.
if [ "$watch" = 1 ]; then
    echo
    echo "== Watch-mode edit latency (${largest#"$work"/})"
    python3 bench/measure.py watch --folio "$folio" --root "$largest" --log "$work/serve.log"
fi
