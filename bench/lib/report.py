#!/usr/bin/env python3
"""Turns the raw files bench/run.sh left in its temp dir into the table and the results JSON.

usage: report.py TMPDIR OUT_JSON
"""
import json
import os
import re
import statistics
import sys

PROXIES = ("gatehouse", "nginx")
SIZES = ("1k", "100k")


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def meta_of(tmp):
    meta = {}
    for line in read(os.path.join(tmp, "meta.env")).splitlines():
        k, sep, v = line.partition("=")
        if not sep:
            continue
        try:
            meta[k] = int(v)
        except ValueError:
            try:
                meta[k] = float(v)
            except ValueError:
                meta[k] = v if v != "" else None
    return meta


def jstat_of(text):
    lines = [ln.split() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) < 2 or len(lines[0]) != len(lines[1]):
        return None
    try:
        # a collector without concurrent cycles (Serial, Parallel) prints "-" for CGC and CGCT
        return {k: float(v) for k, v in zip(lines[0], lines[1]) if v != "-"}
    except ValueError:
        return None


def times_user_sys(line):
    """bash `times` children line, e.g. '0m1.230s 0m2.500s' -> (user, sys) seconds."""
    vals = []
    for part in line.split():
        m = re.fullmatch(r"(\d+)m([\d.]+)s", part)
        if m:
            vals.append(int(m.group(1)) * 60 + float(m.group(2)))
    vals += [0.0, 0.0]
    return vals[0], vals[1]


def times_secs(line):
    """bash `times` children line -> user+sys seconds."""
    return sum(times_user_sys(line))


