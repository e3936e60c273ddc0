"""qemu.py - machine configuration, QEMU command lines and a running QEMU with serial + QMP.

QemuConfig describes a machine (used by scripts/run.py and the tests, so both boot the same thing);
qemu_args() turns it into QEMU arguments; Qemu starts one under TCG with the serial port and QMP on
unix sockets, keeps the logs under build/test-logs/<test>/ and kills QEMU on every path.
"""

import ctypes
import dataclasses
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

from .qmp import QMP
from .serial import Serial, SerialClosed

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
ISO = BUILD / "hotmem.iso"
SELFTEST_ISO = BUILD / "hotmem-selftest.iso"
FAILTEST_ISO = BUILD / "failtest" / "hotmem-selftest.iso"
ELF = BUILD / "hotmem.elf"
LOG_ROOT = BUILD / "test-logs"
QEMU_BIN = os.environ.get("HOTMEM_QEMU", "qemu-system-x86_64")

# glibc's malloc on transparent huge pages (the glibc.malloc.hugetlb tunable of glibc >= 2.35,
# ignored by older ones): QEMU's start-up fills tens of MiB of heap, and under a hypervisor each
# 4 KiB page fault costs microseconds; with 2 MiB pages QEMU reaches the guest's first instruction
# ~40 ms sooner (docs/boot.md). Guest RAM is not malloc'd (QEMU maps it, with its own huge-page
# advice), so the guest and the RSS of its memory are unchanged.
QEMU_TUNABLES = "glibc.malloc.hugetlb=1"


def qemu_env(env=None):
    """env (default os.environ) with QEMU_TUNABLES added to GLIBC_TUNABLES, for QEMU's process."""
    env = dict(os.environ if env is None else env)
    if "glibc.malloc.hugetlb" not in env.get("GLIBC_TUNABLES", ""):
        env["GLIBC_TUNABLES"] = ":".join(filter(None, [env.get("GLIBC_TUNABLES"), QEMU_TUNABLES]))
    return env

# Debian 12's ovmf package: OVMF_CODE.fd is the 2 MiB build without Secure Boot (no SMM needed,
# so it runs on pc and q35); OVMF_VARS.fd is its variable store template.
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS.fd")

# Multiply every harness timeout (slow or heavily loaded machines, parallel runs).
TIMEOUT_SCALE = float(os.environ.get("HOTMEM_TIMEOUT_SCALE", "1"))

# isa-debug-exit: QEMU exits with (value << 1) | 1.
EXIT_PASS = 33
EXIT_FAIL = 35

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
_SIZE_RE = re.compile(r"^\s*(\d+)\s*([KMGT]?)i?B?\s*$", re.I)


def parse_size(s):
    """'512M' / '1G' / 536870912 -> bytes (QEMU's binary suffixes)."""
    if isinstance(s, int):
        return s
    m = _SIZE_RE.match(str(s))
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2).upper()]


def fmt_size(n):
    """bytes -> the shortest exact QEMU size string ('512M', '1G', '3072K')."""
    for suffix, shift in (("T", 40), ("G", 30), ("M", 20), ("K", 10)):
        if n and n % (1 << shift) == 0:
            return f"{n >> shift}{suffix}"
    return str(n)


@dataclasses.dataclass
class Dimm:
    """A pc-dimm backed by memory-backend-ram "mem-<id>"."""

    id: str
    size: object = "512M"  # bytes or a QEMU size string; multiple of 2 MiB
    node: int | None = None
    reserve: bool = True  # False: reserve=off (no swap reservation: terabyte DIMMs on a small host)

    def args(self):
        a = ["-object", f"memory-backend-ram,id=mem-{self.id},size={fmt_size(parse_size(self.size))}"
                        + ("" if self.reserve else ",reserve=off")]
        dev = f"pc-dimm,id={self.id},memdev=mem-{self.id}"
        if self.node is not None:
            dev += f",node={self.node}"
        return a + ["-device", dev]


