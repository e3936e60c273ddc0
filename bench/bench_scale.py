"""Scale figures (printed, never asserted): terabyte DIMMs and boot time, under TCG.

  hot-add -> _OST (from object-add) and eject (device_del -> DEVICE_DELETED) of a 256 GiB and a
      1 TiB DIMM (reserve=off backends; q35, SeaBIOS; the 1 TiB one with -cpu max,phys-bits=46),
      and the hot-add in parts: QEMU's object-add of the backend (slow the first time in a QEMU:
      its dirty bitmaps grow to cover the new RAM; later backends reuse them), QEMU's device_add,
      device_add's return -> _OST, and from the kernel's trace SCI -> _OST (the guest's whole
      answer) and hotadd -> online (the memory manager's add and online)
  QEMU resident-memory growth per hot-added GiB (VmRSS before and after the hot-add)
  boot to prompt, wall clock from QEMU's start (firmware, GRUB, kernel), on `make run`'s machine
      (4 CPUs, the virtio-mem device, scripts/run.py; --boot-runs boots), and the kernel's share (its `uptime` at the
      prompt: time since kmain); and the wall time in parts, from marks on the serial console
      (QEMU's serial socket accepting the harness: QEMU's own start-up is done up to its chardevs,
      and the guest waits for that connection; GRUB's "Booting `hotmem'", the kernel's first line)
      and on SeaBIOS's debug port 0x402 (an isa-debugcon read through a FIFO: SeaBIOS's first
      line, its "Booting from 0000:7c00"), in --runs boots of their own: every byte SeaBIOS
      writes to the port is a trap, so the headline comes from boots without it. docs/boot.md
      explains the parts.
The frame-database init per GiB on the host is bench_mm's init_ms_per_gib.

Usage: python3 bench/bench_scale.py [--runs N] [--boot-runs N] [--skip-tb] [--boot-only]. Needs build/hotmem.iso (`make iso`).
Aims (issue 14): 256 GiB hot-add <= 0.1 s; <= 1 MiB of host memory per hot-added GiB; boot <= 0.5 s.
"""

import argparse
import dataclasses
import os
import re
import select
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import ISO, LOG_ROOT, Qemu, QemuConfig, VirtioMem  # noqa: E402
from harness.qemu import MiB, QEMU_BIN  # noqa: E402
from harness.scale import big_dimm_config, eject, hot_add_split  # noqa: E402


class DebugPort:
    """SeaBIOS's debug output (port 0x402) through a FIFO, drained by a thread that notes when each
    mark first appears (seconds after t0)."""

    MARKS = {"seabios": b"SeaBIOS (version", "bootsector": b"Booting from 0000:7c00"}

    def __init__(self, path, t0):
        self.path, self.t0, self.at, self.buf = path, t0, {}, b""
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        self.args = ["-chardev", f"pipe,id=dbgport,path={path}", "-device",
                     "isa-debugcon,iobase=0x402,chardev=dbgport"]
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stop:
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if not r:
                continue
            data = os.read(self.fd, 65536)
            now = time.monotonic() - self.t0
            self.buf += data
            for name, mark in self.MARKS.items():
                if name not in self.at and mark in self.buf:
                    self.at[name] = now

    def close(self):
        self.stop = True
        self.thread.join()
        os.close(self.fd)
        self.path.unlink(missing_ok=True)


BOOT_PARTS = [  # (name, from mark, to mark): the wall time in parts (docs/boot.md)
    ("QEMU start -> its serial socket", "start", "serial"),
    ("QEMU: serial socket -> SeaBIOS's first line", "serial", "seabios"),
    ("SeaBIOS -> boot sector (El Torito)", "seabios", "bootsector"),
    ("GRUB: boot sector -> \"Booting `hotmem'\"", "bootsector", "grub_boot"),
    ("GRUB: loading the kernel and modules", "grub_boot", "kernel"),
    ("kernel: first line -> prompt", "kernel", "prompt"),
]


def boot_figures(runs, debug):
    """[(wall seconds to the prompt, kernel seconds, uptime output, {mark: seconds})] on make run's
    machine; with debug, plus SeaBIOS's debug port (its marks; the port's output costs the boot
    time of its traps, so the headline wall time comes from runs without it)."""
    out = []
    for i in range(runs):
        log_dir = LOG_ROOT / "bench_scale"
        log_dir.mkdir(parents=True, exist_ok=True)
        cfg = QemuConfig(cpus=4, virtio_mem=[VirtioMem("vm0", "4G", requested=0)])
        t0 = time.monotonic()
        dbg = DebugPort(log_dir / f"debugcon-boot{i}.fifo", t0) if debug else None
        q = Qemu(dataclasses.replace(cfg, extra_args=dbg.args if dbg else []), log_dir=log_dir,
                 name=f"boot{i}{'-debugcon' if debug else ''}")
        try:
            q.start()
            at = {"start": 0.0, "serial": q.serial_connected_at - t0}
            q.serial.wait_for(r"Booting `hotmem'", 120)
            at["grub_boot"] = time.monotonic() - t0
            q.serial.wait_for(r"hotmem \S+ booting", 120)
            at["kernel"] = time.monotonic() - t0
            q.wait_prompt(120)
            wall = time.monotonic() - t0
            at["prompt"] = wall
            at.update(dbg.at if dbg else {})
            up = q.cmd("uptime")  # "up 0.123 s, N timer ticks"
            m = re.search(r"up (\d+\.\d+) s", up)
            out.append((wall, float(m.group(1)) if m else None, up.strip(), at))
        finally:
            q.close()
            if dbg:
                dbg.close()
    return out


