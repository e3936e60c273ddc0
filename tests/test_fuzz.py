"""Runs every libFuzzer target (fuzz/fuzz_*.c -> build/fuzz/fuzz_*) inside `make test`:

- test_fuzz_regressions: each input under fuzz/regressions/<name>/ (inputs that once crashed a
  target) must run clean;
- test_fuzz: a bounded run per target, FUZZ_TEST_RUNS inputs (default 30000) from a fixed libFuzzer
  seed (-seed=1), starting from the seeds in fuzz/seeds/<name>/ (copied, so nothing carries over
  between runs). The seeds and the regression inputs are the same every time; the mutated inputs
  after them are not quite: libFuzzer steers by coverage, which varies a little from run to run
  even for a pure parser (fuzz_acpi_srat, 20000 runs twice: 1855 and 1878 features), so two runs
  of the same tree can try different inputs. Open-ended fuzzing is `make fuzz`, whose finds go
  into fuzz/regressions/.

Each must exit 0 (a crash, sanitizer report, timeout or leak makes it non-zero). Each target is
built with `make build/fuzz/<name>` first; a failed build is a failing test.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUZZ_SRC = ROOT / "fuzz"
FUZZ_BIN = ROOT / "build" / "fuzz"
RUNS = int(os.environ.get("FUZZ_TEST_RUNS", "30000"))
MAX_SECONDS = 120  # a bound on one target's run, far above what RUNS needs


def _targets():
    return sorted(p.stem for p in FUZZ_SRC.glob("fuzz_*.c"))


def _build(name):
    b = subprocess.run(["make", "-s", "-C", str(ROOT), f"build/fuzz/{name}"], capture_output=True, text=True,
                       timeout=900)
    assert b.returncode == 0, f"make build/fuzz/{name} failed\n{b.stdout[-3000:]}\n{b.stderr[-3000:]}"
    binary = FUZZ_BIN / name
    assert binary.is_file(), f"{binary} was not built"
    return binary


@pytest.mark.parametrize("name", _targets())
def test_fuzz(name):
    binary = _build(name)
    artifacts = FUZZ_BIN / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as corpus:
        seeds = FUZZ_SRC / "seeds" / name
        if seeds.is_dir():
            for f in seeds.iterdir():
                shutil.copy(f, corpus)
        args = [str(binary), "-seed=1", f"-runs={RUNS}", f"-max_total_time={MAX_SECONDS}", "-timeout=5",
                "-rss_limit_mb=1024", f"-artifact_prefix={artifacts}/{name}-", "-print_final_stats=1", corpus]
        r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=MAX_SECONDS + 120)
    tail = r.stderr[-6000:]
    assert r.returncode == 0, f"{name} exited {r.returncode}\n{tail}"
    assert "Done" in tail or "DONE" in tail, f"{name} did not finish its run\n{tail}"


@pytest.mark.parametrize("name", [n for n in _targets() if (FUZZ_SRC / "regressions" / n).is_dir()])
def test_fuzz_regressions(name):
    binary = _build(name)
    inputs = sorted(str(p) for p in (FUZZ_SRC / "regressions" / name).iterdir())
    r = subprocess.run([str(binary), "-timeout=5", "-rss_limit_mb=1024", *inputs], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, f"{name} crashed on a regression input\n{r.stderr[-6000:]}"
    assert r.stderr.count("Executed ") == len(inputs), r.stderr[-3000:]
