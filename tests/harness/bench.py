"""Printing of the QMP-side hotplug timings that bench/bench_hotplug.py (hotmem) and
bench/bench_linux.py (Debian's Linux) measure, under the same labels so the columns compare."""

import statistics

LABELS = (("add", "device_add -> online"), ("del_idle", "device_del -> DEVICE_DELETED, idle"),
          ("del_half", "device_del -> DEVICE_DELETED, half full of movable data"))


def report(title, res, timeout=None):
    """Print title, then one line per timing in res ({key: [seconds, or None for a run that did
    not finish within timeout seconds]}): median, min, max, n of the finished runs."""
    print(title)
    for k, label in LABELS:
        v = [x for x in res[k] if x is not None]
        unfinished = len(res[k]) - len(v)
        more = f", {unfinished} did not finish within {timeout:.0f} s" if unfinished else ""
        if not v:
            print(f"  {label:58s} no run finished{more}")
            continue
        print(f"  {label:58s} median {statistics.median(v) * 1000:8.1f} ms  "
              f"(min {min(v) * 1000:.1f}, max {max(v) * 1000:.1f}, n={len(v)}{more})")