@dataclasses.dataclass
class VirtioMem:
    """A virtio-mem-pci device "id" on a backend "vmem-<id>" (ram, or memfd: QEMU then offers
    UNPLUGGED_INACCESSIBLE). size is the region; requested the initial requested-size."""

    id: str = "vm0"
    size: object = "4G"
    requested: object = 0
    block: object = "2M"
    node: int | None = 0
    backend: str = "ram"  # ram | memfd
    memaddr: int | None = None  # guest-physical address of the region (QEMU picks one otherwise)

    def args(self):
        be = "memory-backend-memfd" if self.backend == "memfd" else "memory-backend-ram"
        dev = (f"virtio-mem-pci,id={self.id},memdev=vmem-{self.id},requested-size={parse_size(self.requested)},"
               f"block-size={fmt_size(parse_size(self.block))}")
        if self.node is not None:
            dev += f",node={self.node}"
        if self.memaddr is not None:
            dev += f",memaddr={self.memaddr:#x}"
        return ["-object", f"{be},id=vmem-{self.id},size={fmt_size(parse_size(self.size))}", "-device", dev]


@dataclasses.dataclass
class QemuConfig:
    """A machine. Defaults are `make run`'s hotplug-ready machine."""

    machine: str = "q35"  # q35 | pc
    firmware: str = "bios"  # bios (SeaBIOS) | ovmf
    iso: Path | None = ISO  # None: no CD (a guest booted with -kernel, as bench/bench_linux*.py do)
    mem: object = "1G"  # boot RAM (-m size)
    slots: int = 8  # 0 disables memory hotplug (no slots/maxmem)
    maxmem: object = "32G"
    numa_nodes: int = 2  # boot RAM split evenly over this many nodes (0: no -numa)
    ram_reserve: bool = True  # False: the nodes' RAM backends get reserve=off (huge boot RAM)
    cold_dimms: list = dataclasses.field(default_factory=lambda: [Dimm("dimm0", "512M", node=1)])
    virtio_mem: list = dataclasses.field(default_factory=list)  # VirtioMem devices
    no_reboot: bool = True  # -no-reboot: a guest reset ends QEMU (False: the machine reboots)
    cpus: int = 1
    kvm: bool = False
    extra_args: list = dataclasses.field(default_factory=list)
    ovmf_vars: Path | None = None  # writable copy of OVMF_VARS.fd (created when missing)

    @property
    def ram_size(self):
        return parse_size(self.mem)

    @property
    def maxmem_size(self):
        return parse_size(self.maxmem)


def qemu_args(cfg):
    """QEMU arguments for cfg's machine, firmware, memory, NUMA, DIMMs and boot ISO.
    Console, QMP, display and gdb options are the caller's."""
    if cfg.machine not in ("q35", "pc"):
        raise ValueError(f"machine must be q35 or pc, not {cfg.machine!r}")
    if cfg.firmware not in ("bios", "ovmf"):
        raise ValueError(f"firmware must be bios or ovmf, not {cfg.firmware!r}")
    args = ["-machine", cfg.machine, "-accel", "kvm" if cfg.kvm else "tcg"]
    if cfg.kvm:
        args += ["-cpu", "host"]
    args += ["-smp", str(cfg.cpus)]
    ram = cfg.ram_size
    m = fmt_size(ram)
    if cfg.slots:
        m += f",slots={cfg.slots},maxmem={fmt_size(cfg.maxmem_size)}"
    args += ["-m", m]
    if cfg.numa_nodes:
        n = cfg.numa_nodes
        per = ram // n
        if per * n != ram or per % (2 * MiB):
            raise ValueError(f"{fmt_size(ram)} does not split into {n} nodes of a multiple of 2 MiB")
        for i in range(n):
            args += ["-object", f"memory-backend-ram,id=ram-node{i},size={fmt_size(per)}"
                     + ("" if cfg.ram_reserve else ",reserve=off"),
                     "-numa", f"node,nodeid={i},memdev=ram-node{i}"]
    for d in cfg.cold_dimms:
        args += d.args()
    for v in cfg.virtio_mem:
        args += v.args()
    if cfg.firmware == "ovmf":
        if cfg.ovmf_vars is None:
            raise ValueError("firmware=ovmf needs ovmf_vars (a writable copy of OVMF_VARS.fd)")
        vars_path = Path(cfg.ovmf_vars)
        if not vars_path.exists():
            vars_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(OVMF_VARS, vars_path)
        args += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                 "-drive", f"if=pflash,format=raw,unit=1,file={vars_path}"]
    if cfg.iso is not None:
        args += ["-cdrom", str(cfg.iso), "-boot", "d"]
    args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + (["-no-reboot"] if cfg.no_reboot else [])
    return args + list(cfg.extra_args)


