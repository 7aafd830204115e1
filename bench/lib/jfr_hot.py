#!/usr/bin/env python3
"""Reads `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample` on stdin; prints the hottest frames.

Own time: the frame on top of the stack. Total time: every frame of a stack counted once, so a
method's callees are included. Frames are shown as Class.method; lambdas and line numbers are dropped.
"""
import collections
import re
import sys

TOP = 30
# A thread parked or blocked in select is waiting, not working: counted apart.
WAITING = ('sun.nio.ch.EPollSelectorImpl.doSelect', 'sun.nio.ch.EPoll.wait', 'jdk.internal.misc.Unsafe.park',
           'java.lang.Object.wait', 'java.lang.Thread.sleep')
samples = 0
waiting = 0
own = collections.Counter()
total = collections.Counter()
threads = collections.Counter()
stack = None
thread = None
frame = re.compile(r'^\s+([\w$./<>\[\]]+)\(.*\)\s+line:')
for line in sys.stdin:
    if line.startswith(('jdk.ExecutionSample', 'jdk.NativeMethodSample')):
        stack, thread = [], None
        continue
    if stack is None:
        continue
    m = re.search(r'sampledThread = "([^"]*)"', line)
    if m:
        thread = re.sub(r'\d+', 'N', m.group(1))
        continue
    m = frame.match(line)
    if m:
        stack.append(m.group(1))
        continue
    if line.startswith('}') and stack is not None:
        if stack and stack[0].startswith(WAITING):
            waiting += 1
        elif stack:
            samples += 1
            threads[thread] += 1
            own[stack[0]] += 1
            for f in set(stack):
                total[f] += 1
        stack = None
if not samples:
    sys.exit("no execution samples in the recording")
print(f"{samples} samples of threads at work (Java and native methods); {waiting} more of threads waiting")
print("\nby thread:")
for name, n in threads.most_common(8):
    print(f"  {100 * n / samples:5.1f}%  {name}")
print(f"\nhottest by own time (top {TOP}):")
for name, n in own.most_common(TOP):
    print(f"  {100 * n / samples:5.1f}%  {name}")
print(f"\nhottest by total time, Gatehouse, Undertow and XNIO frames (top {TOP}):")
shown = 0
for name, n in total.most_common():
    if name.startswith(('io.gatehouse', 'io.undertow', 'org.xnio')):
        print(f"  {100 * n / samples:5.1f}%  {name}")
        shown += 1
        if shown == TOP:
            break
