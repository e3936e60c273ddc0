"""Issue 2: boot to the shell on every machine/firmware pair, the shell basics, the selftest exit
codes and the exception report's backtrace."""

import os
import random
import re

import pytest

from harness import (EXIT_FAIL, EXIT_PASS, FAILTEST_ISO, SELFTEST_ISO, Dimm, MiB,
                     device_memory_region, dimm_addresses)
from harness.skip import require

COMBOS = [("pc", "bios"), ("pc", "ovmf"), ("q35", "bios"), ("q35", "ovmf")]


@pytest.mark.parametrize("machine,firmware", COMBOS, ids=[f"{m}-{f}" for m, f in COMBOS])
def test_boots_to_prompt(make_qemu, machine, firmware):
    q = make_qemu(machine=machine, firmware=firmware)
    banner = q.wait_for(r"^hotmem (\S+) booting$", timeout=90)
    q.wait_prompt(timeout=60)
    version = q.cmd("version")
    assert version.startswith(f"hotmem {banner.group(1)} (built "), (banner.group(0), version)


def test_help_lists_commands(shell):
    out = shell.cmd("help")
    for name in ("help", "version", "uptime", "log", "reboot"):
        assert re.search(rf"^\s*{name}\b", out, re.M), f"help does not list {name}:\n{out}"


def test_unknown_command(shell):
    out = shell.cmd("frobnicate now")
    assert "error: unknown command 'frobnicate'" in out
    assert len(out.splitlines()) == 1, f"expected one error line, got:\n{out}"
    assert shell.cmd("version").startswith("hotmem ")  # the shell still works


def test_random_serial_input(shell):
    seed = int(os.environ.get("HOTMEM_TEST_SEED", "20261129"), 0)
    print(f"random serial input: seed {seed} (HOTMEM_TEST_SEED={seed} repeats it)")
    junk = random.Random(seed).randbytes(4096)
    (shell.log_dir / "random-input.bin").write_bytes(junk)
    shell.serial.write(junk)
    # '@' ends an escape sequence the junk may have left open (it is a plain character
    # otherwise), Ctrl-C abandons the garbage line; then the shell must answer.
    shell.serial.write(b"@\x03")
    shell.send_line("version")
    # the shell answers: the echoed command, then its output (the seed is printed above)
    shell.wait_for(r"^hotmem> version\nhotmem \S+ \(built ", timeout=90)
    shell.wait_prompt()
    assert shell.alive()


def test_selftest_passes(make_qemu):
    require(SELFTEST_ISO)  # the ISO whose default GRUB entry is `selftest`
    q = make_qemu(iso=SELFTEST_ISO)
    m = q.wait_for(r"^selftest: (\d+) passed, (\d+) failed", timeout=120)
    assert int(m.group(2)) == 0, q.serial.text[-3000:]
    assert int(m.group(1)) > 0
    assert q.wait_exit(timeout=30) == EXIT_PASS


def test_selftest_failing_test_fails(make_qemu):
    require(FAILTEST_ISO)  # built by make test with -DHOTMEM_FAILING_TEST
    q = make_qemu(iso=FAILTEST_ISO)
    m = q.wait_for(r"^selftest: (\d+) passed, (\d+) failed", timeout=120)
    assert int(m.group(2)) >= 1
    assert q.wait_exit(timeout=30) == EXIT_FAIL


def test_crash_backtrace_names_functions(shell):
    shell.send_line("crash")
    shell.wait_for(r"^EXCEPTION \d+ .*$", timeout=30)
    # wait for the report's end: the backtrace arrives line by line
    trace = shell.wait_for(r"^backtrace:\n(.*?)^kernel stopped", timeout=30, flags=re.S).group(1)
    funcs = re.findall(r"^\s*#\d+\s+0x[0-9a-f]+\s+([A-Za-z_]\w*)\+0x", trace, re.M)
    assert "cmd_crash" in funcs, trace
    assert "shell_run_command" in funcs, trace
    assert funcs.index("cmd_crash") < funcs.index("shell_run_command"), trace  # innermost first


MEM_CONFIGS = [("q35", "1G", 8, "32G"), ("pc", "1G", 8, "32G"), ("pc", "4G", 16, "130G"),
               ("q35", "3G", 16, "130G"), ("q35", "2G", 4, "8G")]


@pytest.mark.parametrize("machine,mem,slots,maxmem", MEM_CONFIGS,
                         ids=[f"{m}-{r}-{s}-{x}" for m, r, s, x in MEM_CONFIGS])
def test_harness_device_memory_region(make_qemu, machine, mem, slots, maxmem):
    """The harness's device-memory rules agree with QEMU (paused: the guest does not run)."""
    q = make_qemu(paused=True, machine=machine, mem=mem, slots=slots, maxmem=maxmem, numa_nodes=2,
                  cold_dimms=[Dimm("d0", "512M", node=1)])
    q.hot_add_dimm("h1", "2M", node=0)
    q.hot_add_dimm("h2", "6M")
    q.hot_add_dimm("h3", "1G")
    devs = q.memory_devices()
    region = device_memory_region(q.cfg)
    expect = dimm_addresses(q.cfg, ["2M", "6M", "1G"])
    assert [devs[i]["addr"] for i in ("d0", "h1", "h2", "h3")] == expect
    assert expect[0] == region.base
    assert devs["h3"]["addr"] % (128 * MiB) != 0  # 2 MiB, not 128 MiB, aligned
    assert devs["d0"]["node"] == 1 and devs["h1"]["node"] == 0


def test_console_input_is_never_lost(shell):
    """Typed-ahead input larger than the kernel's 4 KiB ring, sent while a command keeps the shell
    busy until the ring is full (`input-hold`): every line still runs, in order (the rest waited in
    the UART). With input dropped once the ring is full, lines go missing."""
    lines = [f"typed{i:04d}" for i in range(1200)]  # 10 bytes each: 12 KiB behind a busy shell
    shell.serial.write(("input-hold\n" + "".join(l + "\n" for l in lines)).encode())
    shell.wait_for(r"^input-hold: the ring is full", timeout=60)
    for l in lines:
        shell.wait_for(rf"^error: unknown command '{l}'", timeout=60)
    up = shell.cmd("uptime")
    m = re.search(r"ring full (\d+) times", up)
    assert m and int(m.group(1)) > 0, f"the ring never filled, so nothing was tested:\n{up}"
