"""The Linux column of the hotplug figures (figures, not a test): Debian's Linux kernel
(linux-image-amd64) with a busybox initramfs, booted in the same QEMU configuration as
bench/bench_hotplug.py (q35, SeaBIOS, TCG, -m 2G,slots=4,maxmem=16G, 2 NUMA nodes, 1 GiB DIMMs on
node 1), and the same timings from the QMP side:

  device_add  -> the DIMM's memory blocks online (auto-onlined into ZONE_MOVABLE,
                 memhp_default_state=online_movable; a busybox loop prints the count)
  device_del  -> DEVICE_DELETED   (idle DIMM)
  device_del  -> DEVICE_DELETED   (DIMM half full of movable data: 512 MiB of anonymous memory
                                   bound to node 1 by bench/linux_fill.c)

Usage: python3 bench/bench_linux.py [--runs N]. Needs /boot/vmlinuz-* and busybox-static (`make
bench` installs them through scripts/deps.sh bench); prints "skipped" without them.
bench/bench_linux_vmem.py reuses the initramfs (with modules) for the virtio-mem figures.
"""

import argparse
import glob
import gzip
import lzma
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import BUILD, LOG_ROOT, QMPTimeout, Qemu, QemuConfig  # noqa: E402
from harness.bench import report  # noqa: E402
from harness.qemu import QEMU_BIN  # noqa: E402

TIMEOUT = 300.0  # seconds a device_del may take before the run is reported as unfinished


class StopBench(Exception):
    """A device_del did not finish: the guest still holds the DIMM, so no further run."""


INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules); do insmod "/lib/$m" || echo "INSMOD FAILED $m"; done
online() { cat /sys/devices/system/memory/memory*/state 2>/dev/null | grep -c '^online'; }
echo "READY $(online) $(cat /sys/devices/system/memory/block_size_bytes)"
while read -r cmd arg; do
    case "$cmd" in
    watch) ( last=$(online)
             while true; do n=$(online); [ "$n" != "$last" ] && echo "ONLINE $n"; last=$n; usleep 5000; done ) & ;;
    online) while [ "$(online)" -lt "$arg" ]; do usleep 20000; done; echo "ONLINE $(online)" ;;
    fill) set -- $arg; /bin/fill "$1" "${2:-1}" & echo "FILLPID $!" ;;  # fill MiB [node, default 1]
    kill) kill "$arg"; wait "$arg" 2>/dev/null; echo "KILLED $arg" ;;
    zone) echo "MOVABLE $(awk '/^Node/ {z = $2 $4} z == "'"$arg"',Movable" && $1 == "pages" && $2 == "free" {f = $3}
                              z == "'"$arg"',Movable" && $1 == "managed" {m = $2} END {print m - f}' /proc/zoneinfo)" ;;
    esac
