"""qmp.py - a small QMP client over a unix socket: commands, replies and asynchronous events.

A reader thread parses every JSON line QEMU sends; replies are matched to commands by "id" and
events are kept in arrival order so that a test can wait for one (wait_event) without missing
an event that arrived before it started waiting.
"""

import json
import threading
import time

from .unixsock import close_unix, connect_unix


class QMPError(Exception):
    """QEMU answered a command with {"error": ...}."""

    def __init__(self, cmd, error):
        self.cmd = cmd
        self.error = error
        super().__init__(f"QMP {cmd}: {error.get('class')}: {error.get('desc')}")


class QMPTimeout(TimeoutError):
    pass


class QMPClosed(ConnectionError):
    pass


class QMP:
    """Connected QMP session. Use QMP.connect(path, timeout) to get one in command mode."""

    def __init__(self, sock, log=None):
        self._sock = sock
        self._log = log  # file object (text) or None: every message in and out is appended
        self._lock = threading.Lock()
        self._cv = threading.Condition(self._lock)
        self._replies = {}
        self._events = []  # every event ever received, in order
        self._consumed = set()  # indices of events returned by wait_event
        self._greeting = None
        self._closed = False
        self._next_id = 1
        self._reader = threading.Thread(target=self._read_loop, name="qmp-reader", daemon=True)
        self._reader.start()

    # Connects to a QMP unix socket (retrying until it exists), reads the greeting and enters
    # command mode with qmp_capabilities.
    @classmethod
    def connect(cls, path, timeout=30.0, log=None, alive=None):
        deadline = time.monotonic() + timeout
        s = connect_unix(path, timeout, alive, QMPClosed, QMPTimeout, "QMP")
        q = cls(s, log=log)
        q._wait_greeting(max(1.0, deadline - time.monotonic()))
        q.execute("qmp_capabilities")
        return q

    def _write_log(self, direction, obj):
        if self._log:
            try:
                self._log.write(f"{time.time():.3f} {direction} {json.dumps(obj)}\n")
                self._log.flush()
            except ValueError:  # log already closed
                pass

    def _read_loop(self):
        buf = b""
        try:
            while True:
                data = self._sock.recv(65536)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        continue
                    self._write_log("<", msg)
                    with self._cv:
                        if "QMP" in msg:
                            self._greeting = msg
                        elif "event" in msg:
                            self._events.append(msg)
                        elif "id" in msg:
                            self._replies[msg["id"]] = msg
                        self._cv.notify_all()
        except OSError:
            pass
        finally:
            with self._cv:
                self._closed = True
                self._cv.notify_all()

    def _wait_greeting(self, timeout):
        with self._cv:
            if not self._cv.wait_for(lambda: self._greeting is not None or self._closed, timeout):
                raise QMPTimeout("no QMP greeting")
            if self._greeting is None:
                raise QMPClosed("QMP connection closed before the greeting")

    @property
    def greeting(self):
        return self._greeting

    @property
    def closed(self):
        return self._closed

    # Sends a command and returns its "return" value; raises QMPError on an error reply,
    # QMPTimeout if no reply comes within timeout, QMPClosed if QEMU goes away (e.g. "quit").
    def execute(self, cmd, args=None, timeout=30.0, **kwargs):
        arguments = dict(args or {})
        arguments.update(kwargs)
        with self._cv:
            if self._closed:
                raise QMPClosed(f"QMP connection closed (sending {cmd})")
            cid = self._next_id
            self._next_id += 1
        msg = {"execute": cmd, "id": cid}
        if arguments:
            msg["arguments"] = arguments
        self._write_log(">", msg)
        try:
            self._sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise QMPClosed(f"QMP send of {cmd} failed: {e}") from e
        with self._cv:
            ok = self._cv.wait_for(lambda: cid in self._replies or self._closed, timeout)
            if cid in self._replies:
                reply = self._replies.pop(cid)
            elif not ok:
                raise QMPTimeout(f"no reply to QMP {cmd} within {timeout}s")
            else:
                raise QMPClosed(f"QMP connection closed while waiting for the reply to {cmd}")
        if "error" in reply:
            raise QMPError(cmd, reply["error"])
        return reply.get("return")

    # Alias: q.cmd("query-status").
    cmd = execute

    # Waits for the first not-yet-consumed event called name (any name if None) for which
    # predicate(event) is true, including events that arrived before the call. Marks it consumed
    # and returns it ({"event", "data", "timestamp"}). Raises QMPTimeout.
    def wait_event(self, name=None, timeout=30.0, predicate=None):
        def find():
            for i, ev in enumerate(self._events):
                if i in self._consumed:
                    continue
                if name is not None and ev.get("event") != name:
                    continue
                if predicate is not None and not predicate(ev):
                    continue
                return i
            return None

        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                i = find()
                if i is not None:
                    self._consumed.add(i)
                    return self._events[i]
                left = deadline - time.monotonic()
                if left <= 0 or (self._closed and find() is None):
                    what = name or "any event"
                    seen = [e.get("event") for e in self._events]
                    state = " (QMP closed)" if self._closed else ""
                    raise QMPTimeout(f"QMP event {what} not seen within {timeout}s{state}; events: {seen}")
                self._cv.wait(left)

    # All events received so far (optionally only those called name), consumed or not.
    def events(self, name=None):
        with self._cv:
            return [e for e in self._events if name is None or e.get("event") == name]

    # Forgets every event received so far (they will not satisfy later wait_event calls).
    def clear_events(self):
        with self._cv:
            self._consumed.update(range(len(self._events)))

    def close(self):
        close_unix(self._sock, self._reader)
