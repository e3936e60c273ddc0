/* mutex: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MUTEX", 1)
{
    Mutex (MTX0, 0)
    Mutex (MTX1, 3)
    Method (MAIN) { Local0 = Acquire (MTX0, 0xFFFF) Local1 = Acquire (MTX0, 0) Release (MTX0) Release (MTX0)
      Local2 = Acquire (MTX1, 100) Release (MTX1) Local7 = Package (3) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = Local2
        Return (Local7) }
}
