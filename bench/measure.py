#!/usr/bin/env python3
"""Measuring helper for bench/run.sh (standard library only).

  measure.py build --label L --runs N --results FILE [--clean DIR] [--before SH] -- CMD...
      one warm-up run, then N timed runs of CMD under GNU `/usr/bin/time -v`. With --clean,
      DIR (the build's output folder) is removed before every run: a cold build into an
      empty folder. With --before, the shell command SH runs (untimed) before every run,
      e.g. to edit an article. Appends one JSON line per label to FILE.
  measure.py table FILE
      prints the Markdown table of FILE, and the growth between consecutive corpus sizes.
  measure.py watch --folio BIN --root DIR [--edits N]
      watch-mode edit latency: starts `BIN serve --watch`, listens to its server-sent events
      and times each appended line from the write to the `event: reload` line (one untimed
      edit first, so a watcher still setting up does not count).
"""

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SUMMARY = re.compile(r"Built (\d+) articles?, (\d+) pages? in (\d+) ms")


def parse_time_v(text):
    """The fields we use from GNU time's -v report."""
    fields = {}
    for line in text.splitlines():
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    return {
        "user_s": float(fields["User time (seconds)"]),
        "sys_s": float(fields["System time (seconds)"]),
        "max_rss_kb": int(fields["Maximum resident set size (kbytes)"]),
        "time_wall": fields.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", ""),
    }


def run_once(cmd, clean, before=None):
    if clean:
        shutil.rmtree(clean, ignore_errors=True)
    if before:
        subprocess.run(before, shell=True, check=True)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-v", "-o", report.name, *cmd],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            sys.exit(f"measure.py: `{' '.join(cmd)}` failed with exit code {proc.returncode}")
        sample = parse_time_v(report.read())
    found = SUMMARY.search(proc.stdout + proc.stderr)
    if not found:
        sys.exit(f"measure.py: no `Built N articles, M pages in X ms` line in:\n{proc.stdout}")
    sample.update(
        wall_s=wall,
        articles=int(found.group(1)),
        pages=int(found.group(2)),
        reported_ms=int(found.group(3)),
    )
    return sample


