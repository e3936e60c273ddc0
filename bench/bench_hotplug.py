"""Memory hotplug latency from the QMP side (figures, not a test).

  device_add  -> "memhp: slot N online" on the console   (1 GiB DIMM)
  device_del  -> DEVICE_DELETED                            (1 GiB DIMM, idle)
  device_del  -> DEVICE_DELETED                            (1 GiB DIMM, half full of movable data)

Medians (and min/max) over RUNS runs in one QEMU (q35, SeaBIOS), with the QEMU version and the
accelerator. Usage: python3 bench/bench_hotplug.py [--runs N] [--kvm] [--machine pc|q35]
Needs build/hotmem.iso (`make iso`); HOTMEM_ISO overrides the path.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import ISO, LOG_ROOT, Qemu, QemuConfig  # noqa: E402
from harness.bench import report  # noqa: E402
from harness.qemu import QEMU_BIN  # noqa: E402


def fill_half(q, addr, size_mib):
    """Create movable objects until half of the DIMM at addr holds movable data."""
    out = q.cmd(f"fill {size_mib // 2} movable node 1", timeout=120)
    assert "kind=movable" in out, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--kvm", action="store_true")
    ap.add_argument("--machine", default="q35")
    a = ap.parse_args()
    iso = Path(os.environ.get("HOTMEM_ISO", ISO))
    if not iso.exists():
        print(f"bench_hotplug: {iso} not built (make iso): skipped")
        return 0
    ver = subprocess.run([QEMU_BIN, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    accel = "kvm" if a.kvm else "tcg"
    cfg = QemuConfig(machine=a.machine, iso=iso, kvm=a.kvm, mem="2G", slots=4, maxmem="16G", cold_dimms=[])
    q = Qemu(cfg, log_dir=LOG_ROOT / "bench_hotplug")
    q.start()
    res = {"add": [], "del_idle": [], "del_half": []}
    try:
        q.boot(180)
        size_mib = 1024
        for i in range(a.runs):
            for kind in ("del_idle", "del_half"):
                id = f"b{i}{kind[-1]}"
                q.serial.skip()
                t0 = time.monotonic()
                q.hot_add_dimm(id, f"{size_mib}M", node=1)
                q.wait_for(r"memhp: slot \d+ online .*\(hot-add\)", timeout=120)
                res["add"].append(time.monotonic() - t0)
                addr = q.memory_devices()[id]["addr"]
                if kind == "del_half":
                    fill_half(q, addr, size_mib)
                t0 = time.monotonic()
                q.qmp.execute("device_del", id=id)
                q.qmp.wait_event("DEVICE_DELETED", 300, lambda e, id=id: e["data"].get("device") == id)
                res[kind].append(time.monotonic() - t0)
                q.qmp.execute("object-del", id=f"mem-{id}")
                if kind == "del_half":
                    q.cmd("drop all", timeout=60)
    finally:
        q.close()
    report(f"bench_hotplug: {ver}, accel={accel}, machine={a.machine}, DIMM 1 GiB, {a.runs} runs", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
