"""Fetch QEMU's own ACPI tables (DSDT, SSDTs, ...) from a running qemu-system-x86_64.

QEMU boots SeaBIOS with no disk (-S, then `cont`); SeaBIOS installs the tables QEMU generated
into guest RAM. We read guest physical memory over QMP (`pmemsave`), find the RSDP in
0xE0000-0xFFFFF, follow RSDT -> FACP -> DSDT and every other table, and save them as
<outdir>/<machine>/<sig>[N].aml. Cached: a second call returns the saved files.

Usage: python3 tests/aml/qemu_tables.py pc|q35 OUTDIR
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

QEMU = "qemu-system-x86_64"
MEM_ARGS = ["-m", "1G,slots=4,maxmem=8G"]


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        for _ in range(200):
            try:
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("cannot connect to QMP")
        self.f = self.s.makefile("rw")
        json.loads(self.f.readline())
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(r["error"])

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})


def fetch(machine, outdir, extra_args=()):
    """Return {name: path} of the tables of `machine` (cached in outdir/machine)."""
    d = os.path.join(outdir, machine)
    done = os.path.join(d, "done")
    if os.path.exists(done):
        return {n[:-4]: os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".aml")}
    os.makedirs(d, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="qemu-acpi-")
    sock = os.path.join(tmp, "qmp.sock")
    p = subprocess.Popen([QEMU, "-machine", machine, *MEM_ARGS, "-display", "none", "-nodefaults",
                          "-S", "-qmp", "unix:%s,server=on,wait=off" % sock, *extra_args],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        q = Qmp(sock)
        q.cmd("cont")

        def read(pa, n):
            f = os.path.join(tmp, "mem.bin")
            r = q.hmp("pmemsave %d %d \"%s\"" % (pa, n, f))
            if r.strip():
                raise RuntimeError("pmemsave: " + r)
            with open(f, "rb") as fh:
                return fh.read()

        rsdp = -1
        for _ in range(100):
            time.sleep(0.1)
            low = read(0xE0000, 0x20000)
            rsdp = low.find(b"RSD PTR ")
            while rsdp >= 0 and (rsdp % 16 or sum(low[rsdp:rsdp + 20]) & 0xFF):
                rsdp = low.find(b"RSD PTR ", rsdp + 1)
            if rsdp >= 0:
                break
        if rsdp < 0:
            raise RuntimeError("no RSDP found")
        rsdt_pa = struct.unpack_from("<I", low, rsdp + 16)[0]

        def table(pa):
            hdr = read(pa, 36)
            n = struct.unpack_from("<I", hdr, 4)[0]
            return read(pa, n)

        def whole(t):
            return len(t) >= 36 and struct.unpack_from("<I", t, 4)[0] == len(t) and sum(t) & 0xFF == 0

        # the RSDP can be in place before the firmware has finished the tables it points to: wait
        # until the RSDT and every table it lists are complete (length and checksum right)
        for _ in range(100):
            hdr = read(rsdt_pa, 36)
            rsdt = table(rsdt_pa) if 36 <= struct.unpack_from("<I", hdr, 4)[0] <= 4096 else hdr
            ptrs = [struct.unpack_from("<I", rsdt, 36 + 4 * i)[0] for i in range((len(rsdt) - 36) // 4)]
            if whole(rsdt) and all(whole(table(pa)) for pa in ptrs):
                break
            time.sleep(0.1)  # polling guest memory: the firmware signals nothing
        else:
            raise RuntimeError("the ACPI tables never became complete (checksums)")
        out = {}
        counts = {}

        def save(t):
            sig = t[:4].decode("ascii", "replace")
            k = counts.get(sig, 0)
            counts[sig] = k + 1
            name = sig.lower() + (str(k) if k else "")
            path = os.path.join(d, name + ".aml")
            with open(path, "wb") as fh:
                fh.write(t)
            out[name] = path

        for pa in ptrs:
            t = table(pa)
            save(t)
            if t[:4] == b"FACP":
                dsdt_pa = struct.unpack_from("<I", t, 40)[0]
                if len(t) >= 148:
                    x = struct.unpack_from("<Q", t, 140)[0]
                    dsdt_pa = x or dsdt_pa
                save(table(dsdt_pa))
        open(done, "w").close()
        return out
    finally:
        p.kill()
        p.wait()


if __name__ == "__main__":
    for k, v in fetch(sys.argv[1], sys.argv[2]).items():
        print(k, v)
