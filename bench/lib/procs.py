#!/usr/bin/env python3
"""Small /proc and HTTP helpers for bench/run.sh (Python 3 stdlib only).

Subcommands:
  portfree PORT...                 exit 1 (naming the port) if something listens on 127.0.0.1:PORT
  snap PID...                      one JSON line: CPU ticks of each PID's process tree: "ticks" utime+stime,
                                   "uticks" utime (user), "sticks" stime (kernel); machine-wide
                                   busy/total/irq/steal ticks from /proc/stat, wall time
  busy SECS                        % of the machine's CPU busy over the next SECS seconds
  tree PID                         the PIDs of PID's process tree, one a line (PID first)
  javapid PID                      the first process named "java" in PID's tree (empty if none)
  status PID                       JSON: VmRSS/VmHWM (KiB) summed over PID's tree, thread count
  sample OUT INTERVAL MAXSECS NAME=PID...
                                   append {"t":..,"NAME":rss_kib,..} to OUT every INTERVAL seconds;
                                   stops by itself after MAXSECS or when every PID is gone
  wait URL START_NS TIMEOUT PID    poll URL until it answers 200; print ms since START_NS;
                                   exit 1 on timeout, 2 if PID died first
  check URL FILE                   GET URL, exit 1 unless status 200 and body == FILE's bytes
"""
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse


def children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rindex(b")") + 2:].split()
        ppid = int(rest[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        out.append(p)
        todo.extend(sorted(kids.get(p, [])))
    return out


def user_sys_ticks(pid):
    """(utime, stime) of one process: /proc/PID/stat covers all of its threads, live and exited."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return 0, 0
    rest = data[data.rindex(b")") + 2:].split()
    # rest[0] is field 3 (state); utime is field 14, stime field 15
    return int(rest[11]), int(rest[12])


def tree_user_sys_ticks(pid):
    u = s = 0
    for p in tree(pid):
        pu, ps = user_sys_ticks(p)
        u += pu
        s += ps
    return u, s


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def status_fields(pid):
    vals = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads"):
                    vals[k] = int(v.split()[0])
    except OSError:
        pass
    return vals


def tree_status(pid):
    tot = {"rss_kib": 0, "hwm_kib": 0, "threads": 0, "pids": []}
    for p in tree(pid):
        s = status_fields(p)
        if not s:
            continue
        tot["rss_kib"] += s.get("VmRSS", 0)
        tot["hwm_kib"] += s.get("VmHWM", 0)
        tot["threads"] += s.get("Threads", 0)
        tot["pids"].append(p)
    return tot


def sys_jiffies():
    """(busy, total, irq+softirq, steal) over all CPUs, in USER_HZ ticks like /proc/PID/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts] + [0] * 8
    idle = vals[3] + vals[4]  # idle + iowait
    total = sum(vals[:8])  # user nice system idle iowait irq softirq steal; guest is inside user
    return total - idle, total, vals[5] + vals[6], vals[7]


def http_get(url, timeout):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    try:
        conn.request("GET", u.path or "/")
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def main(argv):
    cmd = argv[1]
    if cmd == "portfree":
        bad = []
        for port in argv[2:]:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", int(port)))
            except OSError:
                bad.append(port)
            finally:
                s.close()
        if bad:
            print(" ".join(bad))
            return 1
        return 0
    if cmd == "snap":
        busy, total, irq, steal = sys_jiffies()
        us = {p: tree_user_sys_ticks(int(p)) for p in argv[2:]}
        out = {"t": time.time(), "sys_busy": busy, "sys_total": total, "sys_irq": irq, "sys_steal": steal,
               "ticks": {p: u + s for p, (u, s) in us.items()},
               "uticks": {p: u for p, (u, _) in us.items()},
               "sticks": {p: s for p, (_, s) in us.items()}}
        print(json.dumps(out))
        return 0
    if cmd == "busy":
        b0, t0, _, _ = sys_jiffies()
        time.sleep(float(argv[2]))
        b1, t1, _, _ = sys_jiffies()
        print(round(100 * (b1 - b0) / (t1 - t0), 1) if t1 > t0 else 0)
        return 0
    if cmd == "tree":
        print("\n".join(str(p) for p in tree(int(argv[2]))))
        return 0
    if cmd == "javapid":
        for p in tree(int(argv[2])):
            if comm(p) == "java":
                print(p)
                break
        return 0
    if cmd == "status":
        print(json.dumps(tree_status(int(argv[2]))))
        return 0
    if cmd == "sample":
        out, interval, maxsecs = argv[2], float(argv[3]), float(argv[4])
        named = [a.split("=", 1) for a in argv[5:]]
        end = time.monotonic() + maxsecs
        with open(out, "a") as f:
            while time.monotonic() < end:
                row = {"t": round(time.time(), 3)}
                alive = False
                for name, pid in named:
                    st = tree_status(int(pid))
                    if st["pids"]:
                        alive = True
                        row[name] = st["rss_kib"]
                if not alive:
                    break
                f.write(json.dumps(row) + "\n")
                f.flush()
                time.sleep(interval)
        return 0
    if cmd == "wait":
        url, start_ns, timeout, pid = argv[2], int(argv[3]), float(argv[4]), int(argv[5])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, _ = http_get(url, 2)
                if status == 200:
                    print(round((time.time_ns() - start_ns) / 1e6, 1))
                    return 0
            except (OSError, http.client.HTTPException):
                pass
            if not os.path.exists(f"/proc/{pid}") or comm(pid) == "":
                return 2
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                        return 2
            except OSError:
                return 2
            time.sleep(0.02)
        return 1
    if cmd == "check":
        url, path = argv[2], argv[3]
        with open(path, "rb") as f:
            want = f.read()
        try:
            status, body = http_get(url, 5)
        except (OSError, http.client.HTTPException) as e:
            print(f"{url}: {e}")
            return 1
        if status != 200 or body != want:
            print(f"{url}: status {status}, {len(body)} bytes (want 200, {len(want)} bytes, same content)")
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