@dataclasses.dataclass
class Region:
    base: int
    size: int

    @property
    def end(self):
        return self.base + self.size


def device_memory_region(cfg=None, machine="q35", mem="1G", slots=8, maxmem="32G"):
    """The device-memory (hotplug) region QEMU 7.2 reserves for cfg (or the given values), or
    None without slots. base = ROUND_UP(end of RAM above 4 GiB, 1 GiB) (4 GiB when all RAM fits
    below 4 GiB); size = (maxmem - ram) + 1 GiB * slots. The low/high RAM split: pc puts up to
    3.5 GiB below 4 GiB (3 GiB when RAM >= 3.5 GiB); q35 up to 2.75 GiB (2 GiB when RAM >= 2.75 GiB).
    Ignores QEMU's AMD HyperTransport-hole relocation (only when the region would reach 1 TiB)."""
    if cfg is not None:
        machine, mem, slots, maxmem = cfg.machine, cfg.mem, cfg.slots, cfg.maxmem
    if not slots:
        return None
    ram, maxram = parse_size(mem), parse_size(maxmem)
    if machine == "pc":
        lowmem = 0xC0000000 if ram >= 0xE0000000 else 0xE0000000
    else:
        lowmem = 0x80000000 if ram >= 0xB0000000 else 0xB0000000
    above = ram - lowmem if ram >= lowmem else 0
    base = (4 * GiB + above + GiB - 1) // GiB * GiB
    return Region(base, (maxram - ram) + GiB * slots)


def dimm_addresses(cfg=None, sizes=(), machine="q35", mem="1G", slots=8, maxmem="32G"):
    """Addresses QEMU gives DIMMs of the given sizes plugged one after another into an empty
    region (first fit, 2 MiB aligned): cfg's cold DIMMs first, then sizes."""
    region = device_memory_region(cfg, machine, mem, slots, maxmem)
    all_sizes = [parse_size(d.size) for d in cfg.cold_dimms] if cfg is not None else []
    all_sizes += [parse_size(s) for s in sizes]
    addrs, at = [], region.base
    for s in all_sizes:
        at = (at + 2 * MiB - 1) // (2 * MiB) * (2 * MiB)
        addrs.append(at)
        at += s
    return addrs


