#!/usr/bin/env python3
"""A/B of two folio binaries on warm builds, interleaved so both see the same machine.

    python3 bench/ab.py ROUNDS OLD_BINARY OLD_SITE NEW_BINARY NEW_SITE

Each binary needs its own copy of the site (the cache's keys differ between builds of
folio), built twice beforehand. Each round builds each site with nothing changed, then
appends a word to the same article of each and builds each again. Prints the medians of
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


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    runs = [(sys.argv[2], sys.argv[3]), (sys.argv[4], sys.argv[5])]
    cases = ("nothing changed", "one body edited")
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
