"""The Linux column of the virtio-mem figures (figures, not a test): Debian's Linux kernel
(linux-image-amd64) with a busybox initramfs that loads virtio_mem (and virtio_pci unless builtin,
with their dependencies, from /lib/modules/<version>/), booted with init_on_alloc=0 in the same QEMU
configuration as bench/bench_virtio_mem.py (q35, SeaBIOS, TCG, make run's memory, one virtio-mem-pci
device: 4 GiB region, 2 MiB block, requested 0, node 0), timed the same way (qom-set requested-size
-> query-memory-devices reports the size, bench_virtio_mem.time_resize):

  grow 0 -> 2 GiB                      plugged blocks are onlined into ZONE_MOVABLE
                                       (memhp_default_state=online_movable)
  shrink 2 GiB -> 0, idle
  shrink 2 GiB -> 512 MiB / -> 0 with 600 MiB of anonymous memory touched after the grow, bound to
                                       node 0 (bench/linux_fill.c): movable allocations take node 0's
                                       ZONE_MOVABLE (the device's memory) first; the MiB that landed
                                       there are read from /proc/zoneinfo and printed
  requests per GiB                     PLUG + UNPLUG requests, from QEMU's trace events

A case that does not finish within --timeout seconds (Linux retries after 50-300 s) is reported as
unfinished and ends the runs. Usage: python3 bench/bench_linux_vmem.py [--runs N] [--timeout S]
[--debian-defaults] (the last boots without init_on_alloc=0).
Prints "skipped" and why without /boot/vmlinuz-*, busybox/cpio or the virtio_mem module.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import bench_linux
from bench_virtio_mem import print_rows, time_resize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import BUILD, LOG_ROOT, GiB, MiB, Qemu, QemuConfig, VirtioMem  # noqa: E402
from harness.qemu import QEMU_BIN  # noqa: E402

APPEND = "console=ttyS0 memhp_default_state=online_movable quiet"
FAST = "init_on_alloc=0"  # the aim compares against this (Debian's default zeroes every page unplugged)
FILL_MIB = 600
TRACE = ("virtio_mem_plug_request", "virtio_mem_unplug_request")


class Unfinished(Exception):
    """A resize did not reach its size within the timeout: the device's state is unknown, no more runs."""


def requests(q):
    """PLUG + UNPLUG requests QEMU has traced so far (its log backend writes them to stderr)."""
    text = q._file("qemu-stderr", "log").read_text(errors="replace")
    return sum(text.count(t + " ") for t in TRACE)


def setup():
    """(kernel, version, initramfs) or a string saying why the bench is skipped."""
    kernel, kver = bench_linux.find_kernel()
    if not kernel:
        return "no /boot/vmlinuz-* (scripts/deps.sh bench)"
    if not shutil.which("cpio"):
        return "no cpio (scripts/deps.sh bench)"
    try:
        mods = bench_linux.module_files(kver, ["virtio_pci", "virtio_mem"])
    except (LookupError, OSError) as e:
        return f"Linux {kver}: {e}"
    out = Path(BUILD) / "bench-linux-vmem"
    out.mkdir(parents=True, exist_ok=True)
    initrd = bench_linux.build_initramfs(out, mods)
    return (kernel, kver, initrd, mods) if initrd else "no busybox (scripts/deps.sh bench)"


def movable_mib(q):
    """MiB in use in node 0's ZONE_MOVABLE (the virtio-mem device's memory), from /proc/zoneinfo."""
    q.serial.skip()
    q.send_line("zone 0")
    return int(q.wait_for(r"MOVABLE (-?\d+)\r?\n", timeout=60)[1]) * 4096 / MiB


