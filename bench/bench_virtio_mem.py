"""virtio-mem resize latency from the QMP side (figures, not a test).

  grow 0 -> 2 GiB                           qom-set requested-size -> query-memory-devices size == 2 GiB
  shrink 2 GiB -> 0, idle
  shrink 2 GiB -> 512 MiB with 600 MiB of movable data in the device
  shrink 2 GiB -> 0 with 600 MiB of movable data in the device (Linux's anchor case)
  requests sent per GiB (PLUG + UNPLUG, from the kernel's `vmem` counters)

The clock runs from the qom-set until query-memory-devices reports the target size (polled every
POLL_S, as docs/virtio-mem.md advises: MEMORY_DEVICE_SIZE_CHANGE is rate-limited to one per second).
Medians (min/max) over RUNS runs in one QEMU (q35, SeaBIOS, make run's machine). The Linux column
is bench/bench_linux_vmem.py: Debian's Linux in the same configuration, with the same timing and
labels (prefixed "linux"), in the same `make bench` run.
Usage: python3 bench/bench_virtio_mem.py [--runs N] [--kvm] [--machine pc|q35]
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

from harness import GiB, ISO, LOG_ROOT, MiB, Qemu, QemuConfig, VirtioMem  # noqa: E402
from harness.bench import stats  # noqa: E402
from harness.qemu import QEMU_BIN  # noqa: E402



def requests(q):
    d = dict(p.split("=", 1) for line in q.cmd("vmem").splitlines() if " plug=" in line for p in line.split() if "=" in p)
    return int(d["plug"]) + int(d["unplug"])


POLL_S = 0.001  # between two query-memory-devices: back-to-back queries kept QEMU's main loop
#                busier than the guest's CPU (perf on a 2-core host), which slowed what is measured


def vcpu_seconds(q):
    """CPU seconds QEMU's vCPU threads ("CPU n/TCG" or "CPU n/KVM") have run so far (user + system,
    clock ticks): what the guest itself cost, whatever else the host was running."""
    total = 0
    for task in Path(f"/proc/{q.proc.pid}/task").iterdir():
        try:
            if not (task / "comm").read_text().startswith("CPU "):
                continue
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


CPU = {}  # case -> vCPU seconds of each run (filled by resize when given a case)


def time_resize(q, size, timeout=600.0, case=None, id="vm0"):
    """Seconds from qom-set until QEMU reports size plugged (resolution POLL_S plus one query), or
    None when it did not within timeout seconds. bench_linux_vmem.py times Linux with it too."""
    c0 = vcpu_seconds(q)
    t0 = time.monotonic()
    q.vmem_request(id, size)
    while q.vmem_size(id) != size:
        if time.monotonic() - t0 > timeout:
            return None
        time.sleep(POLL_S)
    dt = time.monotonic() - t0
    if case:
        CPU.setdefault(case, []).append(vcpu_seconds(q) - c0)
    return dt


def resize(q, size, timeout=600.0, case=None):
    """time_resize, then the kernel's "size reached" line; a timeout is an error."""
    dt = time_resize(q, size, timeout, case)
    if dt is None:
        raise TimeoutError(f"vm0 did not reach {size:#x}: {q.cmd('vmem')}")
    q.wait_for(rf"vmem: size 0x{size:x} reached", 60)  # the kernel is done (prompt usable)
    return dt


ROWS = (("grow", "grow 0 -> 2 GiB"), ("shrink_idle", "shrink 2 GiB -> 0, idle"),
        ("shrink_data512", "shrink 2 GiB -> 512 MiB, 600 MiB movable data"),
        ("shrink_data0", "shrink 2 GiB -> 0, 600 MiB movable data"))


def print_rows(res, linux=None, prefix="", timeout=None):
    """One line per case of res ({case: [seconds, or None for a run unfinished within timeout]})
    with its median (min/max) and its vCPU time, labels prefixed; linux: the column at the right."""
    w = 48 + len(prefix)
    for k, label in ROWS:
        right = f"   Linux 6.1: {linux[k]}" if linux else ""
        print(f"  {prefix + label:{w}s} {stats(res[k], timeout)}{right}")
        if k in CPU:
            print(f"  {'  of which the guest CPU ran (vCPU thread time)':{w}s} median "
                  f"{statistics.median(CPU[k]) * 1000:8.1f} ms  (10 ms ticks)")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machine", choices=("q35", "pc"), default="q35")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kvm", action="store_true", help="KVM instead of TCG")
    ap.add_argument("--cpus", type=int, default=1, help="vCPUs (bench_linux_vmem.py takes the same)")
    return ap.parse_args()


def main():
    a, iso = parse_args(), Path(os.environ.get("HOTMEM_ISO", ISO))
    if not iso.exists():
        print(f"bench_virtio_mem: {iso} not built (make iso): skipped")
        return 0
    ver = subprocess.run([QEMU_BIN, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    cfg = QemuConfig(machine=a.machine, iso=iso, kvm=a.kvm, cpus=a.cpus, virtio_mem=[VirtioMem("vm0", "4G")],
                     extra_args=["-name", "hotmem,debug-threads=on"])  # vCPU threads named "CPU n/TCG"
    q = Qemu(cfg, log_dir=LOG_ROOT / "bench_virtio_mem")
    load = os.getloadavg()[0]
    q.start()
    res = {k: [] for k in ("grow", "shrink_idle", "shrink_data512", "shrink_data0")}
    reqs, gib = 0, 0.0
    try:
        q.boot(180)
        for _ in range(a.runs):
            r0 = requests(q)
            res["grow"].append(resize(q, 2 * GiB, case="grow"))
            res["shrink_idle"].append(resize(q, 0, case="shrink_idle"))
            reqs += requests(q) - r0
            gib += 4
            for kind, target in (("shrink_data512", 512 * MiB), ("shrink_data0", 0)):
                resize(q, 2 * GiB)
                out = q.cmd("fill 600 movable node 0", timeout=300)
                assert "fill id=" in out, out
                r0 = requests(q)
                res[kind].append(resize(q, target, case=kind))
                reqs += requests(q) - r0
                gib += (2 * GiB - target) / GiB
                assert re.search(r"check objects=\d+ bad=0", q.cmd("check", timeout=300))
                q.cmd("drop all", timeout=120)
                resize(q, 0)
    finally:
        q.close()
    print(f"bench_virtio_mem: {ver}, accel={'kvm' if a.kvm else 'tcg'}, machine={a.machine}, "
          f"{a.cpus} vCPUs, region 4 GiB, block 2 MiB, {a.runs} runs, host load average {load:.1f} on {os.cpu_count()} CPUs")
    print_rows(res)
    print(f"  {'requests per GiB (plug + unplug)':48s} {reqs / gib:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