def run_figures(r, clk_tck):
    w = r["wrk"]
    secs = w["duration_us"] / 1e6
    reqs = w["requests"]

    def cpu_us(role, key="ticks"):
        """CPU µs per request of ROLE's process tree: key "ticks" user+kernel, "uticks" user, "sticks" kernel."""
        pid = r["pids"][role]
        if key not in r["after"] or key not in r["before"]:
            return None   # a snapshot from before the user/kernel split
        d = r["after"][key][pid] - r["before"][key][pid]
        return round(d / clk_tck * 1e6 / reqs, 2) if reqs else None

    dbusy = r["after"]["sys_busy"] - r["before"]["sys_busy"]
    dtotal = r["after"]["sys_total"] - r["before"]["sys_total"]
    dirq = r["after"].get("sys_irq", 0) - r["before"].get("sys_irq", 0)
    dsteal = r["after"].get("sys_steal", 0) - r["before"].get("sys_steal", 0)
    ours = sum(r["after"]["ticks"][pid] - r["before"]["ticks"][pid] for pid in set(r["pids"].values()))
    wrk_secs = wrk_user = wrk_sys = None
    if "children_times" in r:
        (u0, s0), (u1, s1) = (times_user_sys(x) for x in r["children_times"])
        wrk_user, wrk_sys = u1 - u0, s1 - s0
        wrk_secs = wrk_user + wrk_sys
        ours += wrk_secs * clk_tck
    # Whatever the machine did besides the proxies, the origin and wrk: other processes, ksoftirqd,
    # hypervisor steal; a measure of how quiet the machine was. (Without CONFIG_IRQ_TIME_ACCOUNTING
    # the kernel charges interrupt ticks to the interrupted process too, so irq is not taken out.)
    other = dbusy - ours
    return {
        "round": r["round"], "proxy": r["proxy"], "size": r["size"],
        "requests": reqs, "seconds": round(secs, 3),
        "rps": round(reqs / secs, 1) if secs else 0,
        "mib_per_s": round(w["bytes"] / secs / 2**20, 1) if secs else 0,
        "p50_ms": w["lat_p50_us"] / 1000, "p90_ms": w["lat_p90_us"] / 1000,
        "p99_ms": w["lat_p99_us"] / 1000, "p999_ms": w["lat_p999_us"] / 1000,
        "max_ms": w["lat_max_us"] / 1000,
        "errors": sum(w["errors"].values()), "errors_by_kind": w["errors"],
        "cpu_us_per_req": cpu_us(r["proxy"]),
        "user_us_per_req": cpu_us(r["proxy"], "uticks"),
        "sys_us_per_req": cpu_us(r["proxy"], "sticks"),
        "origin_cpu_us_per_req": cpu_us("origin"),
        "origin_user_us_per_req": cpu_us("origin", "uticks"),
        "origin_sys_us_per_req": cpu_us("origin", "sticks"),
        "wrk_cpu_us_per_req": round(wrk_secs * 1e6 / reqs, 2) if reqs and wrk_secs is not None else None,
        "wrk_user_us_per_req": round(wrk_user * 1e6 / reqs, 2) if reqs and wrk_user is not None else None,
        "wrk_sys_us_per_req": round(wrk_sys * 1e6 / reqs, 2) if reqs and wrk_sys is not None else None,
        "machine_busy_pct": round(100 * dbusy / dtotal, 1) if dtotal else None,
        "irq_pct": round(100 * dirq / dtotal, 1) if dtotal else None,
        "steal_pct": round(100 * dsteal / dtotal, 1) if dtotal else None,
        "other_pct": round(max(0.0, 100 * other / dtotal), 1) if dtotal else None,
    }


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def main():
    tmp, out_json = sys.argv[1], sys.argv[2]
    meta = meta_of(tmp)
    clk = meta.get("clk_tck") or 100
    runs = [run_figures(json.loads(ln), clk)
            for ln in read(os.path.join(tmp, "runs.jsonl")).splitlines() if ln.strip()]

    summary = {}
    for size in SIZES:
        s = {}
        for p in PROXIES:
            rs = [r for r in runs if r["proxy"] == p and r["size"] == size]
            rps = [r["rps"] for r in rs]
            s[p] = {
                "rounds": len(rs),
                "rps": med(rps),
                "rps_spread_pct": round(100 * (max(rps) - min(rps)) / med(rps), 1) if rps and med(rps) else None,
                "p50_ms": med(r["p50_ms"] for r in rs),
                "p99_ms": med(r["p99_ms"] for r in rs),
                "cpu_us_per_req": med(r["cpu_us_per_req"] for r in rs),
                "user_us_per_req": med(r["user_us_per_req"] for r in rs),
                "sys_us_per_req": med(r["sys_us_per_req"] for r in rs),
                "origin_cpu_us_per_req": med(r["origin_cpu_us_per_req"] for r in rs),
                "origin_user_us_per_req": med(r["origin_user_us_per_req"] for r in rs),
                "origin_sys_us_per_req": med(r["origin_sys_us_per_req"] for r in rs),
                "wrk_cpu_us_per_req": med(r["wrk_cpu_us_per_req"] for r in rs),
                "wrk_user_us_per_req": med(r["wrk_user_us_per_req"] for r in rs),
                "wrk_sys_us_per_req": med(r["wrk_sys_us_per_req"] for r in rs),
                "machine_busy_pct": med(r["machine_busy_pct"] for r in rs),
                "other_pct_max": max((r["other_pct"] for r in rs if r["other_pct"] is not None), default=None),
                "errors": sum(r["errors"] for r in rs),
            }
        g, n = s["gatehouse"], s["nginx"]
        s["ratio_gatehouse_over_nginx"] = {
            "rps": ratio(g["rps"], n["rps"]),
            "p50": ratio(g["p50_ms"], n["p50_ms"]),
            "p99": ratio(g["p99_ms"], n["p99_ms"]),
            "cpu_per_req": ratio(g["cpu_us_per_req"], n["cpu_us_per_req"]),
            "user_per_req": ratio(g["user_us_per_req"], n["user_us_per_req"]),
            "sys_per_req": ratio(g["sys_us_per_req"], n["sys_us_per_req"]),
        }
        summary[size] = s

    rss = [json.loads(ln) for ln in read(os.path.join(tmp, "rss.jsonl")).splitlines() if ln.strip()]
    mem = {}
    for p in PROXIES:
        vals = [row[p] for row in rss if p in row]
        mem[p] = {"rss_median_mib": round(med(vals) / 1024, 1) if vals else None,
                  "rss_max_mib": round(max(vals) / 1024, 1) if vals else None,
                  "samples": len(vals)}
    try:
        gh_status = json.loads(read(os.path.join(tmp, "gh-status.json"), "{}"))
    except ValueError:
        gh_status = {}
    mem["gatehouse"]["rss_end_mib"] = round(gh_status.get("rss_kib", 0) / 1024, 1) or None
    mem["gatehouse"]["rss_peak_hwm_mib"] = round(gh_status.get("hwm_kib", 0) / 1024, 1) or None
    mem["gatehouse"]["threads_end"] = gh_status.get("threads")

    heap_text = read(os.path.join(tmp, "heap-info.txt")).strip()
    heap = {"jcmd_gc_heap_info": heap_text or None}
    # G1 prints one "garbage-first heap total NK, used NK" line; Serial and Parallel one per generation
    gens = re.findall(r"total (\d+)K, used (\d+)K", heap_text)
    if gens:
        heap["committed_mib"] = round(sum(int(t) for t, _ in gens) / 1024, 1)
        heap["used_mib"] = round(sum(int(u) for _, u in gens) / 1024, 1)
    jb = jstat_of(read(os.path.join(tmp, "jstat-before.txt")))
    ja = jstat_of(read(os.path.join(tmp, "jstat-after.txt")))
    if ja:
        heap["jstat_gc_end"] = ja
        heap.setdefault("used_mib", round(sum(ja.get(k, 0) for k in ("S0U", "S1U", "EU", "OU")) / 1024, 1))
        heap.setdefault("committed_mib", round(sum(ja.get(k, 0) for k in ("S0C", "S1C", "EC", "OC")) / 1024, 1))
        heap["metaspace_used_mib"] = round(ja.get("MU", 0) / 1024, 1)
    if ja and jb:
        heap["during_measurement"] = {
            "young_gcs": int(ja.get("YGC", 0) - jb.get("YGC", 0)),
            "full_gcs": int(ja.get("FGC", 0) - jb.get("FGC", 0)),
            "gc_seconds": round(ja.get("GCT", 0) - jb.get("GCT", 0), 3),
        }

    idle = idle_of(tmp, meta)
    result = {"meta": meta, "summary": summary, "memory": mem, "heap": heap, "idle": idle,
              "startup_ms": {"gatehouse": meta.get("gatehouse_startup_ms"),
                             "nginx": meta.get("nginx_startup_ms")},
              "runs": runs}
    os.makedirs(os.path.dirname(out_json) or ".", exist_ok=True)
    with open(out_json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print_table(result)


def last_json_line(path):
    rows = [ln for ln in read(path).splitlines() if ln.strip().startswith("{")]
    try:
        return json.loads(rows[-1]) if rows else {}
    except ValueError:
        return {}


def idle_of(tmp, meta):
    """The idle keep-alive connections run.sh held open to each proxy (IDLE_CONNS), or None."""
    n = meta.get("idle_conns") or 0
    if not n:
        return None
    out = {"conns": n}
    for p in PROXIES:
        st = last_json_line(os.path.join(tmp, f"idle-{p}.jsonl"))
        rss = last_json_line(os.path.join(tmp, f"idle-rss-{p}.json"))
        before, opened = rss.get("before_kib"), rss.get("open_kib")
        out[p] = {
            "opened": st.get("opened"), "failed": st.get("failed"),
            "open_at_end": st.get("open"), "closed_by_peer": st.get("closed_by_peer"),
            "rss_before_open_mib": round(before / 1024, 1) if before else None,
            "rss_open_mib": round(opened / 1024, 1) if opened else None,
            "rss_per_conn_kib": round((opened - before) / st["opened"], 2)
            if before and opened and st.get("opened") else None,
        }
    return out


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def print_table(res):
    m = res["meta"]
    print()
    print(f"Gatehouse vs nginx, same origin: wrk -t{m.get('threads')} -c{m.get('conns')} "
          f"-d{m.get('duration_s')}s, {m.get('rounds')} interleaved rounds, medians "
          f"({m.get('mode')} mode, {m.get('nproc')} cores, Gatehouse warm-up {m.get('warmup_s')}s)")
    if m.get("nginx_same_job"):
        job = "an access log and Gatehouse's forwarding headers and request id"
    elif m.get("nginx_access_log"):
        job = "an access log"
    else:
        job = "no access log and no added headers (Gatehouse logs and adds them)"
    procs = m.get("procs") or m.get("gh_processes") or 1
    print(f"Gatehouse: {procs} event loop(s); reference nginx: {procs} worker(s), {job}; "
          f"origin: 1 worker")
    if m.get("pin"):
        print(f"pinned (PIN=1): both proxies on CPU(s) {m.get('proxy_cpus')}, wrk and the origin on "
              f"CPU(s) {m.get('load_cpus')}")
    else:
        print("not pinned: wrk, the origin and the proxy share all cores as the scheduler decides")
    if m.get("idle_conns"):
        print(f"{m.get('idle_conns')} idle keep-alive connections held open to each proxy during the measured rounds")
    for size in SIZES:
        s = res["summary"][size]
        print()
        print(f"/{size}.bin      {'req/s':>9} {'±%':>5} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'CPU µs/req':>10} {'user':>6} {'kernel':>6} {'origin u/k µs':>13} "
              f"{'busy%':>5} {'other%':>6} {'errors':>6}")
        for p in PROXIES:
            x = s[p]
            ou = f"{fmt(x['origin_user_us_per_req'], '.1f')}/{fmt(x['origin_sys_us_per_req'], '.1f')}"
            print(f"{p:<12} {fmt(x['rps'], '9.0f')} {fmt(x['rps_spread_pct'], '5.1f')} "
                  f"{fmt(x['p50_ms'], '7.2f')} {fmt(x['p99_ms'], '7.2f')} "
                  f"{fmt(x['cpu_us_per_req'], '10.1f')} {fmt(x['user_us_per_req'], '6.1f')} "
                  f"{fmt(x['sys_us_per_req'], '6.1f')} {ou:>13} "
                  f"{fmt(x['machine_busy_pct'], '5.0f')} {fmt(x['other_pct_max'], '6.0f')} {x['errors']:>6}")
        r = s["ratio_gatehouse_over_nginx"]
        print(f"{'G ÷ N':<12} {fmt(r['rps'], '9.2f')} {'':>5} {fmt(r['p50'], '7.2f')} "
              f"{fmt(r['p99'], '7.2f')} {fmt(r['cpu_per_req'], '10.2f')} {fmt(r['user_per_req'], '6.2f')} "
              f"{fmt(r['sys_per_req'], '6.2f')}")
    mem, heap, st = res["memory"], res["heap"], res["startup_ms"]
    print()
    print(f"startup to first response: Gatehouse {fmt(st['gatehouse'], '.0f')} ms, "
          f"nginx {fmt(st['nginx'], '.0f')} ms")
    g, n = mem["gatehouse"], mem["nginx"]
    print(f"RSS under load: Gatehouse median {fmt(g['rss_median_mib'], '.1f')} MiB, "
          f"max {fmt(g['rss_max_mib'], '.1f')} MiB (peak {fmt(g['rss_peak_hwm_mib'], '.1f')} MiB, "
          f"{fmt(g['threads_end'], 'd')} threads); nginx max {fmt(n['rss_max_mib'], '.1f')} MiB")
    idle = res.get("idle")
    if idle:
        for p in PROXIES:
            x = idle[p]
            print(f"idle connections to {p}: {fmt(x['opened'], 'd')} of {idle['conns']} opened "
                  f"({fmt(x['failed'], 'd')} failed), {fmt(x['open_at_end'], 'd')} still open at the end; "
                  f"RSS {fmt(x['rss_before_open_mib'], '.1f')} MiB before, {fmt(x['rss_open_mib'], '.1f')} MiB "
                  f"with them open ({fmt(x['rss_per_conn_kib'], '.1f')} KiB each)")
    if "used_mib" in heap:
        gc = heap.get("during_measurement", {})
        print(f"Gatehouse heap at end: used {fmt(heap.get('used_mib'), '.1f')} MiB of "
              f"{fmt(heap.get('committed_mib'), '.1f')} MiB committed; during the measured rounds "
              f"{gc.get('young_gcs', '-')} young / {gc.get('full_gcs', '-')} full GCs, "
              f"{fmt(gc.get('gc_seconds'), '.3f')} s in GC")
    else:
        print("Gatehouse heap: n/a (no JVM found under the Gatehouse process)")
    other = [r["other_pct"] for r in res["runs"] if r["other_pct"] is not None]
    if other and max(other) >= 10:
        print(f"WARNING: the machine was not quiet: up to {max(other):.0f}% of its CPU went to other work "
              f"during a measured run (other% column); rerun when nothing else is running")
    errs = sum(res["summary"][s][p]["errors"] for s in SIZES for p in PROXIES)
    if errs:
        print(f"WARNING: {errs} wrk errors (non-2xx/3xx, socket errors or timeouts): see the runs in the JSON")


if __name__ == "__main__":
    main()
