#!/usr/bin/env python3
"""Summary of an async-profiler collapsed-stacks file, as bench/profile.sh --async writes it.

usage: collapsed_hot.py cpu|wall|alloc FILE [REQUESTS] [INTERVAL_NS]

The file must be recorded with the `threads` and `ann` options: each line is
`[thread tid=N];frame;...;frame COUNT`, Java frames end in _[j] (compiled), _[i] (inlined), _[0]
(interpreted) or _[1] (C1), kernel frames in _[k]. For cpu and wall, COUNT is samples; for alloc
(recorded with `total`) it is bytes, estimated from the sampled allocations.

cpu/wall: samples by thread; user-space against kernel share (a sample is kernel time when its top
frame is a kernel frame); the hottest frames by self time, user-space and kernel apart; kernel time by
the user-space frame that entered the kernel (the system call's caller); Gatehouse, Undertow and XNIO
frames by inclusive time. With REQUESTS and INTERVAL_NS (cpu): CPU µs per request seen by the profiler.
alloc: bytes by thread, by allocated class, by allocation site (class and the frame that allocated it),
and Gatehouse, Undertow and XNIO frames by inclusive bytes.
"""
import collections
import re
import sys

TOP = 25
ANN = re.compile(r"_\[([a-z0-9]+)\]$")
OURS = ("io.gatehouse.", "io.undertow.", "org.xnio.")


def frame_name(raw):
    """(display name, annotation or None)"""
    m = ANN.search(raw)
    if not m:
        return raw, None
    name, ann = raw[:m.start()], m.group(1)
    if ann != "k":
        name = name.replace("/", ".")
    return name, ann


def thread_name(raw):
    name = re.sub(r"\s*tid=\d+", "", raw.strip("[]"))
    return re.sub(r"(?<=[-#\s])\d+\b|\d+$", "N", name)   # I/O-1, GC Thread#0 -> N; C2 stays


def read(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        raw = stack.split(";")
        thread = "?"
        if raw and raw[0].startswith("["):
            thread = thread_name(raw[0])
            raw = raw[1:]
        yield thread, [frame_name(f) for f in raw], int(count)


def pct(n, total):
    return 100.0 * n / total if total else 0.0


def show(title, counter, total, unit_fn, top=TOP):
    print(f"\n{title}")
    if not counter:
        print("  (none)")
    for name, n in counter.most_common(top):
        print(f"  {pct(n, total):5.1f}%  {unit_fn(n):>10}  {name}")


def cpu_summary(path, mode, requests, interval_ns):
    total = kernel = 0
    threads, threads_k = collections.Counter(), collections.Counter()
    self_user, self_kernel = collections.Counter(), collections.Counter()
    entered, ours = collections.Counter(), collections.Counter()
    for thread, frames, n in read(path):
        if not frames:
            continue
        total += n
        threads[thread] += n
        top, ann = frames[-1]
        if ann == "k":
            kernel += n
            threads_k[thread] += n
            self_kernel[top] += n
            user = [f for f, a in frames if a != "k"]
            entered[user[-1] if user else "(kernel thread)"] += n
        else:
            self_user[top] += n
        for f in {f for f, _ in frames}:
            if f.startswith(OURS):
                ours[f] += n
    if not total:
        sys.exit("no samples in " + path)
    samples = lambda n: f"{n}"
    what = "CPU samples" if mode == "cpu" else "wall-clock samples (running or waiting)"
    if mode == "wall" and not kernel:
        print(f"{total} {what}; wall-clock samples carry no kernel frames: a thread in a system call "
              f"shows under the call's user-space frame")
    else:
        print(f"{total} {what}; user space {pct(total - kernel, total):.1f}%, kernel {pct(kernel, total):.1f}%")
    if mode == "cpu" and requests and interval_ns:
        us = total * interval_ns / 1e3 / requests
        print(f"CPU per request seen by the profiler: {us:.1f} µs (user {us * (total - kernel) / total:.1f}, "
              f"kernel {us * kernel / total:.1f}) over {requests} requests")
    if not kernel and mode == "cpu":
        print("NOTE: no kernel frames: kernel.perf_event_paranoid > 1 or not root (see bench/README.md)")
    print("\nby thread (share of all samples; kernel share of the thread's own):")
    for name, n in threads.most_common(12):
        print(f"  {pct(n, total):5.1f}%  kernel {pct(threads_k[name], n):5.1f}%  {name}")
    show(f"hottest by self time, user space (top {TOP}; % of all samples)", self_user, total, samples)
    show(f"hottest by self time, kernel (top {TOP}; % of all samples)", self_kernel, total, samples)
    show("kernel time by the user-space frame that entered the kernel (top 15)", entered, total, samples, 15)
    show(f"Gatehouse, Undertow and XNIO frames by inclusive time (top {TOP})", ours, total, samples)


def alloc_summary(path, requests):
    total = 0
    threads, classes, sites, ours = (collections.Counter() for _ in range(4))
    for thread, frames, n in read(path):
        if not frames:
            continue
        total += n
        threads[thread] += n
        cls = frames[-1][0]
        classes[cls] += n
        caller = frames[-2][0] if len(frames) > 1 else "?"
        sites[f"{cls}  <-  {caller}"] += n
        for f in {f for f, _ in frames[:-1]}:
            if f.startswith(OURS):
                ours[f] += n
    if not total:
        sys.exit("no allocation samples in " + path)

    def size(n):
        for unit, div in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
            if n >= div:
                return f"{n / div:.1f} {unit}"
        return f"{n} B"
    line = f"{size(total)} allocated (estimated from sampled allocations)"
    if requests:
        line += f", about {total / requests:.0f} bytes per request over {requests} requests"
    print(line)
    show("by thread", threads, total, size, 12)
    show(f"by allocated class (top {TOP})", classes, total, size)
    show(f"by allocation site: class <- the frame that allocated it (top {TOP})", sites, total, size)
    show(f"Gatehouse, Undertow and XNIO frames by inclusive bytes (top {TOP})", ours, total, size)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("cpu", "wall", "alloc"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, path = argv[1], argv[2]
    requests = int(argv[3]) if len(argv) > 3 and argv[3].isdigit() else 0
    interval_ns = int(argv[4]) if len(argv) > 4 and argv[4].isdigit() else 0
    if mode == "alloc":
        alloc_summary(path, requests)
    else:
        cpu_summary(path, mode, requests, interval_ns)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
