"""Issue 6 in a real boot: the kernel's AML interpreter runs QEMU's own DSDT. `aml eval
\\_SB.MHPC.MDNR` must print the number of DIMM slots given on the QEMU command line, the memory
device's _CRS must describe the cold-plugged DIMM, and bad paths end in a one-line error."""

import re

import pytest

from harness import Dimm, dimm_addresses


def aml_int(out):
    m = re.search(r"\[Integer\] = ([0-9A-Fa-f]+)", out)
    assert m, out
    return int(m.group(1), 16)


@pytest.mark.parametrize("machine,slots", [("pc", 3), ("q35", 7)])
def test_mdnr_is_slot_count(make_qemu, machine, slots):
    q = make_qemu(machine=machine, slots=slots, cold_dimms=[Dimm("d0", "256M")]).boot()
    assert aml_int(q.cmd("aml eval \\_SB.MHPC.MDNR")) == slots
    # MP00 is the cold-plugged DIMM: _STA says present and enabled, _CRS holds its base
    assert aml_int(q.cmd("aml eval \\_SB.MHPC.MP00._STA")) == 0xF
    base = dimm_addresses(q.cfg, [256 << 20])[0]
    crs = q.cmd("aml eval \\_SB.MHPC.MP00._CRS")
    data = bytes(int(b, 16) for b in re.findall(r"\b[0-9A-F]{2}\b", crs.split("=", 1)[1]))
    assert data[0] == 0x8A, crs  # QWord address space descriptor
    assert int.from_bytes(data[14:22], "little") == base
    assert int.from_bytes(data[38:46], "little") == 256 << 20


def test_aml_errors_are_one_line(shell):
    out = shell.cmd("aml eval \\_SB.NOPE")
    assert out.startswith("error:") and "not found" in out
    out = shell.cmd("aml eval")
    assert out.startswith("error: aml: usage: aml eval <path>") and len(out.splitlines()) == 1, out
    assert "MP00" in shell.cmd("aml ns \\_SB.MHPC")
    assert shell.cmd("version").startswith("hotmem ")
