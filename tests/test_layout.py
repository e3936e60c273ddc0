"""Issue 11: the include rules of docs/architecture.md hold, and the AML library links alone.

- mm/ includes only the platform interface (platform.h, include/hotmem/*), its own headers and the
  freestanding C headers: never drivers/ or kernel/.
- drivers/acpi/aml/ includes only itself and the platform interface; nothing outside the folder
  includes its private header aml_int.h.
- tools/amlrun.c links against libaml and the host platform alone (no mm/, no other driver).
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
# What libc/include declares (docs/conventions.md); the host build may add nothing else.
STD = {"stdint.h", "stddef.h", "stdbool.h", "stdarg.h", "string.h", "stdio.h", "stdatomic.h"}


def violations(folder, allowed_quoted):
    """(file, header) for every include under folder that is neither standard nor allowed."""
    bad = []
    for f in sorted(list(folder.rglob("*.c")) + list(folder.rglob("*.h"))):
        for kind, name in INCLUDE.findall(f.read_text()):
            ok = name in STD if kind == "<" else any(re.fullmatch(p, name) for p in allowed_quoted)
            if not ok:
                bad.append((str(f.relative_to(ROOT)), name))
    return bad


MM_ALLOWED = [r"platform\.h", r"hotmem/[\w.]+\.h", r"mm/[\w.]+\.h"]
AML_ALLOWED = [r"platform\.h", r"drivers/acpi/aml/[\w.]+\.h"]


def test_checker_catches_a_violation(tmp_path, monkeypatch):
    # The scan itself must be able to fail: a file including a driver header is reported.
    d = tmp_path / "mm"
    d.mkdir()
    (d / "x.c").write_text('#include "platform.h"\n#include "drivers/acpi/memhp.h"\n#include <stdlib.h>\n')
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert violations(d, MM_ALLOWED) == [("mm/x.c", "drivers/acpi/memhp.h"), ("mm/x.c", "stdlib.h")]


def test_mm_includes_no_driver_or_kernel_header():
    assert violations(ROOT / "mm", MM_ALLOWED) == []


def test_aml_library_includes_only_itself_and_the_platform():
    assert violations(ROOT / "drivers" / "acpi" / "aml", AML_ALLOWED) == []


def test_nothing_outside_the_aml_library_includes_its_private_header():
    users = []
    for f in ROOT.rglob("*.[ch]"):
        if "build" in f.parts or f.parent == ROOT / "drivers" / "acpi" / "aml":
            continue
        if any(name.endswith("aml_int.h") for _, name in INCLUDE.findall(f.read_text(errors="replace"))):
            users.append(str(f.relative_to(ROOT)))
    assert users == []


def test_aml_library_links_without_the_rest_of_the_kernel():
    out = ROOT / "build" / "host" / "amlrun-alone"
    r = subprocess.run(["make", "-s", "-C", str(ROOT), "build/host/amlrun-alone"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # The link line names libaml and libplat only.
    r = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), "build/host/amlrun-alone"], capture_output=True, text=True)
    link = [l for l in r.stdout.splitlines() if "-o build/host/amlrun-alone" in l]
    assert link and "libmm" not in link[-1] and "libacpi" not in link[-1], link
    r = subprocess.run([str(out)], capture_output=True, text=True)
    assert "no tables" in r.stdout + r.stderr
