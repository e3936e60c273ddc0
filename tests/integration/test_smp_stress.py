"""Issue 13: the memory manager under real concurrency in QEMU (-smp 4, TCG). Three CPUs run the
`stress` workload (pages of random orders, kmalloc, movable objects whose counters they increment
while the memory manager migrates them) with their objects inside a DIMM that is ejected; the
shell keeps answering; bad input arrives meanwhile. Formats: kernel/stress_shell.c (the `stress`
line), drivers/acpi/memhp.c (the eject log line)."""

import re
import time

import test_hotplug as hp

OBJ_KIB = 1024  # per stress thread: 256 object pages
NODE = 1


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def stress(q, args="", timeout=120):
    out = q.cmd(f"stress {args}".strip(), timeout=timeout)
    line = next((l for l in out.splitlines() if l.startswith("stress threads=")), None)
    assert line, out
    return {k: int(v) for k, v in kv(line).items()}


def assert_clean(st):
    bad = {k: v for k, v in st.items() if k.startswith("bad_") and v}
    assert not bad, st


def wait_objects(q, pages, timeout=180):
    """Poll `stress` until the threads hold `pages` object pages (their start-up is done)."""
    deadline = time.monotonic() + timeout
    while True:
        st = stress(q)
        if st["obj_pages"] >= pages:
            return st
        assert time.monotonic() < deadline, f"stress objects not created within {timeout}s: {st}"
        time.sleep(0.2)


def last_log_time(text, pattern):
    """Kernel timestamp (s) of the last log line matching pattern."""
    ms = list(re.finditer(r"^\[\s*(\d+\.\d+)\] . " + pattern, text, re.M))
    assert ms, f"no log line /{pattern}/"
    return float(ms[-1].group(1))


def test_stress_eject_20(make_qemu):
    """20 times: hot-add a DIMM, start `stress` on cpus 1-3 with its objects in that DIMM, eject
    the DIMM (device_del) while the threads write. Every eject migrates object pages and succeeds,
    the shell answers during it, `stress off` finds no lost increment and no corruption, mmverify
    is clean. Over the run, pages freed by the stress threads into the caged DIMM are taken by the
    cage ("waited" pages)."""
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    total_waited = total_migrated = total_incr = 0
    for i in range(20):
        slot, addr = hp.add(q, f"s{i}", "256M", node=NODE)
        st = stress(q, f"100000 1-3 {OBJ_KIB} {NODE}")
        assert st["threads"] == 3, st
        wait_objects(q, 3 * OBJ_KIB // 4)
        assert int(hp.kv(next(l for l in q.cmd("mem").splitlines()
                              if l.startswith(f"mem node={NODE} zone=movable")))["movable"]) > 0
        q.qmp.execute("device_del", id=f"s{i}")
        q.serial.wait_for(r"slot %d: eject request" % slot, timeout=60)
        up = q.cmd("uptime", timeout=60)
        q.qmp.wait_event("DEVICE_DELETED", 180, lambda e: e["data"].get("device") == f"s{i}")
        hp.ost_event(q, f"s{i}", hp.OST_SUCCESS, timeout=10)
        q.qmp.execute("object-del", id=f"mem-s{i}")
        st = stress(q, "off")
        assert_clean(st)
        assert st["increments"] > 0 and st["running"] == 0, st
        total_incr += st["increments"]
        hp.mmverify(q)
        log = q.cmd("log", timeout=60)
        asked = last_log_time(log, r"memhp: slot %d: eject request" % slot)
        # the last "offline and removed" line of this slot is this cycle's
        done_lines = list(re.finditer(r"^\[\s*(\d+\.\d+)\] . memhp: slot %d offline and removed "
                                      r"\(free (\d+) migrated (\d+) waited (\d+) pages" % slot, log, re.M))
        assert done_lines, log[-2000:]
        m = done_lines[-1]
        done, migrated, waited = float(m.group(1)), int(m.group(3)), int(m.group(4))
        ran = float(re.match(r"up (\d+\.\d+) s", up).group(1))
        assert asked <= ran < done, f"cycle {i}: `uptime` ran at {ran}, the eject went from {asked} to {done}"
        assert migrated > 0, m.group(0)
        total_migrated += migrated
        total_waited += waited
    assert total_waited > 0, "no page freed into a caged DIMM by a stress thread was taken by the cage"
    assert "EXCEPTION" not in q.serial.text and "PANIC" not in q.serial.text
    print(f"20 ejects: {total_migrated} pages migrated, {total_waited} freed into the cage, "
          f"{total_incr} increments checked")


def test_stress_device_del_storm(make_qemu):
    """While the workload runs on cpus 1-3 with objects in two DIMMs: a storm of device_del (both
    DIMMs, each several times, unknown ids) and junk on the console. Both DIMMs go, nothing is
    lost, the shell still works."""
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    hp.add(q, "a", "256M", node=NODE)
    hp.add(q, "b", "256M", node=NODE)
    stress(q, f"100000 1-3 {OBJ_KIB} {NODE}")
    wait_objects(q, 3 * OBJ_KIB // 4)
    for _ in range(3):
        for dev in ("a", "b", "nonexistent"):
            try:
                q.qmp.execute("device_del", id=dev)
            except hp.QMPError:
                pass  # unknown, or already being removed: refused by QEMU, fine
    q.send_line("\x1b[Ajunk \x07\x7f\x15 stress nonsense")
    for dev in ("a", "b"):
        q.qmp.wait_event("DEVICE_DELETED", 180, lambda e, d=dev: e["data"].get("device") == d)
    assert re.search(r"^error: stress: ", q.cmd("stress 5 99"), re.M)  # a log line may come first
    st = stress(q, "off")
    assert_clean(st)
    hp.mmverify(q)
    assert "a" not in q.memory_devices() and "b" not in q.memory_devices()
    ev = hp.events(q)
    assert ev["memhp_ejects"] == 2, ev


def test_eject_during_shell_offline(make_qemu):
    """With the workload running on cpus 1-3: `offline` of DIMM a typed at the shell and, while it
    runs, device_del of DIMM b (the worker's offline). Whichever gets the memory manager's offline
    first, both end cleanly: a offline (then online again) or refused with an error, b ejected at
    once or after a refused first request (failure _OST, then a second device_del); no
    corruption, mmverify clean."""
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    _, a = hp.add(q, "a", "256M", node=NODE)
    hp.add(q, "b", "256M", node=NODE)
    stress(q, f"100000 1-3 {OBJ_KIB} {NODE}")
    wait_objects(q, 3 * OBJ_KIB // 4)
    rng = f"0x{a:x}-0x{a + 256 * hp.MiB:x}"
    q.serial.skip()
    q.send_line(f"offline {rng}")
    q.qmp.execute("device_del", id="b")
    q.wait_prompt(timeout=300)
    out = q.serial.text[-4000:]
    assert "offline ok range=" in out or "error: offline" in out, out
    first = q.qmp.wait_event("ACPI_DEVICE_OST", 300, lambda e: e["data"]["info"].get("device") == "b"
                             and e["data"]["info"]["source"] == hp.OST_EJECT and e["data"]["info"]["status"] != 0x84)
    if first["data"]["info"]["status"] != hp.OST_SUCCESS:
        assert "b" in q.memory_devices()
        q.qmp.execute("device_del", id="b")
    q.qmp.wait_event("DEVICE_DELETED", 300, lambda e: e["data"].get("device") == "b")
    if "offline ok range=" in out:
        assert "online ok range=" in q.cmd(f"online {rng}", timeout=120)
    st = stress(q, "off")
    assert_clean(st)
    hp.mmverify(q)