class Guest:
    """The booted Linux guest: resizes vm0, records timed cases in res, counts requests and GiB."""

    def __init__(self, q, blocks0, block, timeout):
        self.q, self.blocks0, self.block, self.timeout = q, blocks0, block, timeout
        self.res = {k: [] for k in ("grow", "shrink_idle", "shrink_data512", "shrink_data0")}
        self.landed, self.reqs, self.gib = [], 0, 0.0

    def resize(self, size, case=None):
        """time_resize (recorded under case, with its requests, when given); after a grow, waits
        until the guest has onlined all plugged memory blocks. Unfinished on timeout."""
        self.q.serial.skip()
        r0, was = requests(self.q), self.q.vmem_size("vm0")
        dt = time_resize(self.q, size, self.timeout, case)
        if case:
            self.res[case].append(dt)
        if dt is None:
            raise Unfinished(case)
        if case:
            self.reqs, self.gib = self.reqs + requests(self.q) - r0, self.gib + abs(size - was) / GiB
        if size:  # the guest polls only now, so as not to slow what was timed
            self.q.send_line(f"online {self.blocks0 + size // self.block}")
            self.q.wait_for(r"ONLINE \d+", timeout=self.timeout)

    def fill(self):
        """Starts the fill helper (FILL_MIB on node 0), records the MiB that landed in the device; its pid."""
        before = movable_mib(self.q)
        self.q.send_line(f"fill {FILL_MIB} 0")
        pid = self.q.wait_for(r"FILLPID (\d+)\r?\n", timeout=60)[1]
        self.q.wait_for(rf"FILLED {FILL_MIB}", timeout=300)
        self.landed.append(movable_mib(self.q) - before)
        return pid

    def kill(self, pid):
        self.q.send_line(f"kill {pid}")
        self.q.wait_for(rf"KILLED {pid}", timeout=60)

    def run(self):
        """One run of the four cases."""
        self.resize(2 * GiB, "grow")
        self.resize(0, "shrink_idle")
        for case, target in (("shrink_data512", 512 * MiB), ("shrink_data0", 0)):
            self.resize(2 * GiB)
            pid = self.fill()
            self.resize(target, case)
            self.kill(pid)
            self.resize(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="as bench_virtio_mem.py: medians of as many runs")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds one resize may take")
    ap.add_argument("--debian-defaults", action="store_true", help=f"boot without {FAST} (slow shrinks)")
    ap.add_argument("--cpus", type=int, default=1, help="vCPUs (bench_virtio_mem.py takes the same)")
    a = ap.parse_args()
    s = setup()
    if isinstance(s, str):
        print(f"bench_linux_vmem: {s}: skipped")
        return 0
    kernel, kver, initrd, mods = s
    append = APPEND if a.debian_defaults else f"{APPEND} {FAST}"
    ver = subprocess.run([QEMU_BIN, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    trace = [x for t in TRACE for x in ("-trace", t)]
    cfg = QemuConfig(virtio_mem=[VirtioMem("vm0", "4G")], iso=None, cpus=a.cpus,
                     extra_args=["-name", "hotmem,debug-threads=on", "-kernel", kernel, "-initrd", str(initrd),
                                 "-append", append] + trace)
    q = Qemu(cfg, log_dir=LOG_ROOT / "bench_linux_vmem")
    load = os.getloadavg()[0]
    q.start()
    g = None
    try:
        m = q.wait_for(r"(INSMOD FAILED \S+)\r?\n|READY (\d+) ([0-9a-f]+)\r?\n", timeout=600)
        if m[1]:
            print(f"bench_linux_vmem: Linux {kver}: {m[1]}: skipped")
            return 0
        g = Guest(q, int(m[2]), int(m[3], 16), a.timeout)
        for _ in range(a.runs):
            g.run()
    except Unfinished:
        pass
    finally:
        q.close()
    print(f"bench_linux_vmem: Linux {kver} (Debian), busybox initramfs, modules "
          f"{' '.join(p.name for p in mods)}, kernel command line \"{append}\"; {ver}, accel=tcg, machine=q35, "
          f"{a.cpus} vCPUs, region 4 GiB, block 2 MiB, {a.runs} runs, host load average {load:.1f} on {os.cpu_count()} CPUs")
    if g is None:
        return 0
    print_rows(g.res, prefix="linux ", timeout=a.timeout)
    if g.landed:
        print(f"  {'linux data in the device before a shrink':54s} {min(g.landed):8.1f} MiB of {FILL_MIB} "
              f"(least of {len(g.landed)} fills; node 0 ZONE_MOVABLE, /proc/zoneinfo)")
    if g.gib:
        print(f"  {'linux requests per GiB (plug + unplug)':54s} {g.reqs / g.gib:8.2f}            "
              f"QEMU's trace events virtio_mem_(un)plug_request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