done
"""


def find_kernel():
    """(path, version) of the newest /boot/vmlinuz-*, or (None, None)."""
    kernels = sorted(glob.glob("/boot/vmlinuz-*"))
    return (kernels[-1], os.path.basename(kernels[-1])[len("vmlinuz-"):]) if kernels else (None, None)


def module_files(kver, names):
    """Host paths of the modules names (e.g. "virtio_mem") of kernel kver with everything they
    depend on, in load order (from modules.dep); builtin ones are left out. Raises LookupError
    naming a module that is neither installed nor builtin."""
    base = Path("/lib/modules") / kver
    dep = {}
    for line in (base / "modules.dep").read_text().splitlines():
        mod, _, deps = line.partition(":")
        dep[mod] = deps.split()
    by_name = {Path(m).name.split(".ko")[0].replace("-", "_"): m for m in dep}
    builtin = (base / "modules.builtin").read_text() if (base / "modules.builtin").exists() else ""
    order = []

    def add(mod):
        if mod not in order:
            for d in dep.get(mod, []):
                add(d)
            order.append(mod)

    for n in names:
        if n in by_name:
            add(by_name[n])
        elif f"/{n}.ko" not in builtin.replace("-", "_"):
            raise LookupError(f"module {n} is neither in {base}/modules.dep nor builtin")
    return [base / m for m in order]


def copy_module(src, dst):
    """Copies module src to dst, decompressed (.ko.xz, .ko.gz, .ko.zst: busybox insmod takes plain .ko)."""
    if src.name.endswith(".ko.xz"):
        dst.write_bytes(lzma.decompress(src.read_bytes()))
    elif src.name.endswith(".ko.gz"):
        dst.write_bytes(gzip.decompress(src.read_bytes()))
    elif src.name.endswith(".ko.zst"):
        with open(dst, "wb") as f:
            subprocess.run(["zstd", "-dc", str(src)], stdout=f, check=True)
    else:
        shutil.copy(src, dst)


def build_initramfs(out, modules=()):
    """An initramfs with busybox, /init, the fill helper and the kernel modules (host paths, in load
    order) that /init loads first; its path, or None if a tool is missing."""
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not Path(busybox).exists():
        return None
    root = out / "root"
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "proc", "sys", "dev", "lib"):
        (root / d).mkdir(parents=True)
    shutil.copy(busybox, root / "bin" / "busybox")
    names = [Path(m).name.split(".ko")[0] + ".ko" for m in modules]
    for m, n in zip(modules, names):
        copy_module(Path(m), root / "lib" / n)
    (root / "modules").write_text("".join(n + "\n" for n in names))
    (root / "init").write_text(INIT)
    (root / "init").chmod(0o755)
    subprocess.run(["gcc", "-static", "-O2", "-o", str(root / "bin" / "fill"), str(ROOT / "bench" / "linux_fill.c")],
                   check=True)
    cpio = out / "initramfs.cpio"
    files = subprocess.run(["find", "."], cwd=root, capture_output=True, text=True, check=True).stdout
    with open(cpio, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files.encode(), stdout=f, check=True)
    return cpio


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    kernel, kver = find_kernel()
    out = Path(BUILD) / "bench-linux"
    out.mkdir(parents=True, exist_ok=True)
    initrd = build_initramfs(out) if kernel and shutil.which("cpio") else None
    if not kernel or not initrd:
        print("bench_linux: no /boot/vmlinuz-* or busybox/cpio (scripts/deps.sh bench): skipped")
        return 0
    ver = subprocess.run([QEMU_BIN, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    cfg = QemuConfig(mem="2G", slots=4, maxmem="16G", cold_dimms=[], iso=None,
                     extra_args=["-kernel", kernel, "-initrd", str(initrd), "-append",
                                 "console=ttyS0 memhp_default_state=online_movable quiet"])
    q = Qemu(cfg, log_dir=LOG_ROOT / "bench_linux")
    q.start()
    res = {"add": [], "del_idle": [], "del_half": []}
    try:
        blocks0 = int(q.wait_for(r"READY (\d+) ", timeout=600)[1])
        q.send_line("watch")  # prints ONLINE n whenever the number of online memory blocks changes
        for i in range(a.runs):
            for kind in ("del_idle", "del_half"):
                id = f"l{i}{kind[-1]}"
                q.serial.skip()
                t0 = time.monotonic()
                q.hot_add_dimm(id, "1024M", node=1)
                q.wait_for(rf"ONLINE {blocks0 + 8}\b", timeout=300)  # 8 blocks of 128 MiB
                res["add"].append(time.monotonic() - t0)
                pid = None
                if kind == "del_half":
                    q.send_line("fill 512")
                    pid = q.wait_for(r"FILLPID (\d+)\r?\n", timeout=60)[1]
                    q.wait_for(r"FILLED 512", timeout=300)
                t0 = time.monotonic()
                q.qmp.execute("device_del", id=id)
                try:
                    q.qmp.wait_event("DEVICE_DELETED", TIMEOUT, lambda e, id=id: e["data"].get("device") == id)
                except QMPTimeout:  # Linux may retry offline_pages for minutes: stop here
                    res[kind].append(None)
                    raise StopBench from None
                res[kind].append(time.monotonic() - t0)
                q.wait_for(rf"ONLINE {blocks0}\b", timeout=60)
                q.qmp.execute("object-del", id=f"mem-{id}")
                if pid:
                    q.send_line(f"kill {pid}")
                    q.wait_for(rf"KILLED {pid}", timeout=60)
    except StopBench:
        pass
    finally:
        q.close()
    report(f"bench_linux: Linux {kver} (Debian), busybox initramfs; {ver}, accel=tcg, machine=q35, "
           f"DIMM 1 GiB, {a.runs} runs", res, TIMEOUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
