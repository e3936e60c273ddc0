"""Fixtures for QEMU integration tests.

    def test_version(make_qemu):
        q = make_qemu(machine="pc", firmware="ovmf").boot()   # QemuConfig fields as keywords
        assert q.cmd("version").startswith("hotmem ")

Every QEMU a test starts is killed at teardown; its logs stay in build/test-logs/<module>.<test>/.
"""

import re
import shutil

import pytest

from harness import ISO, LOG_ROOT, Qemu, QemuConfig
from harness.skip import require


@pytest.fixture
def log_dir(request):
    """build/test-logs/<module>.<test name>/, emptied at the start of the test."""
    name = f"{request.node.module.__name__.rsplit('.', 1)[-1]}.{request.node.name}"
    d = LOG_ROOT / re.sub(r"[^A-Za-z0-9_.+=-]", "_", name)
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


@pytest.fixture
def make_qemu(request, log_dir):
    """Factory: make_qemu(cfg=None, paused=False, gdb=False, timeout=30, **QemuConfig fields)
    starts a QEMU (serial and QMP connected) and returns it. Skips when the ISO is missing."""
    started = []
    request.node._hotmem_qemus = started

    def factory(cfg=None, paused=False, gdb=False, timeout=30.0, **overrides):
        c = cfg or QemuConfig()
        require(overrides.get("iso", c.iso))
        name = "" if not started else str(len(started) + 1)
        q = Qemu(c, log_dir=log_dir, name=name, paused=paused, gdb=gdb, **overrides)
        started.append(q)
        return q.start(timeout)

    yield factory
    for q in started:
        q.close()


@pytest.fixture
def shell(make_qemu):
    """A QEMU with make run's default machine (q35, SeaBIOS), booted to the prompt."""
    require(ISO)
    return make_qemu().boot()
