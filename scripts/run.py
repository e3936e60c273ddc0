#!/usr/bin/env python3
"""run.py - boot build/hotmem.iso in QEMU (make run / make debug).

    scripts/run.py [--machine q35|pc] [--firmware bios|ovmf] [--kvm 0|1] [--smp N] [--gdb] [-- QEMU ARGS...]
    scripts/run.py --attach [build/serial.sock]      (console of a `--gdb` session)

The machine has 4 CPUs (--smp) and is hotplug-ready: 2 NUMA nodes (512 MiB each),
-m 1G,slots=8,maxmem=32G, one
cold-plugged 512 MiB pc-dimm (id dimm0) on node 1 - the same machine the tests' default QemuConfig
describes (tests/harness/qemu.py) - and a virtio-mem device (id vm0, 4 GiB region, 2 MiB blocks,
requested-size 0): `qom-set vm0 requested-size 1G` in the monitor grows the guest. QMP listens on
build/qmp.sock.

Without --gdb the serial console and the QEMU monitor share this terminal (-serial mon:stdio):
Ctrl-A c switches between console and monitor, Ctrl-A x quits QEMU, Ctrl-A h lists the keys.

With --gdb QEMU starts stopped (-s -S) in the background and gdb runs in the foreground with
scripts/hotmem.gdb (stops in kmain). The console (with the Ctrl-A monitor) is on the unix socket
build/serial.sock, everything it prints is also logged to build/serial.log: attach a terminal with
`scripts/run.py --attach` in a second terminal (inside tmux a pane is split for it automatically).
Quitting gdb stops QEMU.
"""

import argparse
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import termios
import time
import tty
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from harness.qemu import (BUILD, ELF, ISO, OVMF_CODE, OVMF_VARS, QemuConfig, VirtioMem, qemu_args,  # noqa: E402
                          qemu_env)

QMP_SOCK = BUILD / "qmp.sock"
SERIAL_SOCK = BUILD / "serial.sock"
SERIAL_LOG = BUILD / "serial.log"
VARS = BUILD / "OVMF_VARS.fd"