def free_tcp_port():
    """A TCP port that was free a moment ago (for -gdb tcp::PORT)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sock_dir(log_dir):
    # Unix socket paths are limited to 107 bytes: use the log dir when it is short enough.
    if len(str(log_dir / "serial-99.sock")) < 100:
        return log_dir, None
    d = Path(tempfile.mkdtemp(prefix="hotmem-"))
    return d, d


_live = weakref.WeakSet()

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:
    _libc = None


def _die_with_parent():
    """preexec_fn: the child gets SIGKILL when the harness process dies, even by SIGKILL."""
    if _libc is not None:
        _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


# util-linux's setpriv sets the same parent-death signal and execs QEMU (same pid). Preferred to
# preexec_fn, which makes Python fork the whole interpreter instead of vfork: 15-40 ms per QEMU
# start, all of it on the boot's wall time.
_SETPRIV = shutil.which("setpriv")


def spawn_dying_with_parent(argv, **kw):
    """subprocess.Popen(argv, **kw) whose process gets SIGKILL when the harness process dies."""
    if _SETPRIV:
        return subprocess.Popen([_SETPRIV, "--pdeathsig", "KILL", "--"] + list(argv), **kw)
    return subprocess.Popen(argv, preexec_fn=_die_with_parent, **kw)


class Qemu:
    """One QEMU under test. Start with start() (or use as a context manager); always stopped by
    close(), by the pytest fixture and, as a last resort, by a finalizer.

    Attributes once started: serial (Serial), qmp (QMP), proc (Popen), log_dir, gdb_port."""

    def __init__(self, cfg=None, log_dir=None, name="", paused=False, gdb=False, **overrides):
        cfg = cfg or QemuConfig()
        if overrides:
            cfg = dataclasses.replace(cfg, **overrides)
        self.cfg = cfg
        self.log_dir = Path(log_dir or LOG_ROOT / "adhoc")
        self.name = name  # suffix for log files when a test starts more than one QEMU
        self.paused = paused or gdb  # -S: the CPU waits for QMP cont / gdb continue
        self.gdb_port = free_tcp_port() if gdb else None
        self.proc = None
        self.serial = None
        self.qmp = None
        self._tmpdir = None
        self._qmp_log = None
        self._stderr = None
        self.returncode = None
        self._finalizer = None
        self._argv = None
        self.serial_connected_at = None  # time.monotonic() when QEMU's serial socket accepted

    def _file(self, stem, ext):
        return self.log_dir / (f"{stem}-{self.name}.{ext}" if self.name else f"{stem}.{ext}")

    @property
    def serial_log(self):
        return self._file("serial", "log")

    @property
    def cmdline_file(self):
        return self._file("cmdline", "txt")

    def command(self):
        """The full QEMU argv (sockets are decided by start())."""
        return self._argv

    def start(self, timeout=30.0):
        timeout *= TIMEOUT_SCALE
        if self.cfg.iso is not None and not Path(self.cfg.iso).exists():
            raise FileNotFoundError(f"{self.cfg.iso} does not exist (run `make iso`)")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        sock_dir, self._tmpdir = _sock_dir(self.log_dir)
        sfx = f"-{self.name}" if self.name else ""
        self.serial_sock = sock_dir / f"serial{sfx}.sock"
        self.qmp_sock = sock_dir / f"qmp{sfx}.sock"
        for p in (self.serial_sock, self.qmp_sock):
            p.unlink(missing_ok=True)
        cfg = self.cfg
        if cfg.firmware == "ovmf" and cfg.ovmf_vars is None:
            cfg = dataclasses.replace(cfg, ovmf_vars=self._file("OVMF_VARS", "fd"))
            Path(cfg.ovmf_vars).unlink(missing_ok=True)
            self.cfg = cfg
        argv = [QEMU_BIN, "-nodefaults", "-display", "none", "-name", f"hotmem-test{sfx}"]
        argv += qemu_args(cfg)
        argv += ["-qmp", f"unix:{self.qmp_sock},server=on,wait=off"]
        # wait=on: QEMU does not start the guest before the harness is connected, so no output
        # is lost.
        argv += ["-chardev", f"socket,id=ser0,path={self.serial_sock},server=on,wait=on",
                 "-serial", "chardev:ser0"]
        if self.gdb_port:
            argv += ["-gdb", f"tcp:127.0.0.1:{self.gdb_port}"]
        if self.paused:
            argv += ["-S"]
        self._argv = argv
        self.cmdline_file.write_text(shlex.join(argv) + "\n")
        self.serial_log.unlink(missing_ok=True)
        self._stderr = open(self._file("qemu-stderr", "log"), "wb")
        self.proc = spawn_dying_with_parent(argv, stdin=subprocess.DEVNULL, stdout=self._stderr,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            env=qemu_env())
        self._finalizer = weakref.finalize(self, Qemu._reap, self.proc)
        _live.add(self)
        try:
            alive = lambda: self.proc.poll() is None
            self.serial = Serial.connect(self.serial_sock, timeout, self.serial_log, alive)
            self.serial_connected_at = time.monotonic()
            self._qmp_log = open(self._file("qmp", "log"), "w")
            self.qmp = QMP.connect(self.qmp_sock, timeout, self._qmp_log, alive)
        except BaseException:
            err = self._stderr_text()
            self.close()
            if err:
                raise RuntimeError(f"QEMU failed to start: {err}\ncommand: {shlex.join(argv)}")
            raise
        return self

    def _stderr_text(self):
        try:
            return self._file("qemu-stderr", "log").read_text(errors="replace").strip()
        except OSError:
            return ""

    @staticmethod
    def _reap(proc):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # Resumes a QEMU started paused (-S) through QMP.
    def cont(self):
        self.qmp.execute("cont")

    # Waits for QEMU to exit by itself and returns its exit status (isa-debug-exit: (v<<1)|1).
    # Raises TimeoutError (QEMU is left running; close() kills it).
    def wait_exit(self, timeout=60.0):
        timeout *= TIMEOUT_SCALE
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            tail = self.serial.tail(1500) if self.serial else ""
            raise TimeoutError(f"QEMU did not exit within {timeout}s; serial tail:\n{tail}") from None
        if self.serial:  # let the reader drain what QEMU wrote before exiting
            self.serial._reader.join(timeout=2)
        return self.returncode

    # Convenience wrappers over the serial console (timeouts scaled by HOTMEM_TIMEOUT_SCALE).
    def wait_for(self, pattern, timeout=30.0, flags=0):
        return self.serial.wait_for(pattern, timeout * TIMEOUT_SCALE, flags)

    def wait_prompt(self, timeout=60.0):
        return self.serial.wait_prompt(timeout * TIMEOUT_SCALE)

    def send_line(self, line=""):
        self.serial.send_line(line)

    def cmd(self, line, timeout=30.0):
        return self.serial.cmd(line, timeout * TIMEOUT_SCALE)

    # Boots to the shell prompt (resuming first if paused) and returns self.
    def boot(self, timeout=90.0):
        if self.paused and self.qmp.execute("query-status")["status"] == "prelaunch":
            self.cont()
        self.wait_prompt(timeout)
        return self

    # QEMU's resident set in bytes (VmRSS in /proc/<pid>/status): what the host really backs.
    def rss(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for QEMU pid {self.proc.pid}")

    # Hot-adds a pc-dimm (object-add + device_add). Returns the Dimm.
    def hot_add_dimm(self, id, size="1G", node=None, reserve=True):
        d = Dimm(id, size, node, reserve)
        backend = {"qom-type": "memory-backend-ram", "id": f"mem-{id}", "size": parse_size(size)}
        if not reserve:
            backend["reserve"] = False
        self.qmp.execute("object-add", backend)
        args = {"driver": "pc-dimm", "id": id, "memdev": f"mem-{id}"}
        if node is not None:
            args["node"] = node
        self.qmp.execute("device_add", args)
        return d

    # Asks for a DIMM's removal (device_del); with wait, waits for DEVICE_DELETED and removes the
    # backend. Returns the DEVICE_DELETED event (or None without wait).
    def hot_remove_dimm(self, id, wait=True, timeout=60.0):
        self.qmp.execute("device_del", id=id)
        if not wait:
            return None
        ev = self.qmp.wait_event("DEVICE_DELETED", timeout * TIMEOUT_SCALE,
                                 lambda e: e.get("data", {}).get("device") == id)
        self.qmp.execute("object-del", id=f"mem-{id}")
        return ev

    # {id: {"addr", "size", "node", "slot", ...}} from query-memory-devices.
    def memory_devices(self):
        out = {}
        for d in self.qmp.execute("query-memory-devices"):
            data = d.get("data", {})
            out[data.get("id")] = data
        return out

    # Sets a virtio-mem device's requested-size (QMP qom-set; bytes or a size string).
    def vmem_request(self, id, size):
        self.qmp.execute("qom-set", {"path": id, "property": "requested-size", "value": parse_size(size)})

    # The plugged size QEMU reports for a virtio-mem device (query-memory-devices "size").
    def vmem_size(self, id):
        return self.memory_devices()[id]["size"]

    # Sets requested-size and waits for the kernel's "vmem: size 0x... reached" line (or, with
    # stuck=True, its "resize stopped" line). Returns the re.Match of that line.
    def vmem_resize(self, id, size, timeout=120.0, stuck=False):
        n = parse_size(size)
        self.vmem_request(id, n)
        pat = r"vmem: resize stopped at [^\n]*\n" if stuck else rf"vmem: size 0x{n:x} reached \(requested 0x{n:x}\)"
        return self.wait_for(pat, timeout)

    # Stops QEMU (SIGKILL if still running), closes sockets and logs. Safe to call twice.
    def close(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
            if self.returncode is None:
                self.returncode = self.proc.returncode
        for obj in (self.serial, self.qmp):
            if obj is not None:
                try:
                    obj.close()
                except OSError:
                    pass
        for f in (self._qmp_log, self._stderr):
            if f is not None:
                f.close()
        self._qmp_log = self._stderr = None
        if self.serial is not None:
            try:  # a cleaned copy of the serial log, easier to read than the raw one
                self._file("serial", "txt").write_text(self.serial.text)
            except OSError:
                pass
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        _live.discard(self)


def kill_all():
    """Kills every Qemu this process started that is still running (session teardown)."""
    for q in list(_live):
        q.close()
