#!/usr/bin/env python3
"""Holds N idle keep-alive connections open to a proxy on 127.0.0.1 (Python 3 stdlib only).

usage: idle.py PORT N SECONDS [PATH]

Each connection sends one `GET PATH` (default /1k.bin) with HTTP/1.1 keep-alive, reads the whole
answer (status 200 and a Content-Length body), then stays open and silent. At most 100 connections
are being opened at any moment, so a listen backlog never overflows. A JSON status line goes to
stdout once a second and a last one ("final": true) when the script ends: after SECONDS, or at
SIGTERM/SIGINT. Keys: port, wanted, opened (answered and now idle), failed (could not connect or
got no good answer; first_error says why), open (opened and not closed since), closed_by_peer
(opened, then closed by the proxy), opening_done (every connection tried).

The soft limit on open files is raised to the hard limit first; N above it is refused.
"""
import asyncio
import json
import resource
import signal
import sys
import time

HOST = "127.0.0.1"
OPENING_AT_ONCE = 100
ANSWER_TIMEOUT = 10.0


class Tally:
    def __init__(self, port, wanted):
        self.port, self.wanted = port, wanted
        self.opened = self.failed = self.closed_by_peer = 0
        self.first_error = None
        self.opening_done = False

    def line(self, final=False):
        row = {"t": round(time.time(), 3), "port": self.port, "wanted": self.wanted, "opened": self.opened,
               "failed": self.failed, "open": self.opened - self.closed_by_peer,
               "closed_by_peer": self.closed_by_peer, "opening_done": self.opening_done}
        if self.first_error:
            row["first_error"] = self.first_error
        if final:
            row["final"] = True
        return json.dumps(row)


async def read_answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or status[1] != "200":
        raise ValueError(f"answer {lines[0]!r}")
    length = None
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v.strip())
        if k.strip().lower() == "connection" and "close" in v.lower():
            raise ValueError("the proxy answered Connection: close")
    if length is None:
        raise ValueError("answer without Content-Length")
    await reader.readexactly(length)


async def hold(tally, port, path, gate):
    writer = None
    try:
        async with gate:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), ANSWER_TIMEOUT)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
            await asyncio.wait_for(read_answer(reader), ANSWER_TIMEOUT)
        tally.opened += 1
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
            ValueError) as e:
        tally.failed += 1
        tally.first_error = tally.first_error or f"{type(e).__name__}: {e}"
        if writer:
            writer.close()
        return
    try:
        await reader.read(1)   # idle from here on: b"" (or an error) means the proxy closed it
    except OSError:
        pass
    tally.closed_by_peer += 1
    writer.close()


async def main_async(port, wanted, seconds, path):
    tally = Tally(port, wanted)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.call_later(seconds, stop.set)
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    tasks = [asyncio.create_task(hold(tally, port, path, gate)) for _ in range(wanted)]

    async def opening():   # the hold tasks never end while their connection is idle: count instead
        while tally.opened + tally.failed < wanted:
            await asyncio.sleep(0.05)
        tally.opening_done = True

    watcher = asyncio.create_task(opening())
    while not stop.is_set():
        print(tally.line(), flush=True)
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass
    print(tally.line(final=True), flush=True)
    watcher.cancel()
    for t in tasks:
        t.cancel()


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    port, wanted, seconds = int(argv[1]), int(argv[2]), float(argv[3])
    path = argv[4] if len(argv) == 5 else "/1k.bin"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft != resource.RLIM_INFINITY and wanted + 32 > soft:
        print(f"idle.py: {wanted} connections need more open files than the limit {soft}", file=sys.stderr)
        return 2
    asyncio.run(main_async(port, wanted, seconds, path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
