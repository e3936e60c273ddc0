# hotmem.gdb - connect gdb to QEMU's gdb stub and stop in the kernel's C entry point.
#
#   make debug                       (QEMU -s -S in the background, then: gdb -x scripts/hotmem.gdb)
#   gdb -ex 'set $hm_port = 1234' -x scripts/hotmem.gdb        (by hand; run from the repo root)
#
# Settings (convenience variables, set with -ex before -x):
#   $hm_port          gdb stub TCP port on localhost (default 1234, QEMU's -s)
#   $hm_elf           kernel ELF with symbols (default "build/hotmem.elf")
#   $hm_stop_at_kmain 1 (default): run to kmain and stop there; 0: stay at the reset vector
#
# The 16/32-to-64-bit problem: QEMU starts the CPU in real mode and the kernel switches to long
# mode in boot.asm. gdb must treat the target as x86-64 from the start (set architecture), and the
# first stop should be in 64-bit code reached through a hardware breakpoint (hbreak: the kernel is
# not loaded yet when it is set, and its address is a higher-half one). If gdb still complains
# ("Remote 'g' packet reply is too long", seen with some gdb/QEMU pairs after the mode switch), we
# disconnect, set the architecture again and reconnect: in long mode the register layout then
# matches. After the stop in kmain, plain `break` works anywhere in C code.

set pagination off
set confirm off
set print pretty on
set disassembly-flavor intel

if $_isvoid($hm_port)
  set $hm_port = 1234
end
if $_isvoid($hm_elf)
  set $hm_elf = "build/hotmem.elf"
end
if $_isvoid($hm_stop_at_kmain)
  set $hm_stop_at_kmain = 1
end

eval "file %s", $hm_elf
set architecture i386:x86-64
eval "target remote localhost:%d", $hm_port

# hm-reconnect: drop and re-establish the connection with the 64-bit register layout.
define hm-reconnect
  disconnect
  set architecture i386:x86-64
  eval "target remote localhost:%d", $hm_port
end
document hm-reconnect
Reconnect to the gdb stub as x86-64 (cure for "Remote 'g' packet reply is too long").
end

# hm-run-to FUNC: run to a function with a one-shot hardware breakpoint, recovering from the
# 'g' packet error on the way.
python
import gdb

class HmRunTo(gdb.Command):
    """hm-run-to FUNC: continue to FUNC with a temporary hardware breakpoint (x86-64 safe)."""

    def __init__(self):
        super().__init__("hm-run-to", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        func = arg.strip() or "kmain"
        gdb.execute(f"thbreak {func}")
        try:
            gdb.execute("continue")
        except gdb.error as e:
            if "too long" not in str(e):
                raise
            gdb.write("hotmem.gdb: register layout changed (long mode), reconnecting\n")
            gdb.execute("hm-reconnect")
        frame = gdb.selected_frame()
        if frame.name() != func:
            # the reconnect may have caught the CPU elsewhere: the breakpoint is gone, set again
            gdb.execute(f"thbreak {func}")
            gdb.execute("continue")

HmRunTo()
end

if $hm_stop_at_kmain
  hm-run-to kmain
end

# GDB helper commands (hm-sections, ...) live in hotmem-gdb.py when it exists.
python
import os
_hm_py = os.path.join(os.getcwd(), "scripts", "hotmem-gdb.py")  # gdb runs from the repo root
if os.path.exists(_hm_py):
    gdb.execute(f"source {_hm_py}")
end
