#!/usr/bin/env python3
"""A/B of two folio binaries on warm builds, interleaved so both see the same machine.

    python3 bench/ab.py [--title] ROUNDS OLD_BINARY OLD_SITE NEW_BINARY NEW_SITE

Each binary needs its own copy of the site (the cache's keys differ between builds of
folio), built twice beforehand. Each round builds each site with nothing changed, then
appends a word to the same article of each and builds each again; with `--title`, it then
also changes config.toml's `title` (every page shows it) and builds each again. Prints the
medians of
wall time and CPU time (user + system, from wait4), the largest peak RSS, and the ratios.
"""
import glob
import os
import random
import statistics
import subprocess
import sys
import time


def build(binary, site):
    start = time.time()
    proc = subprocess.Popen(
        [binary, "build", "--root", site, "--output", os.path.join(site, "public")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"{binary} failed on {site}")
    cpu = usage.ru_utime + usage.ru_stime
    return (time.time() - start) * 1000, cpu * 1000, usage.ru_maxrss / 1024


def retitle(site):
    path = os.path.join(site, "config.toml")
    with open(path) as f:
        lines = f.read().split("\n")
    title = 'title = "Bench %d"' % random.randint(0, 10**9)
    lines = [title if line.startswith("title =") else line for line in lines]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    args = [a for a in sys.argv[1:] if a != "--title"]
    if len(args) != 5:
        sys.exit(__doc__)
    rounds = int(args[0])
    runs = [(args[1], args[2]), (args[3], args[4])]
    cases = ("nothing changed", "one body edited")
    if len(args) < len(sys.argv) - 1:
        cases += ("title changed",)
    results = {(run, case): [] for run in runs for case in cases}
    for _ in range(rounds):
        for run in runs:
            results[(run, cases[0])].append(build(*run))
        for _, site in runs:
            articles = sorted(glob.glob(os.path.join(site, "content/articles/*.md")))
            with open(articles[len(articles) // 2], "a") as f:
                f.write(" word%d" % random.randint(0, 10**9))
        # Past the file system's time granularity, so the edit is seen.
        time.sleep(1.1)
        for run in runs:
            results[(run, cases[1])].append(build(*run))
        if len(cases) > 2:
            for _, site in runs:
                retitle(site)
            time.sleep(1.1)
            for run in runs:
                results[(run, cases[2])].append(build(*run))
    print("load", " ".join(open("/proc/loadavg").read().split()[:3]))
    for case in cases:
        medians = []
        for run in runs:
            rows = results[(run, case)]
            wall = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            rss = max(r[2] for r in rows)
            medians.append((wall, cpu))
            print(f"{case:16} {run[0]:30} wall {wall:7.0f} ms  cpu {cpu:7.0f} ms  rss {rss:5.0f} MiB")
        (ow, oc), (nw, nc) = medians
        print(f"{case:16} ratio wall {nw / ow:.3f}  cpu {nc / oc:.3f}")


main()