def cmd_build(args):
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    with open("/proc/loadavg", encoding="utf-8") as f:
        load_before = float(f.read().split()[0])
    print(f"  {args.label}: warm-up", end="", flush=True)
    run_once(cmd, args.clean, args.before)
    samples = []
    for n in range(args.runs):
        samples.append(run_once(cmd, args.clean, args.before))
        print(f", run {n + 1} {samples[-1]['wall_s'] * 1000:.0f} ms", end="", flush=True)
    print()
    with open(args.results, "a", encoding="utf-8") as out:
        record = {"label": args.label, "cmd": cmd, "load_before": load_before, "samples": samples}
        out.write(json.dumps(record) + "\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fmt_s(seconds):
    return f"{seconds:.3f} s"


def cmd_table(args):
    rows = load(args.results)
    print("| site | articles | pages | runs | wall median | wall min | wall max "
          "| CPU user+sys (median) | CPU/wall | peak RSS (max) | pages/s (median wall) |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        s = r["samples"]
        walls = [x["wall_s"] for x in s]
        cpu = statistics.median(x["user_s"] + x["sys_s"] for x in s)
        wall = statistics.median(walls)
        rss = max(x["max_rss_kb"] for x in s) / 1024
        pages = s[0]["pages"]
        print(
            f"| {r['label']} | {s[0]['articles']:,} | {pages:,} | {len(s)} | {fmt_s(wall)} "
            f"| {fmt_s(min(walls))} | {fmt_s(max(walls))} | {fmt_s(cpu)} | {cpu / wall:.2f} "
            f"| {rss:.1f} MiB | {pages / wall:,.0f} |"
        )
    loads = ", ".join(f"{r['label']} {r.get('load_before', float('nan')):.2f}" for r in rows)
    print(f"\nLoad average (1 min) before each set: {loads}.")
    sized = [r for r in rows if r.get("label", "").endswith(" articles")]
    for a, b in zip(sized, sized[1:]):
        def median_of(r, key):
            return statistics.median(x[key] for x in r["samples"])

        na, nb = a["samples"][0]["articles"], b["samples"][0]["articles"]
        wall = median_of(b, "wall_s") / median_of(a, "wall_s")
        rss = max(x["max_rss_kb"] for x in b["samples"]) / max(x["max_rss_kb"] for x in a["samples"])
        cpu = median_of(b, "user_s") + median_of(b, "sys_s")
        cpu /= median_of(a, "user_s") + median_of(a, "sys_s")
        print(f"\nGrowth {na:,} → {nb:,} articles (×{nb / na:g}): wall ×{wall:.2f}, "
              f"CPU ×{cpu:.2f}, peak RSS ×{rss:.2f}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_available(folio):
    """`folio serve --watch` exists when its help names the flag."""
    try:
        proc = subprocess.run([folio, "serve", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and "--watch" in proc.stdout


def wait_for_http(port, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answered: the first build is done
        except OSError:
            time.sleep(0.2)
    return False


def listen_events(port, events, ready):
    """Put (time, line) for every `event:` line of the SSE stream into `events`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/__folio/events", headers={"Accept": "text/event-stream"})
    resp = conn.getresponse()
    ready.set()
    while True:
        line = resp.fp.readline()
        if not line:
            return
        if line.startswith(b"event:"):
            events.put((time.perf_counter(), line.decode().strip()))


def cmd_watch(args):
    if not serve_available(args.folio):
        print("watch latency: not available (folio serve not built)")
        return
    port = free_port()
    articles = os.path.join(args.root, "content", "articles")
    # The first edit only primes the watcher (it may still be setting up); it is not counted.
    names = sorted(n for n in os.listdir(articles) if n.endswith(".md"))[: args.edits + 1]
    originals = {}
    # The log goes outside the site, where the watcher cannot see it change.
    log = open(args.log or os.devnull, "w", encoding="utf-8")
    server = subprocess.Popen(
        [args.folio, "serve", "--watch", "--port", str(port), "--root", args.root],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    latencies = []
    try:
        if not wait_for_http(port, time.monotonic() + args.startup_timeout):
            print(f"watch latency: the server did not answer within {args.startup_timeout} s")
            return
        events, ready = queue.Queue(), threading.Event()
        threading.Thread(target=listen_events, args=(port, events, ready), daemon=True).start()
        if not ready.wait(30):
            print("watch latency: no answer from /__folio/events")
            return
        time.sleep(1.0)  # let the watcher settle before the first edit
        for n, name in enumerate(names):
            path = os.path.join(articles, name)
            with open(path, encoding="utf-8") as f:
                originals[path] = f.read()
            while not events.empty():
                events.get_nowait()
            started = time.perf_counter()
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\nA line appended by the watch-latency benchmark, edit {n}.\n")
            try:
                while True:
                    at, line = events.get(timeout=args.event_timeout)
                    if line == "event: reload":
                        if n > 0:
                            latencies.append(at - started)
                        else:
                            print(f"  untimed first edit: reload after {(at - started) * 1000:.0f} ms")
                        break
            except queue.Empty:
                print(f"  edit {n}: no `event: reload` within {args.event_timeout} s")
            time.sleep(args.pause)
    finally:
        for path, text in originals.items():
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    if latencies:
        ms = [x * 1000 for x in latencies]
        print(f"watch latency ({len(ms)} edits, {args.root}): median {statistics.median(ms):.0f} ms, "
              f"min {min(ms):.0f} ms, max {max(ms):.0f} ms; each: {', '.join(f'{x:.0f}' for x in ms)} ms")
    else:
        print("watch latency: no reload event was seen")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--label", required=True)
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--results", required=True)
    b.add_argument("--clean", help="output folder to remove before every run")
    b.add_argument("--before", help="shell command to run (untimed) before every run")
    b.add_argument("cmd", nargs=argparse.REMAINDER)
    t = sub.add_parser("table")
    t.add_argument("results")
    w = sub.add_parser("watch")
    w.add_argument("--folio", required=True)
    w.add_argument("--root", required=True)
    w.add_argument("--edits", type=int, default=7, help="timed edits (after one untimed)")
    w.add_argument("--log", help="file for the server's output (default: discarded)")
    w.add_argument("--pause", type=float, default=0.5, help="seconds between edits")
    w.add_argument("--event-timeout", type=float, default=60)
    w.add_argument("--startup-timeout", type=float, default=180)
    args = p.parse_args()
    {"build": cmd_build, "table": cmd_table, "watch": cmd_watch}[args.command](args)


if __name__ == "__main__":
    main()
