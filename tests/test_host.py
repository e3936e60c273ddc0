"""Runs every host unit test the Makefile builds (HOST_TESTS: one per tests/host/test_*.c, and the
TSan builds); each must exit 0, and one that was not built fails."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _binaries():
    # `make test` has built them already (make is then a quick no-op); a plain pytest run builds
    # them here so that it never runs stale binaries. A failed build becomes a failing test.
    # The list is the Makefile's (HOST_TESTS), not what lies in build/host/: a binary left there by
    # another branch's build is not a test of this tree.
    r = subprocess.run(["make", "-s", "-C", str(ROOT), "host"], capture_output=True, text=True)
    names = subprocess.run(["make", "-s", "-C", str(ROOT), "print-host-tests"], capture_output=True,
                           text=True, check=True).stdout.split()
    bins = sorted(ROOT / n for n in names)
    if r.returncode != 0:
        bins.insert(0, ("make host failed", r.stdout[-4000:] + r.stderr[-4000:]))
    return bins


@pytest.mark.parametrize("binary", _binaries(), ids=lambda p: p[0] if isinstance(p, tuple) else p.name)
def test_host(binary):
    if isinstance(binary, tuple):
        pytest.fail("\n".join(binary))
    r = subprocess.run([str(binary)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{binary.name} exited {r.returncode}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
