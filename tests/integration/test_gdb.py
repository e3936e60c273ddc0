"""Issue 2: a batch gdb session against QEMU's gdb stub (-S): break in the C entry point, see a
symbolized backtrace, continue to the shell prompt."""

import re

from harness import ELF, Gdb
from harness.skip import require


def test_gdb_breaks_in_kmain(make_qemu):
    require(ELF)
    q = make_qemu(gdb=True)  # -S: the CPU waits for gdb
    # hotmem.gdb only connects and loads symbols here; the breakpoint is the test's own.
    g = Gdb(q, ["hbreak kmain", "continue", "bt", "info registers rip", "continue"],
            stop_at_kmain=False).start()
    g.wait_for(r"^Hardware assisted breakpoint 1 at 0x[0-9a-f]+: file .*, line \d+\.", timeout=60)
    g.wait_for(r"^Breakpoint 1, (0x[0-9a-f]+ in )?kmain \(", timeout=90)
    g.wait_for(r"^#0 +(0x[0-9a-f]+ in )?kmain \(", timeout=30)  # the innermost frame is kmain itself
    rip = g.wait_for(r"^rip\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+ )?<kmain(\+\d+)?>", timeout=30)
    assert int(rip.group(1), 16) >= 0xFFFFFFFF80000000  # higher half, long mode
    q.wait_prompt(timeout=90)  # the last `continue` boots to the shell
    assert q.cmd("version").startswith("hotmem ")
    g.close()


def test_gdb_script_stops_in_kmain(make_qemu):
    """scripts/hotmem.gdb as `make debug` uses it: it runs to kmain by itself; a breakpoint in C
    code set afterwards just works."""
    require(ELF)
    q = make_qemu(gdb=True)
    g = Gdb(q, ["bt", "break shell_run_command", "continue", "bt", "continue"], stop_at_kmain=True).start()
    g.wait_for(r"^#0 .*kmain", timeout=90)
    q.wait_prompt(timeout=90)
    q.send_line("version")
    g.wait_for(r"^Breakpoint \d+, (0x[0-9a-f]+ in )?shell_run_command \(", timeout=60)
    bt = g.wait_for(r"^#0 [\s\S]*?kmain", timeout=30).group(0)
    assert re.search(r"shell_input", bt), bt
    assert q.wait_for(r"^hotmem .*$", timeout=60)  # the final continue runs the command
    q.wait_prompt()
    g.close()