def attach(path):
    """A raw terminal on the serial socket until Ctrl-] (the Ctrl-A monitor keys pass through)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(300):
        try:
            s.connect(str(path))
            break
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.1)
    else:
        sys.exit(f"run.py: nothing listens on {path} (is `make debug` running?)")
    print(f"run.py: attached to {path}; Ctrl-] detaches, Ctrl-A c toggles the QEMU monitor\r")
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd) if os.isatty(fd) else None
    if old:
        tty.setraw(fd)
    try:
        while True:
            r, _, _ = select.select([fd, s], [], [])
            if s in r:
                data = s.recv(4096)
                if not data:
                    break
                os.write(sys.stdout.fileno(), data)
            if fd in r:
                data = os.read(fd, 1024)
                if not data or b"\x1d" in data:
                    break
                s.sendall(data)
    finally:
        if old:
            termios.tcsetattr(fd, termios.TCSADRAIN, old)
        print("\nrun.py: detached")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--machine", choices=("q35", "pc"), default="q35")
    ap.add_argument("--firmware", choices=("bios", "ovmf"), default="bios")
    ap.add_argument("--kvm", type=int, choices=(0, 1), default=0, help="1: KVM instead of TCG")
    ap.add_argument("--smp", type=int, default=4, help="number of CPUs (1..64; default 4)")
    ap.add_argument("--iso", type=Path, default=ISO)
    ap.add_argument("--gdb", action="store_true", help="QEMU -s -S in the background, gdb in front")
    ap.add_argument("--attach", nargs="?", const=SERIAL_SOCK, type=Path, metavar="SOCK",
                    help="connect this terminal to a --gdb session's serial console")
    ap.add_argument("qemu_args", nargs="*", help="extra QEMU arguments (after --)")
    a = ap.parse_args()

    if a.attach:
        return attach(a.attach)
    if not a.iso.exists():
        sys.exit(f"run.py: {a.iso} does not exist; build it with `make iso`")
    if a.kvm and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        sys.exit("run.py: --kvm 1 needs read/write access to /dev/kvm")
    if a.firmware == "ovmf":
        for f in (OVMF_CODE, OVMF_VARS):
            if not f.exists():
                sys.exit(f"run.py: {f} missing (install Debian's ovmf package: scripts/deps.sh)")
        VARS.unlink(missing_ok=True)  # a fresh variable store each boot: no stale boot entries

    BUILD.mkdir(exist_ok=True)
    cfg = QemuConfig(machine=a.machine, firmware=a.firmware, iso=a.iso, kvm=bool(a.kvm), cpus=a.smp,
                     ovmf_vars=VARS, virtio_mem=[VirtioMem("vm0", "4G", requested=0)], extra_args=a.qemu_args)
    QMP_SOCK.unlink(missing_ok=True)
    argv = ["qemu-system-x86_64", "-name", "hotmem", "-nodefaults", "-display", "none"]
    argv += qemu_args(cfg)
    argv += ["-qmp", f"unix:{QMP_SOCK},server=on,wait=off"]

    if not a.gdb:
        argv += ["-serial", "mon:stdio"]
        print(shlex.join(argv), flush=True)
        print(f"run.py: console here; Ctrl-A c = QEMU monitor, Ctrl-A x = quit; QMP on {QMP_SOCK}",
              flush=True)
        os.execvpe(argv[0], argv, qemu_env())  # QEMU's malloc on huge pages, as the tests run it

    # --gdb: console on a socket (mux'd with the monitor) and logged; QEMU in its own session so
    # that Ctrl-C in gdb interrupts the guest, not QEMU.
    if not ELF.exists():
        sys.exit(f"run.py: {ELF} missing (make kernel)")
    SERIAL_SOCK.unlink(missing_ok=True)
    argv += ["-chardev", f"socket,id=ser0,path={SERIAL_SOCK},server=on,wait=off,mux=on,logfile={SERIAL_LOG}",
             "-serial", "chardev:ser0", "-mon", "chardev=ser0,mode=readline", "-s", "-S"]
    print(shlex.join(argv), flush=True)
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True, env=qemu_env())
    for _ in range(100):
        if SERIAL_SOCK.exists() or qemu.poll() is not None:
            break
        time.sleep(0.05)
    if qemu.poll() is not None:
        sys.exit(f"run.py: QEMU exited with status {qemu.returncode}")
    attach_cmd = f"python3 {ROOT / 'scripts' / 'run.py'} --attach"
    print(f"run.py: serial console: unix socket {SERIAL_SOCK} (also logged to {SERIAL_LOG})")
    if os.environ.get("TMUX") and shutil.which("tmux"):
        subprocess.run(["tmux", "split-window", "-h", "-d", f"cd {shlex.quote(str(ROOT))} && {attach_cmd}"])
        print("run.py: console opened in a new tmux pane (Ctrl-] there detaches)")
    else:
        print(f"run.py: to use the console, run in another terminal:  {attach_cmd}")
        print(f"run.py:   or just watch it:  tail -f {SERIAL_LOG}")
    print(f"run.py: QMP on {QMP_SOCK}; gdb stub on localhost:1234; quitting gdb stops QEMU", flush=True)
    gdb = ["gdb", "-q", "-x", str(ROOT / "scripts" / "hotmem.gdb")]
    print(shlex.join(gdb), flush=True)
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to gdb

    def bye(sig, frame):  # a closed terminal or kill: do not leave QEMU behind
        raise SystemExit(128 + sig)

    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGHUP, bye)
    try:
        rc = subprocess.call(gdb, cwd=ROOT)
    finally:
        signal.signal(signal.SIGINT, old)
        if qemu.poll() is None:
            qemu.terminate()
            try:
                qemu.wait(5)
            except subprocess.TimeoutExpired:
                qemu.kill()
                qemu.wait()
    return rc


if __name__ == "__main__":
    sys.exit(main())
