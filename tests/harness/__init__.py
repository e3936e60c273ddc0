"""hotmem's QEMU test harness: see qemu.py (Qemu, QemuConfig, Dimm), serial.py, qmp.py, gdb.py."""

from .gdb import Gdb, GdbTimeout, run_gdb_batch
from .qemu import (BUILD, ELF, EXIT_FAIL, EXIT_PASS, FAILTEST_ISO, GiB, ISO, KiB, LOG_ROOT, MiB, ROOT,
                   SELFTEST_ISO, TIMEOUT_SCALE, Dimm, Qemu, QemuConfig, Region, device_memory_region,
                   dimm_addresses, fmt_size, parse_size, qemu_args)
from .qmp import QMP, QMPError, QMPTimeout
from .serial import PROMPT, Serial, SerialClosed, SerialTimeout, clean_text
