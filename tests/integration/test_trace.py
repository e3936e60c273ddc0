"""Issue 8: the event trace (kernel/trace.c, `trace`) records the path of a hot-add and of a
hot-remove in order - SCI, Notify, offline, _EJ0 - and names the blocking frame and its owner when
an offline fails."""

import re

from harness import MiB, dimm_addresses
from harness.trace import check_ring, find, owner_index, parse_trace

DIMM_SIZE = 256 * MiB
def hot_add(q, dev_id):
    base = dimm_addresses(q.cfg, [DIMM_SIZE])[-1]
    q.hot_add_dimm(dev_id, DIMM_SIZE, node=1)
    q.qmp.wait_event("ACPI_DEVICE_OST", 60, lambda e: e["data"]["info"].get("device") == dev_id
                     and e["data"]["info"].get("source") == 1)
    info = q.memory_devices()[dev_id]
    assert info["addr"] == base
    return base, info["slot"]


def test_trace_hot_add_and_remove_in_order(shell):
    q = shell
    base, slot = hot_add(q, "dimm1")
    q.hot_remove_dimm("dimm1")
    events = parse_trace(q.cmd("trace"))
    check_ring(events)
    names = [e[2] for e in events]

    # hot-add: SCI -> Notify(MPxx, 1) -> online of the DIMM's range
    on = find(events, 0, "online", lambda e: e[3] == base and e[4] == DIMM_SIZE)
    assert on is not None, names
    sci = find(events, 0, "sci")
    assert sci is not None and sci < on, f"no SCI before the hot-add's online: {names}"
    ntf = find(events, sci, "notify", lambda e: e[4] == 1)
    assert ntf is not None and ntf < on, f"no Notify(1) between the SCI and the online: {names}"

    # hot-remove: SCI -> Notify(MPxx, 3) -> offline of the range -> _EJ0 of the slot
    sci = find(events, on + 1, "sci")
    assert sci is not None, f"no SCI after the hot-add: {names}"
    ntf = find(events, sci + 1, "notify", lambda e: e[4] == 3)
    assert ntf is not None, f"no Notify(3) after the SCI: {names}"
    off = find(events, ntf + 1, "offline", lambda e: e[3] == base and e[4] == DIMM_SIZE)
    assert off is not None, f"no offline of {base:#x} after the Notify: {names}"
    cage = find(events, ntf + 1, "cage", lambda e: e[3] == base)
    assert cage is not None and cage < off, names
    ej0 = find(events, off + 1, "ej0", lambda e: e[3] == slot)
    assert ej0 is not None, f"no _EJ0 of slot {slot} after the offline: {names}"
    assert find(events, on + 1, "offline-failed") is None, names


def test_trace_offline_failure_names_blocking_frame(shell):
    q = shell
    base, slot = hot_add(q, "dimm1")
    end = base + DIMM_SIZE
    out = q.cmd("offline-timeout 200")  # fail fast
    assert "offline-timeout ms=200 " in out, out
    out = q.cmd(f"pin {base:#x}-{end:#x}")
    assert re.match(r"^pin id=\d+ range=", out), out
    q.qmp.execute("device_del", id="dimm1")
    ev = q.qmp.wait_event("ACPI_DEVICE_OST", 60, lambda e: e["data"]["info"].get("device") == "dimm1"
                          and e["data"]["info"].get("source") == 3
                          and e["data"]["info"].get("status") != 0x84)
    assert ev["data"]["info"]["status"] == 0x82, ev  # busy: the memory stays online
    events = parse_trace(q.cmd("trace"))
    check_ring(events)
    names = [e[2] for e in events]
    fail = find(events, 0, "offline-failed", lambda e: e[3] == base)
    assert fail is not None, names
    _, _, _, _, pfn, owner = events[fail]
    assert base >> 12 <= pfn < end >> 12, f"blocking pfn {pfn:#x} outside the DIMM"
    assert owner == owner_index("MM_OWN_TEST_PIN"), events[fail]
    assert find(events, fail, "ej0") is None, names
    assert "dimm1" in q.memory_devices()
    assert re.search(rf"^slot={slot} .* state=online ", q.cmd("dimms"), re.M)


def test_trace_migration_is_one_event_per_pass(shell):
    """Moving 64 MiB of movable data out of the cold DIMM (all its sections) is recorded as one
    migrate event carrying the page count, so a large eject does not flush its own start out of
    the ring."""
    q = shell
    assert "fill id=" in q.cmd("fill 64 movable node 1")
    out = q.cmd("offline 0x100000000-0x120000000", timeout=120)
    m = re.search(r"offline ok .* migrated=(\d+)", out)
    assert m and int(m.group(1)) == 64 * MiB // 4096, out  # the whole fill was in the DIMM
    events = parse_trace(q.cmd("trace"))
    check_ring(events)
    cage = find(events, 0, "cage", lambda e: e[3] == 0x100000000)
    off = find(events, 0, "offline", lambda e: e[3] == 0x100000000)
    assert cage is not None and off is not None and cage < off, events
    migrates = [e for e in events[cage:off] if e[2] == "migrate"]
    assert len(migrates) == 1, migrates
    assert migrates[0][4] == int(m.group(1)), (migrates, out)
    assert "check objects=1 bad=0" in q.cmd("check", timeout=60)