def settled_rss(q, window=0.5, timeout=5.0):
    """QEMU's RSS once it has not moved by more than 256 KiB for window seconds: QEMU frees a
    deleted backend's RAM after an RCU grace period, up to a second after the eject's object-del."""
    t_end = time.monotonic() + timeout
    ref, since = q.rss(), time.monotonic()
    while time.monotonic() < t_end:
        time.sleep(0.05)
        cur = q.rss()
        if abs(cur - ref) > 256 * 1024:
            ref, since = cur, time.monotonic()
        elif time.monotonic() - since >= window:
            break
    return q.rss()


def dimm_figures(size, runs):
    """[(hot_add_split dict, eject seconds, RSS bytes grown)] for a DIMM of size."""
    res = []
    q = Qemu(big_dimm_config(size), log_dir=LOG_ROOT / "bench_scale", name=f"dimm{size}")
    q.start(120)
    try:
        q.boot(300)
        for i in range(runs):
            rss0 = settled_rss(q)
            add = hot_add_split(q, f"d{i}", size, node=1)
            grown = q.rss() - rss0
            ej = eject(q, f"d{i}")
            res.append((add, ej, grown))
    finally:
        q.close()
    return res


def ms_line(label, v, extra=""):
    """One figure line: median, min and max of v (seconds) in ms."""
    v = [x for x in v if x is not None]
    if not v:
        return f"  {label:<46} (no data)"
    return (f"  {label:<46} median {med(v) * 1000:8.1f} ms (min {min(v) * 1000:.1f}, max {max(v) * 1000:.1f})"
            + extra)


def med(v):
    return statistics.median(v) if v else float("nan")


def banner(runs, boot_runs):
    """The header line, or None when the ISO is missing (the bench is skipped)."""
    if not Path(os.environ.get("HOTMEM_ISO", ISO)).exists():
        return None
    qemu = subprocess.run([QEMU_BIN, "--version"], capture_output=True, text=True).stdout.splitlines()
    return (f"bench_scale: {qemu[0]}, accel=tcg, machine=q35, SeaBIOS, {runs} runs ({boot_runs} plain boots, "
            f"{runs} with an isa-debugcon for SeaBIOS's marks), medians")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--boot-runs", type=int, default=7, help="plain boots for the boot time (QEMU's serial only)")
    ap.add_argument("--skip-tb", action="store_true", help="no 1 TiB DIMM")
    ap.add_argument("--boot-only", action="store_true", help="only the boot figures (no DIMMs)")
    a = ap.parse_args()
    head = banner(a.runs, a.boot_runs)
    print(head or "bench_scale: build/hotmem.iso not built (make iso): skipped")
    if not head:
        return 0
    print(f"  machine load when the bench started: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} (1/5/15 min; {os.cpu_count()} host CPUs)")
    plain = boot_figures(a.boot_runs, debug=False)
    boots = boot_figures(a.runs, debug=True)
    walls = [b[0] for b in plain]
    kerns = [b[1] for b in plain if b[1] is not None]
    print(f"  boot to prompt (wall, QEMU start -> prompt)   median {med(walls) * 1000:8.1f} ms "
          f"(min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f})   aim <= 500 ms")
    if kerns:
        print(f"  kernel share (uptime at the prompt)          median {med(kerns) * 1000:8.1f} ms")
    else:
        print(f"  kernel share: could not parse `uptime`: {plain[0][2]!r}")
    print(f"  the same in parts (the {a.runs} boots with SeaBIOS's debug port)")
    for label, a0, a1 in BOOT_PARTS:
        print(ms_line("  " + label, [b[3][a1] - b[3][a0] if a0 in b[3] and a1 in b[3] else None for b in boots]))
    sizes = [] if a.boot_only else ["256G"] + ([] if a.skip_tb else ["1T"])
    for size in sizes:
        r = dimm_figures(size, a.runs)
        gib = (256 if size == "256G" else 1024)
        add, ej, grown = [x[0] for x in r], [x[1] for x in r], [x[2] for x in r]
        print(ms_line(f"{size:>4} DIMM hot-add -> _OST", [x["total"] for x in add],
                      "   aim <= 100 ms" if size == "256G" else "")
              + "  (object-add -> _OST)")
        for key, label in (("object_add", "QEMU: object-add (reserve=off backend)"),
                           ("device_add", "QEMU: device_add (until it returns)"),
                           ("to_ost", "device_add returned -> _OST"),
                           ("sci_ost", "guest: SCI -> _OST (trace)"),
                           ("hotadd_online", "kernel mm: hotadd -> online (trace)")):
            print(ms_line(f"       {label}", [x[key] for x in add]))
        print(f"  {size:>4} DIMM eject -> DEVICE_DELETED          median {med(ej) * 1000:8.1f} ms "
              f"(min {min(ej) * 1000:.1f}, max {max(ej) * 1000:.1f})")
        print(f"  {size:>4} DIMM QEMU RSS growth per GiB          first {grown[0] / gib / 1024:8.1f} KiB "
              f"(total {grown[0] / MiB:.1f} MiB: QEMU's dirty bitmaps for the new RAM and the guest's "
              f"writes)   aim <= 1024 KiB")
        if len(grown) > 1:
            print(f"  {size:>4}   later hot-adds (bitmaps reused)     median {med(grown[1:]) / gib / 1024:8.1f} KiB "
                  f"(total {med(grown[1:]) / MiB:.1f} MiB: the guest's writes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
