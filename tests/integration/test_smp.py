"""Issue 13, step 1: every enabled MADT processor is started (INIT-SIPI-SIPI), runs its own LAPIC
timer and answers cross-call IPIs; `version` and `cpus` show the count; -smp 1 still works.
The `cpus` format: a summary line `cpus=N online=N answered=N ...` and one `cpu=I apic=A
state=online|failed ticks=T calls=C` line per CPU."""

import re
import time

import pytest


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def cpus(q):
    out = q.cmd("cpus", timeout=60)
    lines = out.splitlines()
    head = next(kv(l) for l in lines if l.startswith("cpus="))
    per = [kv(l) for l in lines if l.startswith("cpu=")]
    return head, per


def wait_all_ticking(q, n, timeout=120.0):
    """Poll `cpus` until every CPU has counted LAPIC timer ticks; returns the last reading."""
    deadline = time.monotonic() + timeout
    while True:
        head, per = cpus(q)
        if len(per) == n and all(int(c["ticks"]) > 0 for c in per):
            return head, per
        if time.monotonic() > deadline:
            raise AssertionError(f"not every cpu ticking within {timeout}s: {per}")
        time.sleep(0.2)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_cpus_online(make_qemu, n):
    """-smp n: n CPUs online, each answers a cross-call, each ticks, `version` says n."""
    q = make_qemu(cpus=n).boot(timeout=180)
    head, per = wait_all_ticking(q, n)
    assert head["cpus"] == str(n) and head["online"] == str(n) and head["answered"] == str(n), head
    assert head["start_failures"] == "0"
    assert sorted(int(c["apic"]) for c in per) == list(range(n))
    assert all(c["state"] == "online" for c in per)
    calls0 = [int(c["calls"]) for c in per]
    _, per2 = cpus(q)
    # the second `cpus` made one more cross-call to each CPU
    assert [int(c["calls"]) for c in per2] == [c + 1 for c in calls0], (per, per2)
    assert f"{n} cpus online" in q.cmd("version")
    assert f"{n} of {n} cpus online" in q.cmd("log")


def test_cpus_bad_argument(make_qemu):
    """A junk argument is refused with an error; the shell keeps working."""
    q = make_qemu(cpus=2).boot(timeout=180)
    assert re.search(r"^error: cpus: ", q.cmd("cpus junk"), re.M)
    head, _ = cpus(q)
    assert head["online"] == "2"


def threads(q):
    return [kv(l) for l in q.cmd("threads").splitlines() if l.startswith("thread=")]


def test_threads(make_qemu):
    """-smp 4: the shell thread on cpu 0, one idle thread per CPU, the worker on the last CPU."""
    q = make_qemu(cpus=4).boot(timeout=180)
    ts = threads(q)
    by_name = {}
    for t in ts:
        by_name.setdefault(t["name"], []).append(t)
    assert [t["cpu"] for t in by_name["shell"]] == ["0"], ts
    assert sorted(t["cpu"] for t in by_name["idle"]) == ["0", "1", "2", "3"], ts
    assert [t["cpu"] for t in by_name["worker"]] == ["3"], ts
    assert re.search(r"^error: threads: ", q.cmd("threads junk"), re.M)


def log_time(text, pattern):
    """Kernel timestamp (s) of the log line matching pattern."""
    m = re.search(r"^\[\s*(\d+\.\d+)\] . " + pattern, text, re.M)
    assert m, f"no log line /{pattern}/"
    return float(m.group(1))


def test_shell_answers_during_eject(make_qemu):
    """-smp 4: while the worker thread ejects a DIMM full of movable data (device_del), the shell
    on cpu 0 answers: `uptime` runs at a kernel time between the eject request and its end."""
    import test_hotplug as hp
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    slot, addr = hp.add(q, "d1", "1G", node=1)
    for _ in range(6):
        assert "kind=movable" in q.cmd("fill 96 movable node 1", timeout=120)
    q.qmp.execute("device_del", id="d1")
    q.serial.wait_for(r"slot %d: eject request" % slot, timeout=60)
    start = q.serial.cursor  # the eject's lines may come out with the command's own output
    out = q.cmd("uptime", timeout=60)
    assert out.startswith("up "), out
    q.qmp.wait_event("DEVICE_DELETED", 120, lambda e: e["data"].get("device") == "d1")
    q.serial.cursor = start
    q.serial.wait_for(r"slot %d ejected" % slot, timeout=60)
    log = q.cmd("log", timeout=60)
    asked = log_time(log, r"memhp: slot %d: eject request" % slot)
    done = log_time(log, r"memhp: slot %d offline and removed" % slot)
    ran = float(re.match(r"up (\d+\.\d+) s", out).group(1))
    assert asked <= ran < done, (asked, ran, done)
    hp.mmverify(q)
    assert hp.check_objects(q) == 6
