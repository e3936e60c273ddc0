"""AML interpreter benchmark (figures, not a test): ours (amlrun built -O2, no sanitizers) vs ACPICA's
acpiexec, side by side.

1. Time to load QEMU's q35 and pc DSDTs (fetched from a running QEMU, cached in build/qemu-acpi): one
   load in a process (vs acpiexec), and per load averaged over LOADS loads in one process (amlrun -L,
   a reset between loads), the figure that shows a change in the interpreter's own speed; with
   valgrind installed also instructions per load (callgrind: exact, immune to a busy machine).
2. Operations per second of a loop-heavy ASL method (per iteration: LLess, Add, Xor, Increment).
Each figure is a difference of two process runs (with and without the work), best of N runs, so the
process start-up cost cancels out.
"""
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "aml"))
import amldiff  # noqa: E402
import qemu_tables  # noqa: E402

OUT = os.path.join(ROOT, "build", "bench")
AMLRUN = os.path.join(OUT, "amlrun-opt")
ITER = 200000
LOADS = 200
OPS_PER_ITER = 5  # LLess + Add + Xor + Increment + the While test

LOOP_ASL = """DefinitionBlock ("", "DSDT", 2, "HOTMEM", "BENCH", 1)
{
    Method (LOOP, 1) { Local0 = 0 Local1 = 0
        While (Local0 < Arg0) { Local1 += Local0 Local1 ^= 0x55 Local0++ }
        Return (Local1) }
}
"""
TINY_ASL = """DefinitionBlock ("", "DSDT", 1, "HOTMEM", "TINY", 1) { Name (X, 1) }
"""


def best(cmd, runs=5):
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        t.append(time.perf_counter() - t0)
    return min(t)


def instructions(cmd):
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       capture_output=True, text=True)
    m = [l for l in r.stderr.splitlines() if "I   refs:" in l or "I refs:" in l]
    return int(m[0].split(":")[1].replace(",", "")) if m else 0


def main():
    os.makedirs(OUT, exist_ok=True)
    subprocess.run([os.path.join(ROOT, "tests", "aml", "build.sh"), "opt"], check=True)
    have_acpiexec = shutil.which("acpiexec") and shutil.which("iasl")
    loop_asl = os.path.join(OUT, "loop.asl")
    tiny_asl = os.path.join(OUT, "tiny.asl")
    open(loop_asl, "w").write(LOOP_ASL)
    open(tiny_asl, "w").write(TINY_ASL)
    loop = amldiff.compile_asl(loop_asl, OUT)
    tiny = amldiff.compile_asl(tiny_asl, OUT)
    dsdt = qemu_tables.fetch("q35", os.path.join(ROOT, "build", "qemu-acpi"))["dsdt"]

    ours_load = best([AMLRUN, "-q", dsdt]) - best([AMLRUN, "-q", tiny])
    ours_loop = best([AMLRUN, "-q", "-e", "LOOP %d" % ITER, loop], 3) - best([AMLRUN, "-q", "-e", "LOOP 0", loop], 3)
    print("q35 DSDT load:       ours %8.3f ms" % (ours_load * 1e3), end="")
    if have_acpiexec:
        ref_load = best(["acpiexec", "-b", "quit", dsdt]) - best(["acpiexec", "-b", "quit", tiny])
        print("   acpiexec %8.3f ms   ratio acpiexec/ours %.2f" % (ref_load * 1e3, ref_load / max(ours_load, 1e-6)))
    else:
        print()
    for machine in ("q35", "pc"):
        d = qemu_tables.fetch(machine, os.path.join(ROOT, "build", "qemu-acpi"))["dsdt"]
        per = (best([AMLRUN, "-q", "-L", str(LOADS), d]) - best([AMLRUN, "-q", d])) / (LOADS - 1)
        print("%-4s DSDT load x%d:  ours %8.1f us per load" % (machine, LOADS, per * 1e6), end="")
        if shutil.which("valgrind"):
            ins = (instructions([AMLRUN, "-q", "-L", "21", d]) - instructions([AMLRUN, "-q", d])) / 20
            print("   %10.0f instructions per load" % ins, end="")
        print()
    ops = ITER * OPS_PER_ITER
    print("loop ops/s:          ours %8.0f k" % (ops / max(ours_loop, 1e-6) / 1e3), end="")
    if have_acpiexec:
        ref_loop = best(["acpiexec", "-b", "evaluate LOOP %d" % ITER, loop], 3) - \
            best(["acpiexec", "-b", "evaluate LOOP 0", loop], 3)
        print("   acpiexec %8.0f k   ratio ours/acpiexec %.2f" % (ops / max(ref_loop, 1e-6) / 1e3,
                                                                 ref_loop / max(ours_loop, 1e-6)))
    else:
        print()


if __name__ == "__main__":
    main()
