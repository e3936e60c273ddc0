"""serial.py - the guest's serial console over a unix socket: expect-style waits and a shell helper.

Everything received is appended to a raw log file as it arrives. For matching, the bytes are
decoded (UTF-8, bad bytes replaced) and cleaned: ANSI/VT escape sequences (OVMF and GRUB send
plenty), carriage returns, backspaces and other control characters are dropped, so patterns see
plain lines separated by "\n".

Matching is cursor based: wait_for() searches from the cursor and moves it past the match, so
consecutive waits consume the output in order and a pattern never matches stale text twice.
"""

import codecs
import re
import threading
import time

from .unixsock import close_unix, connect_unix

PROMPT = "hotmem> "

# CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST), charset selection (ESC ( B), other 2-byte escapes.
_ESC_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+][ -~]|[ -~])")
# Control characters other than \n and \t (after escapes are gone).
_CTRL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A possibly incomplete escape sequence at the end of a chunk: keep it for the next chunk.
_ESC_TAIL_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[()*+])?$")


def clean_text(s):
    """Removes escape sequences and control characters (except \\n, \\t) from s."""
    s = _ESC_RE.sub("", s)
    return _CTRL_RE.sub("", s)


class SerialTimeout(TimeoutError):
    pass


class SerialClosed(ConnectionError):
    pass


class Serial:
    """Client side of a QEMU `-chardev socket,server=on` serial port."""

    def __init__(self, sock, log_path=None, eol="\r"):
        self._sock = sock
        self._log = open(log_path, "ab") if log_path else None
        self.eol = eol  # what Enter sends (a terminal sends CR)
        self._cv = threading.Condition()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # decoded text that may end in an incomplete escape sequence
        self._text = ""  # cleaned text received so far
        self.raw = bytearray()  # raw bytes received so far
        self.cursor = 0  # index into text where the next wait_for starts
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, name="serial-reader", daemon=True)
        self._reader.start()

    # Connects to a serial unix socket, retrying until it exists or alive() turns false.
    @classmethod
    def connect(cls, path, timeout=30.0, log_path=None, alive=None):
        return cls(connect_unix(path, timeout, alive, SerialClosed, SerialTimeout, "serial"), log_path=log_path)

    def _feed(self, data):
        self._pending += self._decoder.decode(data)
        m = _ESC_TAIL_RE.search(self._pending)
        keep = m.start() if m else len(self._pending)
        if len(self._pending) - keep > 256:  # not a real escape sequence: stop waiting for it
            keep = len(self._pending)
        done, self._pending = self._pending[:keep], self._pending[keep:]
        self._text += clean_text(done)

    def _read_loop(self):
        try:
            while True:
                data = self._sock.recv(65536)
                if not data:
                    break
                if self._log:
                    self._log.write(data)
                    self._log.flush()
                with self._cv:
                    self.raw += data
                    self._feed(data)
                    self._cv.notify_all()
        except OSError:
            pass
        finally:
            with self._cv:
                self._text += clean_text(self._pending + self._decoder.decode(b"", final=True))
                self._pending = ""
                self._closed = True
                self._cv.notify_all()

    @property
    def text(self):
        """All cleaned output so far."""
        with self._cv:
            return self._text

    @property
    def closed(self):
        return self._closed

    def tail(self, n=2000):
        """The last n characters of cleaned output (for error messages)."""
        with self._cv:
            return self._text[-n:]

    # Waits until the regex pattern (str or compiled; MULTILINE is added to str patterns) matches
    # the output after the cursor; moves the cursor past the match and returns the re.Match
    # (positions are relative to the whole text). Raises SerialTimeout or SerialClosed with the
    # unmatched output in the message. Output arrives in pieces: a pattern that can match a prefix
    # of what is coming (e.g. "(line\n)+") should end in a terminator that follows it.
    def wait_for(self, pattern, timeout=30.0, flags=0):
        rx = re.compile(pattern, flags | re.MULTILINE) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                m = rx.search(self._text, self.cursor)
                if m:
                    self.cursor = m.end()
                    return m
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    seen = self._text[self.cursor:][-3000:]
                    why = "serial closed (QEMU exited?)" if self._closed else f"timeout after {timeout}s"
                    exc = SerialClosed if self._closed else SerialTimeout
                    raise exc(f"{why} waiting for {rx.pattern!r}; unmatched output:\n{seen}")
                self._cv.wait(min(left, 1.0))

    # Like wait_for but returns None instead of raising on timeout or close.
    def poll_for(self, pattern, timeout=0.0, flags=0):
        try:
            return self.wait_for(pattern, timeout, flags)
        except (SerialTimeout, SerialClosed):
            return None

    # Moves the cursor to the end of the output received so far (forget what is there).
    def skip(self):
        with self._cv:
            self.cursor = len(self._text)

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        try:
            self._sock.sendall(data)
        except OSError as e:
            raise SerialClosed(f"serial write failed: {e}") from e

    # Sends line followed by Enter.
    def send_line(self, line=""):
        self.write(line + self.eol)

    # Waits for the shell prompt at the start of a line.
    def wait_prompt(self, timeout=30.0):
        return self.wait_for(r"^" + re.escape(PROMPT), timeout)

    # Runs a shell command: sends line and returns the output between the echoed command and the
    # next prompt (lines joined by "\n", no trailing newline). Assumes the prompt has been seen
    # (the cursor is past it).
    def cmd(self, line, timeout=30.0):
        self.send_line(line)
        rx = re.compile(re.escape(line) + r"[ \t]*\n(?P<out>.*?)^" + re.escape(PROMPT), re.M | re.S)
        m = self.wait_for(rx, timeout)
        return m.group("out").rstrip("\n")

    def close(self):
        close_unix(self._sock, self._reader)
        if self._log:
            self._log.close()
            self._log = None
