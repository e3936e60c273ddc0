"""The kernel's event trace (`trace`, kernel/trace.c) as tuples, for tests that check the order and
content of what the kernel did rather than how long it took."""

import re

from .qemu import ROOT

TRACE_RE = re.compile(r"^\s*(\d+)\s+(\d+)\.(\d{6}) (\S+)\s+a=0x([0-9a-f]+) b=0x([0-9a-f]+) c=0x([0-9a-f]+)$")
# A kernel log line ("[    0.182402] I memhp: slot 1 ejected"): with several CPUs another thread may
# log while the shell prints the trace; such lines are not part of it.
LOG_RE = re.compile(r"^(hotmem> )?\[\s*\d+\.\d+\] [A-Z] ")


def parse_trace(text):
    """[(seq, ns, name, a, b, c)] of `trace` output; every line but kernel log lines must parse."""
    out = []
    for line in text.splitlines():
        if LOG_RE.match(line):
            continue
        m = TRACE_RE.match(line)
        assert m, f"unexpected trace line {line!r}"
        seq, s, us, name, a, b, c = m.groups()
        out.append((int(seq), int(s) * 10**9 + int(us) * 1000, name, int(a, 16), int(b, 16), int(c, 16)))
    return out


def check_ring(events):
    """Sequence numbers are consecutive and time never goes backwards."""
    for prev, cur in zip(events, events[1:]):
        assert cur[0] == prev[0] + 1, (prev, cur)
        assert cur[1] >= prev[1], (prev, cur)


def find(events, start, name, pred=lambda e: True):
    """Index of the first event at or after start with this name and pred, or None."""
    for i in range(start, len(events)):
        if events[i][2] == name and pred(events[i]):
            return i
    return None


def owner_index(name):
    """Value of an enum mm_owner constant, from mm/mm.h (the trace records owners as numbers)."""
    body = re.search(r"enum mm_owner \{(.*?)\};", (ROOT / "mm" / "mm.h").read_text(), re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = [n.split("=")[0].strip() for n in body.split(",") if n.strip()]
    return names.index(name)


def failed_eject(q, slot, base, owner):
    """The trace of an eject of slot that failed: eject-request, cage of base, offline-failed naming
    a frame of owner, _OST busy (0x82); no _EJ0 after the request (so QEMU cannot have deleted the
    device). Returns (events, index of the eject-request, index of offline-failed)."""
    events = parse_trace(q.cmd("trace"))
    check_ring(events)
    names = [e[2] for e in events]
    req = None
    for i, e in enumerate(events):  # the last eject request of the slot
        if e[2] == "eject-request" and e[3] == slot:
            req = i
    assert req is not None, names
    cage = find(events, req, "cage", lambda e: e[3] == base)
    fail = find(events, req, "offline-failed", lambda e: e[3] == base)
    assert cage is not None and fail is not None and cage < fail, names[req:]
    assert events[fail][5] == owner_index(owner), events[fail]
    ost = find(events, fail, "ost", lambda e: e[3] == slot and e[4] == 3)
    assert ost is not None and events[ost][5] == 0x82, events[fail:]
    assert find(events, req, "ej0", lambda e: e[3] == slot) is None, names[req:]
    return events, req, fail
