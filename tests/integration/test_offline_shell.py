"""Issue 5 in a real boot: offline and online from the shell. Movable `fill` objects land in the
cold-plugged DIMM's sections (the movable zone); `offline` of those sections migrates them out
and `check` finds every object intact; `online` brings the sections back. An offline that must
fail (an unmovable page pinned inside) names the blocking frame and its owner, and the section
stays online and usable; once the pin is dropped the same offline succeeds."""

import re

from harness import device_memory_region

DIMM_SECTIONS = range(32, 36)  # the default machine's 512 MiB DIMM at 0x100000000


def kv(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def sections(q):
    """index -> {state, free, used, zone, ...} from `sections`."""
    out = {}
    for line in q.cmd("sections").splitlines():
        if line.startswith("section "):
            d = kv(line)
            out[int(d["idx"])] = d
    return out


def check_intact(q, objects):
    out = q.cmd("check", timeout=120)
    assert f"check objects={objects} bad=0" in out, out


def test_offline_online_with_movable_data(make_qemu):
    q = make_qemu().boot()
    assert device_memory_region(q.cfg).base == 0x100000000
    before = sections(q)
    assert all(before[i]["state"] == "online" and before[i]["zone"] == "movable" for i in DIMM_SECTIONS)
    used0 = sum(int(before[i]["used"]) for i in DIMM_SECTIONS)

    assert "fill id=" in q.cmd("fill 96 movable node 1")
    assert "fill id=" in q.cmd("fill 64 movable node 1")
    filled = sections(q)
    used1 = sum(int(filled[i]["used"]) for i in DIMM_SECTIONS)
    assert used1 - used0 == (96 + 64) * 256, "movable fill did not land in the DIMM's sections"

    out = q.cmd("offline 0x100000000-0x120000000", timeout=120)
    m = re.search(r"offline ok .* migrated=(\d+)", out)
    assert m, out
    assert int(m.group(1)) == (96 + 64) * 256
    off = sections(q)
    assert all(off[i]["state"] == "offline" for i in DIMM_SECTIONS), off
    check_intact(q, 2)
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)

    for i in DIMM_SECTIONS:
        assert "online ok" in q.cmd(f"online {i}")
    on = sections(q)
    assert all(on[i]["state"] == "online" for i in DIMM_SECTIONS)
    assert "fill id=" in q.cmd("fill 32 movable")  # usable again
    check_intact(q, 3)
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)


def test_offline_blocked_by_unmovable_page(make_qemu):
    q = make_qemu().boot()
    pin = q.cmd("pin 33")
    m = re.search(r"pin id=(\d+)", pin)
    assert m, pin
    assert "offline-timeout ms=200" in q.cmd("offline-timeout 200")
    out = q.cmd("offline 33", timeout=60)
    assert "error: offline:" in out, out
    assert re.search(r"frame 0x[0-9a-f]+ \(pa 0x1[0-9a-f]{8}\) owned by test-pin", out), out
    s = sections(q)
    assert s[33]["state"] == "online", s[33]
    assert "fill id=" in q.cmd("fill 8 movable")
    check_intact(q, 2)
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)
    assert f"drop id={m.group(1)}" in q.cmd(f"drop {m.group(1)}")
    assert "offline ok" in q.cmd("offline 33", timeout=60)
    assert sections(q)[33]["state"] == "offline"
    check_intact(q, 1)
