"""Runs every libFuzzer target (fuzz/fuzz_*.c -> build/fuzz/fuzz_*) for a bounded time; each must
exit 0 (a crash, sanitizer report, timeout or leak makes it non-zero).

FUZZ_TEST_SECONDS (default 10) sets the time per target. Seeds come from fuzz/seeds/<name>/; the
corpus grows in build/fuzz/corpus-<name>/ (shared with `make fuzz`); a crashing input is written
to build/fuzz/artifacts/ and named in the failure message. Each target is built with
`make build/fuzz/<name>` first; a failed build is a failing test.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUZZ_SRC = ROOT / "fuzz"
FUZZ_BIN = ROOT / "build" / "fuzz"
SECONDS = int(os.environ.get("FUZZ_TEST_SECONDS", "10"))


def _targets():
    return sorted(p.stem for p in FUZZ_SRC.glob("fuzz_*.c"))


@pytest.mark.parametrize("name", _targets())
def test_fuzz(name):
    b = subprocess.run(["make", "-s", "-C", str(ROOT), f"build/fuzz/{name}"], capture_output=True, text=True,
                       timeout=900)
    assert b.returncode == 0, f"make build/fuzz/{name} failed\n{b.stdout[-3000:]}\n{b.stderr[-3000:]}"
    binary = FUZZ_BIN / name
    assert binary.is_file(), f"{binary} was not built"
    corpus = FUZZ_BIN / f"corpus-{name}"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts = FUZZ_BIN / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    args = [str(binary), f"-max_total_time={SECONDS}", "-timeout=5", "-rss_limit_mb=1024",
            f"-artifact_prefix={artifacts}/{name}-", "-print_final_stats=1", str(corpus)]
    seeds = FUZZ_SRC / "seeds" / name
    if seeds.is_dir():
        args.append(str(seeds))
    r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 120)
    tail = r.stderr[-6000:]
    assert r.returncode == 0, f"{name} exited {r.returncode}\n{tail}"
    assert "Done" in tail or "DONE" in tail, f"{name} did not finish its run\n{tail}"
