/* mutex_release_unowned: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MUTEX_RE", 1)
{
    Mutex (MTX0, 0)
    Method (MAIN) { Release (MTX0) Return (1) }
}
