"""Top-level pytest configuration: makes `import harness` work and reports QEMU logs on failure."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import qemu as _qemu  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, appends each QEMU's log directory and serial tail to the test report."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for q in getattr(item, "_hotmem_qemus", []):
            tail = q.serial.tail(3000) if q.serial is not None else "(no serial connection)"
            label = f" {q.name}" if q.name else ""
            rep.sections.append((f"QEMU{label} serial (logs: {q.log_dir})", tail))


def pytest_sessionfinish(session, exitstatus):
    _qemu.kill_all()
