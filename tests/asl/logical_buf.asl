/* logical_buf: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LOGICAL_", 1)
{
    Method (MAIN) { Local0 = Buffer() {1, 2, 3}
      Local7 = Package (4) {}
        Local7[0] = Local0 == Buffer() {1, 2, 3}
        Local7[1] = Local0 < Buffer() {1, 2, 4}
        Local7[2] = Local0 > Buffer() {1, 2}
        Local7[3] = Local0 == Buffer() {1, 2}
        Return (Local7) }
}
