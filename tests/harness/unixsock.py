"""unixsock.py - connect to a unix socket that QEMU is about to create."""

import socket
import time


def connect_unix(path, timeout, alive, closed_exc, timeout_exc, what):
    """A socket connected to path, retrying while it does not exist or refuses yet. Raises
    closed_exc if alive() turns false first, timeout_exc after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(path))
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if alive is not None and not alive():
                raise closed_exc(f"QEMU exited before {what} socket {path} accepted a connection")
            if time.monotonic() > deadline:
                raise timeout_exc(f"{what} socket {path} did not accept a connection in {timeout}s")
            time.sleep(0.002)  # QEMU waits for the serial socket before running the guest


def close_unix(sock, reader):
    """Shut down and close sock, then give its reader thread up to 2 s to end."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
    reader.join(timeout=2)
