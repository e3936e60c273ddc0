"""Printing of the QMP-side hotplug timings that bench/bench_hotplug.py (hotmem) and
bench/bench_linux.py (Debian's Linux) measure, under the same labels so the columns compare."""

import statistics

LABELS = (("add", "device_add -> online"), ("del_idle", "device_del -> DEVICE_DELETED, idle"),
          ("del_half", "device_del -> DEVICE_DELETED, half full of movable data"))


def stats(xs, timeout=None):
    """xs (seconds, or None for a run that did not finish within timeout seconds) as "median ..
    ms  (min .., max .., n=..)" over the finished runs, or "no run finished"."""
    v = [x for x in xs if x is not None]
    more = f", {len(xs) - len(v)} did not finish within {timeout:.0f} s" if len(v) < len(xs) else ""
    if not v:
        return f"no run finished{more}"
    return (f"median {statistics.median(v) * 1000:8.1f} ms  "
            f"(min {min(v) * 1000:.1f}, max {max(v) * 1000:.1f}, n={len(v)}{more})")


def report(title, res, timeout=None):
    """Print title, then one line per timing in res ({key: [seconds, or None for a run that did
    not finish within timeout seconds]}): median, min, max, n of the finished runs."""
    print(title)
    for k, label in LABELS:
        print(f"  {label:58s} {stats(res[k], timeout)}")
