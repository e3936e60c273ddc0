"""QMP requests at awkward moments: before the guest has run at all (QEMU started with -S), the
hotplug controller keeps the request (its insert/remove flags survive until the guest's first
scan), and the kernel's boot scan must act on it exactly once. A device_del of a device that is
not there is QEMU's error, and the kernel carries on."""

import re

import pytest

from harness import QMPError


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def dimms(q):
    return {int(kv(l)["slot"]): kv(l) for l in q.cmd("dimms").splitlines() if l.startswith("slot=")}


def test_device_del_before_boot_is_done_by_the_boot_scan(make_qemu):
    q = make_qemu(paused=True)  # the cold DIMM dimm0 exists; the guest has not run an instruction
    assert q.qmp.execute("device_del", id="dimm0") == {}
    q.boot()
    q.qmp.wait_event("DEVICE_DELETED", 60, lambda e: e["data"].get("device") == "dimm0")
    assert "dimm0" not in q.memory_devices()
    assert dimms(q)[0]["state"] == "absent", dimms(q)[0]
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)
    assert "fill id=" in q.cmd("fill 16 movable")


def test_device_add_before_boot_is_added_once(make_qemu):
    q = make_qemu(paused=True)
    q.hot_add_dimm("early", "256M", node=0)
    q.boot()
    slot = int(q.memory_devices()["early"]["slot"])
    d = dimms(q)[slot]  # enumerated at boot, before the prompt
    assert d["state"] == "online", d
    # added exactly once: its 256 MiB are counted once in the movable zone
    total = kv(next(l for l in q.cmd("mem").splitlines() if l.startswith("mem total ")))
    movable = sum(int(kv(l)["present"]) for l in q.cmd("mem").splitlines()
                  if l.startswith("mem node=") and "zone=movable" in l)
    assert movable == (512 + 256) * 256, (movable, total)
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)
    q.hot_remove_dimm("early")
    assert "early" not in q.memory_devices()


def test_device_del_of_unknown_device(shell):
    with pytest.raises(QMPError):
        shell.qmp.execute("device_del", id="no-such-dimm")
    assert shell.cmd("version").startswith("hotmem ")
    assert re.search(r"^slot=0 .*state=online", shell.cmd("dimms"), re.M)
