"""Scale figures (printed, never asserted): terabyte DIMMs and boot time, under TCG.

  hot-add -> _OST and eject (device_del -> DEVICE_DELETED) of a 256 GiB and a 1 TiB DIMM
      (reserve=off backends; q35, SeaBIOS; the 1 TiB one with -cpu max,phys-bits=46)
  QEMU resident-memory growth per hot-added GiB (VmRSS before and after the hot-add)
  boot to prompt, wall clock from QEMU's start (firmware, GRUB, kernel), on `make run`'s machine,
      and the kernel's share (its `uptime` at the prompt: time since kmain)
The frame-database init per GiB on the host is bench_mm's init_ms_per_gib.

Usage: python3 bench/bench_scale.py [--runs N] [--skip-tb]. Needs build/hotmem.iso (`make iso`).
Aims (issue 14): 256 GiB hot-add <= 0.1 s; <= 1 MiB of host memory per hot-added GiB; boot <= 0.5 s.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import ISO, LOG_ROOT, Qemu, QemuConfig  # noqa: E402
from harness.qemu import MiB, QEMU_BIN  # noqa: E402
from harness.scale import big_dimm_config, eject, hot_add_ost  # noqa: E402


def boot_figures(runs):
    """[(wall seconds to the prompt, kernel seconds)] on make run's machine."""
    out = []
    for i in range(runs):
        q = Qemu(QemuConfig(), log_dir=LOG_ROOT / "bench_scale", name=f"boot{i}")
        t0 = time.monotonic()
        q.start()
        try:
            q.wait_prompt(120)
            wall = time.monotonic() - t0
            up = q.cmd("uptime")  # "up 0.123 s, N timer ticks"
            m = re.search(r"up (\d+\.\d+) s", up)
            out.append((wall, float(m.group(1)) if m else None, up.strip()))
        finally:
            q.close()
    return out


def dimm_figures(size, runs):
    """[(add seconds, eject seconds, RSS bytes grown)] for a DIMM of size."""
    res = []
    q = Qemu(big_dimm_config(size), log_dir=LOG_ROOT / "bench_scale", name=f"dimm{size}")
    q.start(120)
    try:
        q.boot(300)
        for i in range(runs):
            rss0 = q.rss()
            add = hot_add_ost(q, f"d{i}", size, node=1)
            grown = q.rss() - rss0
            ej = eject(q, f"d{i}")
            res.append((add, ej, grown))
    finally:
        q.close()
    return res


def med(v):
    return statistics.median(v) if v else float("nan")


def banner(runs):
    """The header line, or None when the ISO is missing (the bench is skipped)."""
    if not Path(os.environ.get("HOTMEM_ISO", ISO)).exists():
        return None
    qemu = subprocess.run([QEMU_BIN, "--version"], capture_output=True, text=True).stdout.splitlines()
    return f"bench_scale: {qemu[0]}, accel=tcg, machine=q35, SeaBIOS, {runs} runs, medians"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-tb", action="store_true", help="no 1 TiB DIMM")
    a = ap.parse_args()
    head = banner(a.runs)
    print(head or "bench_scale: build/hotmem.iso not built (make iso): skipped")
    if not head:
        return 0
    boots = boot_figures(a.runs)
    walls = [b[0] for b in boots]
    kerns = [b[1] for b in boots if b[1] is not None]
    print(f"  boot to prompt (wall, QEMU start -> prompt)   median {med(walls) * 1000:8.1f} ms "
          f"(min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f})   aim <= 500 ms")
    if kerns:
        print(f"  kernel share (uptime at the prompt)          median {med(kerns) * 1000:8.1f} ms")
    else:
        print(f"  kernel share: could not parse `uptime`: {boots[0][2]!r}")
    sizes = ["256G"] + ([] if a.skip_tb else ["1T"])
    for size in sizes:
        r = dimm_figures(size, a.runs)
        gib = (256 if size == "256G" else 1024)
        add, ej, grown = [x[0] for x in r], [x[1] for x in r], [x[2] for x in r]
        print(f"  {size:>4} DIMM hot-add -> _OST                  median {med(add) * 1000:8.1f} ms "
              f"(min {min(add) * 1000:.1f}, max {max(add) * 1000:.1f})"
              + ("   aim <= 100 ms" if size == "256G" else ""))
        print(f"  {size:>4} DIMM eject -> DEVICE_DELETED          median {med(ej) * 1000:8.1f} ms "
              f"(min {min(ej) * 1000:.1f}, max {max(ej) * 1000:.1f})")
        print(f"  {size:>4} DIMM QEMU RSS growth per GiB          median {med(grown) / gib / 1024:8.1f} KiB "
              f"(total {med(grown) / MiB:.1f} MiB)   aim <= 1024 KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
