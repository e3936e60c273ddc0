"""hotmem's QEMU test harness (stdlib only; pytest fixtures live in tests/integration/conftest.py).

    def test_hot_add(make_qemu):                       # fixture: starts QEMU, kills it at teardown
        q = make_qemu(machine="pc", firmware="ovmf")   # QemuConfig fields; always TCG
        q.boot()                                       # waits for "hotmem> " (cont first if paused)
        assert q.cmd("version").startswith("hotmem ")  # output between the echo and the next prompt
        q.hot_add_dimm("d1", "1G", node=1)             # QMP object-add + device_add
        q.wait_for(r"^dimm: .* online", timeout=30)    # regex on cleaned serial output (re.Match)
        q.hot_remove_dimm("d1")                        # device_del, waits for DEVICE_DELETED
        ev = q.qmp.wait_event("ACPI_DEVICE_OST", 10, lambda e: e["data"]["info"]["device"] == "d1")
        region = device_memory_region(q.cfg)           # where QEMU puts DIMMs (base, size, end)

Also: q.serial.send_line / write / poll_for / skip, q.qmp.execute / events / clear_events,
q.wait_exit() (isa-debug-exit status: EXIT_PASS 33, EXIT_FAIL 35), q.memory_devices(),
Gdb(q, [...]) for a batch gdb against make_qemu(gdb=True). Logs: build/test-logs/<module>.<test>/
(cmdline.txt, serial.log raw, serial.txt cleaned, qmp.log, qemu-stderr.log, gdb.log).
HOTMEM_TIMEOUT_SCALE=N multiplies the timeouts.
"""

from .gdb import Gdb, GdbTimeout, run_gdb_batch
from .qemu import (BUILD, ELF, EXIT_FAIL, EXIT_PASS, FAILTEST_ISO, GiB, ISO, KiB, LOG_ROOT, MiB, ROOT,
                   SELFTEST_ISO, TIMEOUT_SCALE, Dimm, Qemu, VirtioMem, QemuConfig, Region, device_memory_region,
                   dimm_addresses, fmt_size, parse_size, qemu_args)
from .qmp import QMP, QMPError, QMPTimeout
from .serial import PROMPT, Serial, SerialClosed, SerialTimeout, clean_text
