/* mutex_in_callee: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MUTEX_IN", 1)
{
    Mutex (MTX0, 0)
    Method (LCK) { Acquire (MTX0, 0xFFFF) Local0 = 5 Release (MTX0) Return (Local0) }
    Method (MAIN) { Acquire (MTX0, 0xFFFF) Local0 = LCK() Release (MTX0) Return (Local0) }
}
