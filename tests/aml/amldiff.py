"""Run AML through our amlrun and through ACPICA's acpiexec and reduce both outputs to one
canonical form, so tests can compare them.

Canonical result of evaluating one path: ("ok", [object lines]) | ("none", []) | ("error", []),
plus the list of notifies ("NAME", value) delivered while it ran (NAME = last path segment).
"""
import os
import re
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
AMLRUN = os.path.join(BUILD, "host", "amlrun")


def build_amlrun():
    """Make build/host/amlrun (the Makefile rule; tests/aml/build.sh if that fails)."""
    r = subprocess.run(["make", "-s", "build/host/amlrun"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(AMLRUN):
        subprocess.run([os.path.join(ROOT, "tests", "aml", "build.sh")], cwd=ROOT, check=True)
    return AMLRUN


def compile_asl(asl, outdir):
    """iasl asl -> outdir/<name>.aml (path). An "IASL: -f" comment in the file adds those iasl options
    (-f: emit AML despite compile errors, for cases of AML that iasl refuses but firmware ships)."""
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, os.path.splitext(os.path.basename(asl))[0])
    m = re.search(r"IASL: ([^*]*)\*/", open(asl).read())
    opts = m.group(1).split() if m else []
    r = subprocess.run(["iasl"] + opts + ["-p", base, asl], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("iasl failed on %s:\n%s" % (asl, r.stdout + r.stderr))
    return base + ".aml"


def _norm_path(p):
    p = p.strip()
    return p if p.startswith("\\") else "\\" + p


def parse_amlrun(text):
    """amlrun stdout -> [(path, status, lines, notifies)]."""
    out = []
    cur = None
    for line in text.splitlines():
        if line.startswith("Evaluating "):
            cur = [line[len("Evaluating "):].strip(), None, [], []]
            out.append(cur)
        elif cur is None:
            continue
        elif line.startswith("NOTIFY "):
            _, path, val = line.split()
            cur[3].append((path.split(".")[-1].split("\\")[-1], int(val, 16)))
        elif line.startswith("ERROR"):
            cur[1] = "error"
        elif line == "NONE":
            cur[1] = "none"
        elif line.startswith(("HP ", "IO ")):
            continue
        elif line.strip().startswith("["):
            cur[1] = cur[1] or "ok"
            cur[2].append(line.rstrip())
    return [tuple(x) for x in out]


def parse_acpiexec(text):
    """acpiexec -b output -> [(path, status, lines, notifies)] in the amlrun canonical form."""
    out = []
    cur = None
    in_obj = False
    pending_buf = None
    for line in text.splitlines():
        m = re.match(r"Evaluating (\\\S+)", line)
        if m:
            cur = [m.group(1), None, [], []]
            out.append(cur)
            in_obj = False
            continue
        if cur is None:
            continue
        m = re.search(r"Received a .*Notify on \[(\w+)\].* Value 0x([0-9A-Fa-f]+)", line)
        if m and "Global" in line:
            cur[3].append((m.group(1), int(m.group(2), 16)))
            continue
        if re.match(r"Evaluation of \S+ returned object", line):
            cur[1] = "ok"
            in_obj = True
            continue
        if line.startswith("No object was returned"):
            cur[1] = "none"
            in_obj = False
            continue
        if re.match(r"Evaluation of \S+ failed", line):
            cur[1] = "error"
            in_obj = False
            continue
        if not in_obj:
            continue
        if not line.strip():
            in_obj = False
            continue
        m = re.match(r"^(\s*)0[0-9A-F]{3}: ((?:[0-9A-F]{2} )+)", line)
        if m and pending_buf is not None:
            cur[2][pending_buf] += " " + " ".join(m.group(2).split())
            continue
        m = re.match(r"^(\s*)\[Buffer\] Length ([0-9A-F]+) =\s*(.*)$", line)
        if m:
            ind = len(m.group(1)) - 2
            rest = re.sub(r"^0000:\s*", "", m.group(3).split("//")[0].strip())
            s = " " * ind + "[Buffer] Length %s =" % m.group(2)
            if rest:
                s += " " + " ".join(rest.split())
            cur[2].append(s)
            pending_buf = len(cur[2]) - 1
            continue
        pending_buf = None
        if line.strip().startswith("["):
            ind = len(line) - len(line.lstrip()) - 2
            txt = line.strip()
            if txt.startswith("[Null Object]"):
                txt = "[Null]"
            cur[2].append(" " * ind + txt)
    return [tuple(x) for x in out]


def run_amlrun(amls, paths, extra=(), timeout=60):
    args = [AMLRUN]
    for p in paths:
        args += ["-e", p]
    r = subprocess.run(args + list(extra) + list(amls), capture_output=True, text=True, timeout=timeout)
    return parse_amlrun(r.stdout), r


def run_acpiexec(amls, paths, timeout=120):
    cmd = "; ".join("evaluate " + _norm_path(p) for p in paths)
    r = subprocess.run(["acpiexec", "-b", cmd] + list(amls), capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return parse_acpiexec(r.stdout), r


def acpiexec_paths(amls, timeout=120):
    """The set of absolute namespace paths acpiexec shows (without its own test objects)."""
    r = subprocess.run(["acpiexec", "-b", "namespace"] + list(amls), capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    paths = set()
    stack = []
    started = False
    for line in r.stdout.splitlines():
        if line.startswith("ACPI Namespace (from Namespace Root)"):
            started = True
            continue
        if not started:
            continue
        m = re.match(r"^\s*(\d+)\s+(\S{4}) ", line)
        if not m:
            if line.startswith("Namespace node count"):
                break
            continue
        depth = int(m.group(1))
        stack = stack[:depth] + [m.group(2)]
        paths.add("\\" + ".".join(stack))
    return {p for p in paths if not p.startswith("\\_TI_")}


def amlrun_paths(amls):
    r = subprocess.run([AMLRUN, "-p"] + list(amls), capture_output=True, text=True, timeout=60)
    return {l.strip() for l in r.stdout.splitlines() if l.startswith("\\")}, r
