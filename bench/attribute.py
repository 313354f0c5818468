#!/usr/bin/env python3
"""Where a folio build spends its CPU time, from `perf script` output (standard library only).

  perf record -F 199 -g --call-graph dwarf,16384 -o perf.data folio build ...
  perf script -i perf.data > perf.txt
  python3 bench/attribute.py perf.txt

Each sample is charged to the innermost frame on its stack that matches one of STEPS (the
first match from the leaf up), so truncated stacks still land in the right step.
"""

import collections
import re
import sys

# (step, pattern on a frame's symbol); the first step whose pattern matches the innermost
# matching frame wins, so the more specific steps come first.
STEPS = [
    ("highlighting: compiling grammar regexes", r"syntect::parsing::regex::regex_impl::Regex::new|onig_new"),
    ("highlighting: loading the syntax set", r"syntect::dumps|bincode|two_face"),
    ("highlighting: tokenizing and spans", r"folio::markdown::highlight::|syntect::"),
    ("markdown (pulldown-cmark and folio's pass)", r"folio::markdown::|pulldown_cmark"),
    ("Tera: DeadlineWriter", r"DeadlineWriter"),
    ("Tera: rendering and contexts", r"tera::|folio::render::Model::render|folio::render::context"),
    ("writing pages (Staging::write)", r"folio::output::Staging::write"),
    ("removing the previous output (Staging::commit)", r"folio::output::Staging::commit|remove_dir_all"),
    ("copying static files", r"Staging::copy"),
    ("More articles: word counts", r"folio::related::term_counts|folio::related::words|folio::related::word_key"),
    ("More articles: index and picks", r"folio::related::"),
    ("loading: front matter", r"front_matter::"),
    ("loading: walking and reading files", r"folio::content::"),
    ("model (build_site, Model::new)", r"folio::site::|folio::render::Model::new"),
    ("search index (words, stems, shards, records)", r"folio::search::|rust_stemmers"),
    ("feeds, sitemap", r"folio::render::feeds|sitemap"),
]


def samples(path):
    """Each sample's frames (symbols), innermost first."""
    frames = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                if frames:
                    yield frames
                frames = []
            elif line[0] in " \t":
                parts = line.strip().split(" ", 1)
                if len(parts) == 2:
                    frames.append(parts[1])
            else:
                frames = []  # a sample's header line
    if frames:
        yield frames


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    steps = [(name, re.compile(pattern)) for name, pattern in STEPS]
    counts = collections.Counter()
    total = 0
    for frames in samples(sys.argv[1]):
        total += 1
        step = "other"
        for frame in frames:
            step = next((name for name, p in steps if p.search(frame)), None)
            if step:
                break
        counts[step or "other"] += 1
    print(f"{total} samples")
    for name, _ in STEPS + [("other", None)]:
        if counts[name]:
            print(f"{100 * counts[name] / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
