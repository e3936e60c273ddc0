"""Every C source and header is formatted by the repository's .clang-format (`make format`
fixes it)."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_c_sources_are_clang_formatted():
    files = subprocess.run(["git", "ls-files", "*.c", "*.h"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    assert files, "no C files found"
    r = subprocess.run(["clang-format", "--dry-run", "-Werror", *files], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, "not clang-formatted (run `make format`):\n" + r.stderr[-4000:]
