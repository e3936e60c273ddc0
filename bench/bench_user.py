"""User-page migration (issue 16; figures, not a test).

memtest 300 MiB runs with its buffer in a 512 MiB DIMM on node 1 (-smp 4); device_del of the
DIMM migrates every page while memtest writes them. Printed:
  - migration throughput: pages migrated by the offline x 4 KiB / the offline's elapsed time
    (memhp's "offline and removed (... migrated M ... T ms)" log line), in MiB/s;
  - the same bytes copied by a plain in-guest memcpy (`copybench`), and the ratio;
  - the longest time memtest waited for one of its pages (`ps` stall_max_us) and how often.
Usage: python3 bench/bench_user.py [--runs N] [--kvm]. Needs build/hotmem.iso (`make iso`).
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from harness import ISO, LOG_ROOT, Qemu, QemuConfig  # noqa: E402

MIB = 300


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def ps_of(q, pid):
    for line in q.cmd("ps", timeout=60).splitlines():
        if line.startswith(f"pid={pid} "):
            return kv(line.split(' exit="')[0])
    raise RuntimeError(f"no pid {pid} in ps")


def one_run(q, i):
    q.hot_add_dimm(f"b{i}", "512M", node=1)
    q.wait_for(r"memhp: slot \d+ online", timeout=120)
    out = q.cmd(f"run memtest {MIB} node 1", timeout=120)
    pid = int(re.search(r"^pid=(\d+)", out, re.M).group(1))
    deadline = time.monotonic() + 600
    while int(ps_of(q, pid)["passes"]) < 1:
        if time.monotonic() > deadline:
            raise RuntimeError("memtest made no pass")
        time.sleep(0.5)
    mark = len(q.serial.text)
    q.hot_remove_dimm(f"b{i}", timeout=900)
    m = None
    while not m:
        m = re.search(r"offline and removed \(free \d+ migrated (\d+) waited \d+ pages, (\d+) ms\)",
                      q.serial.text[mark:])
        time.sleep(0.2)
    pages, ms = int(m.group(1)), int(m.group(2))
    d = ps_of(q, pid)
    q.cmd(f"kill {pid}")
    return pages, ms, int(d["stall_max_us"]), int(d["migration_waits"]), int(d["errors"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kvm", action="store_true")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    iso = Path(os.environ.get("HOTMEM_ISO", ISO))
    if iso.exists():
        return measure(iso, args)
    print(f"bench_user: {iso} not built (make iso): skipped")
    return 0


def measure(iso, a):
    cfg = QemuConfig(iso=iso, kvm=a.kvm, cpus=4, cold_dimms=[])
    q = Qemu(cfg, log_dir=LOG_ROOT / "bench_user")
    q.start()
    try:
        q.boot(timeout=180)
        out = q.cmd(f"copybench {MIB}", timeout=300)
        copy = kv(next(l for l in out.splitlines() if l.startswith("copybench")))
        copy_mib_s = max(int(copy["mib_per_s"]), 1)
        print(f"bench_user ({'kvm' if a.kvm else 'tcg'}, -smp 4): memcpy of {MIB} MiB in the guest: "
              f"{copy_mib_s} MiB/s")
        for i in range(a.runs):
            pages, ms, stall_us, waits, errors = one_run(q, i)
            mib_s = pages * 4096 / (1 << 20) / (ms / 1000) if ms else 0.0
            print(f"  run {i + 1}: migrated {pages} user pages ({pages * 4096 >> 20} MiB) in {ms} ms: "
                  f"{mib_s:.0f} MiB/s = {mib_s / copy_mib_s:.2f} x memcpy; memtest longest stall "
                  f"{stall_us / 1000:.2f} ms over {waits} waits; mismatches {errors}")
    finally:
        q.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
