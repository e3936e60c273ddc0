"""SMP figures from QEMU -smp 4 under TCG (printed, never asserted): the eject of a 1 GiB DIMM half
full of movable data in active use - the `stress` workload on cpus 1-3 writing its objects, which
live in the DIMM - measured from QMP (device_del -> DEVICE_DELETED), with the pages migrated (the
eject's log line), the longest mm_lock hold of the offline (its longest interrupts-off window, the
`lock-hold` trace event) with the distribution of its holds (`lock-dist`: count, count over 100 us,
99th percentile), how long the host kept the vCPU threads waiting for a core meanwhile (schedstat)
and the workload's operations per second before, during and after.
Usage: python3 bench/bench_smp.py [--fill-mib N]. Needs build/hotmem.iso (`make iso`).
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import ISO, LOG_ROOT, Qemu, QemuConfig  # noqa: E402


def vcpu_sched(q):
    """(ran, waited) seconds and involuntary switches summed over QEMU's vCPU threads ("CPU n/TCG",
    -name debug-threads=on), from /proc/<pid>/task/*/schedstat and status: how long the host kept
    runnable vCPUs off its cores. A vCPU descheduled inside an interrupts-off window stretches that
    window by the wait, whatever the guest does."""
    ran = waited = switches = 0
    for task in Path(f"/proc/{q.proc.pid}/task").iterdir():
        try:
            if not (task / "comm").read_text().startswith("CPU "):
                continue
            r, w, _ = (int(x) for x in (task / "schedstat").read_text().split())
            st = (task / "status").read_text()
        except OSError:
            continue
        ran, waited = ran + r, waited + w
        switches += int(re.search(r"nonvoluntary_ctxt_switches:\s+(\d+)", st).group(1))
    return ran / 1e9, waited / 1e9, switches


def stress(q, args=""):
    out = q.cmd(f"stress {args}".strip(), timeout=300)
    line = next(l for l in out.splitlines() if l.startswith("stress threads="))
    return {k: int(v) for k, v in (p.split("=", 1) for p in line.split()[1:])}


def rate(q, seconds):
    """Workload operations per second over about `seconds` of wall time (kernel-timed)."""
    a, ta = stress(q)["ops"], q.cmd("uptime")
    time.sleep(seconds)
    b, tb = stress(q)["ops"], q.cmd("uptime")
    dt = float(re.match(r"up (\d+\.\d+)", tb).group(1)) - float(re.match(r"up (\d+\.\d+)", ta).group(1))
    return (b - a) / dt if dt > 0 else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fill-mib", type=int, default=512, help="MiB of stress objects (all threads)")
    a = ap.parse_args()
    iso = Path(os.environ.get("HOTMEM_ISO", ISO))
    if not iso.exists():
        print(f"bench_smp: {iso} not built (make iso): skipped")
        return 0
    cfg = QemuConfig(iso=iso, cpus=4, mem="2G", slots=4, maxmem="16G", cold_dimms=[],
                     extra_args=["-name", "hotmem,debug-threads=on"])  # vCPU threads named "CPU n/TCG"
    q = Qemu(cfg, log_dir=LOG_ROOT / "bench_smp")
    q.start()
    try:
        q.boot(180)
        q.hot_add_dimm("big", "1G", node=1)
        q.wait_for(r"memhp: slot \d+ online .*\(hot-add\)", timeout=120)
        kib = a.fill_mib * 1024 // 3
        stress(q, f"100000 1-3 {kib} 1")
        want = 3 * (kib // 64) * 16 * 9 // 10  # object pages (16-page objects; ~5% are being replaced)
        deadline = time.monotonic() + 1800
        while stress(q)["obj_pages"] < want and time.monotonic() < deadline:
            time.sleep(1)
        before = rate(q, 3)
        q.serial.skip()
        s0 = vcpu_sched(q)
        t0 = time.monotonic()
        q.qmp.execute("device_del", id="big")
        during = rate(q, 2)
        q.qmp.wait_event("DEVICE_DELETED", 3600, lambda e: e["data"].get("device") == "big")
        eject_s = time.monotonic() - t0
        s1 = vcpu_sched(q)
        after = rate(q, 3)
        st = stress(q, "off")
        log = q.cmd("log", timeout=60)
        m = list(re.finditer(r"offline and removed \(free (\d+) migrated (\d+) waited (\d+) pages, (\d+) ms\)", log))[-1]
        trace = q.cmd("trace", timeout=60).splitlines()
        hold = [l for l in trace if " lock-hold " in l][-1]
        hold_ns = int(re.search(r"b=0x([0-9a-f]+)", hold).group(1), 16)
        breaks = int(re.search(r"c=0x([0-9a-f]+)", hold).group(1), 16)
        dist = [l for l in trace if " lock-dist " in l]
        print(f"eject_1g_half_full_in_use: device_del->DEVICE_DELETED {eject_s:.2f} s, offline {m.group(4)} ms, "
              f"pages migrated {m.group(2)}, freed into the cage {m.group(3)}, "
              f"longest irq-off (mm_lock hold) {hold_ns / 1000:.0f} us, lock releases {breaks}")
        if dist:
            holds, over, p99 = (int(re.search(rf"{k}=0x([0-9a-f]+)", dist[-1]).group(1), 16) for k in "abc")
            print(f"irq_off_distribution: mm_lock holds {holds}, longer than 100 us {over}, "
                  f"p99 {p99 / 1000:.0f} us (within 1/8), longest {hold_ns / 1000:.0f} us")
        else:
            print("irq_off_distribution: not traced by this kernel (no lock-dist event)")
        print(f"host_scheduling_during_eject: 4 vCPU threads on {os.cpu_count()} host CPUs ran {s1[0] - s0[0]:.2f} s "
              f"and waited {s1[1] - s0[1]:.2f} s on the host's run queue ({s1[2] - s0[2]} involuntary switches) "
              f"in {eject_s:.2f} s")
        print(f"stress_ops_per_s before={before:.0f} during={during:.0f} after={after:.0f} "
              f"(3 threads; bad_counters={st['bad_counters']} bad_patterns={st['bad_patterns']} "
              f"migration_waits={st['migration_waits']})")
    finally:
        q.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
