"""gdb.py - gdb in batch mode against a QEMU started with gdb=True (-S, -gdb tcp::PORT).

The checked-in scripts/hotmem.gdb does the connecting (port from $hm_port) and loads the symbols;
the test's own commands follow it. Gdb runs in the background so that a test can drive QMP or
the serial console while gdb sits at a breakpoint: wait_for() on gdb's output, wait() for its end.

    q = make_qemu(gdb=True)
    g = Gdb(q, ["hbreak kmain", "continue", "bt", "continue"], stop_at_kmain=False).start()
    g.wait_for(r"Breakpoint 1, .*kmain", timeout=60)
    q.wait_prompt()
"""

import os
import re
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path

from .qemu import ELF, ROOT, TIMEOUT_SCALE, _die_with_parent

GDB_BIN = os.environ.get("HOTMEM_GDB", "gdb")
HOTMEM_GDB = ROOT / "scripts" / "hotmem.gdb"


class GdbTimeout(TimeoutError):
    pass


class Gdb:
    """A batch gdb process. commands: list of gdb command lines (or one string) run after
    scripts/hotmem.gdb. stop_at_kmain: let hotmem.gdb run to kmain first (as `make debug` does);
    False leaves the CPU at the reset vector, connected, for the commands to decide."""

    def __init__(self, qemu, commands=(), stop_at_kmain=True, elf=ELF, name="gdb", log_dir=None):
        if not qemu.gdb_port:
            raise ValueError("start QEMU with gdb=True")
        self.qemu = qemu
        self.commands = commands.splitlines() if isinstance(commands, str) else list(commands)
        self.stop_at_kmain = stop_at_kmain
        self.elf = Path(elf)
        self.log_dir = Path(log_dir or qemu.log_dir)
        self.name = name
        self.proc = None
        self._out = ""
        self._cursor = 0
        self._cv = threading.Condition()
        self._done = False

    def argv(self):
        script = self.log_dir / f"{self.name}-commands.gdb"
        script.write_text("\n".join(self.commands) + "\n")
        return [GDB_BIN, "-nx", "-batch",
                "-ex", f"set $hm_port = {self.qemu.gdb_port}",
                "-ex", f"set $hm_stop_at_kmain = {1 if self.stop_at_kmain else 0}",
                "-ex", f"set $hm_elf = \"{self.elf}\"",
                "-x", str(HOTMEM_GDB), "-x", str(script)]

    def start(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        argv = self.argv()
        (self.log_dir / f"{self.name}-cmdline.txt").write_text(shlex.join(argv) + "\n")
        self._log = open(self.log_dir / f"{self.name}.log", "w")
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        threading.Thread(target=self._read, name="gdb-reader", daemon=True).start()
        return self

    def _read(self):
        for raw in iter(lambda: self.proc.stdout.readline(), b""):
            line = raw.decode(errors="replace")
            self._log.write(line)
            self._log.flush()
            with self._cv:
                self._out += line
                self._cv.notify_all()
        with self._cv:
            self._done = True
            self._cv.notify_all()

    @property
    def output(self):
        with self._cv:
            return self._out

    # Waits for a regex (MULTILINE) in gdb's output after the previous match; returns the match.
    def wait_for(self, pattern, timeout=60.0):
        rx = re.compile(pattern, re.M) if isinstance(pattern, str) else pattern
        timeout *= TIMEOUT_SCALE
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                m = rx.search(self._out, self._cursor)
                if m:
                    self._cursor = m.end()
                    return m
                left = deadline - time.monotonic()
                if self._done or left <= 0:
                    why = "gdb exited" if self._done else f"timeout after {timeout}s"
                    raise GdbTimeout(f"{why} waiting for {rx.pattern!r}; gdb output:\n{self._out[-3000:]}")
                self._cv.wait(min(left, 1.0))

    # Waits for gdb to finish; returns (exit status, whole output). Kills it on timeout.
    def wait(self, timeout=120.0):
        timeout *= TIMEOUT_SCALE
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise GdbTimeout(f"gdb did not finish within {timeout}s; output:\n{self.output[-3000:]}")
        with self._cv:
            self._cv.wait_for(lambda: self._done, 5)
        return rc, self.output

    def close(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        if getattr(self, "_log", None):
            with self._cv:
                self._cv.wait_for(lambda: self._done, 2)
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.close()


def run_gdb_batch(qemu, commands, timeout=120.0, stop_at_kmain=True, name="gdb"):
    """Runs gdb in batch mode to the end; returns (exit status, output)."""
    g = Gdb(qemu, commands, stop_at_kmain=stop_at_kmain, name=name).start()
    try:
        return g.wait(timeout)
    finally:
        g.close()
