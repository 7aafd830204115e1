#!/usr/bin/env python3
"""Bytes the JVM allocated per request, exactly, from JFR's per-thread allocation counters.

usage: jfr print --json --events jdk.ThreadAllocationStatistics REC.jfr | alloc_per_request.py REQUESTS

The recording (bench/profile.sh --async makes it) has jdk.ThreadAllocationStatistics at its start and
at its end (period everyChunk): each thread's total allocated bytes, as the JVM counts them (TLAB and
outside). Per thread, the last value minus the first (0 for a thread started during the recording),
summed over every thread but the ones the measurement itself runs (Attach Listener, JFR's), divided by
REQUESTS. A thread that ended during the recording is missed.
"""
import collections
import datetime
import json
import re
import sys

TOOLING = re.compile(r"^(Attach Listener|JFR .*)$")


def epoch(iso):
    """'2026-12-03T15:22:50.242798166Z' -> seconds (float); JFR writes UTC with nanoseconds."""
    whole, _, frac = iso.rstrip("Z").partition(".")
    t = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + (float("0." + frac) if frac else 0.0)


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    requests = int(argv[1])
    per_thread = collections.defaultdict(list)
    names = {}
    for e in json.load(sys.stdin)["recording"]["events"]:
        v = e["values"]
        t = v["thread"]
        key = t.get("javaThreadId") or t.get("osThreadId")
        names[key] = t.get("javaName") or t.get("osName") or str(key)
        per_thread[key].append((epoch(v["startTime"]), v["allocated"]))
    if not per_thread:
        print("bytes allocated per request: n/a (no allocation statistics in the recording)")
        return 0
    first = min(s for vals in per_thread.values() for s, _ in vals)
    last = max(s for vals in per_thread.values() for s, _ in vals)
    if last - first < 1:
        print("bytes allocated per request: n/a (the recording has no allocation statistics at its end)")
        return 0
    by_name = collections.Counter()
    for key, vals in per_thread.items():
        if TOOLING.match(names[key]):
            continue
        vals.sort()
        # the start-of-recording values are written within a moment of each other; a thread first seen
        # later started during the recording, from 0
        start = vals[0][1] if vals[0][0] - first < 1 else 0
        by_name[re.sub(r"(?<=[-#\s])\d+\b|\d+$", "N", names[key])] += vals[-1][1] - start
    total = sum(by_name.values())
    if not requests:
        print(f"bytes allocated: {total} (no requests counted)")
        return 0
    print(f"bytes allocated per request (exact, JFR per-thread counters): {total / requests:.0f} "
          f"({total} bytes over {requests} requests, every thread but the profiler's)")
    for name, n in by_name.most_common(6):
        if n:
            print(f"  {n / requests:8.0f} B/request  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
