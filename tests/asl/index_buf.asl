/* index_buf: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "INDEX_BU", 1)
{
    Name (BUF0, Buffer() { 1, 2, 3, 4 })
    Method (MAIN) { BUF0[1] = 0x55 Local0 = DerefOf(BUF0[2]) Index (BUF0, 3, Local1) Local1 = 0x99
      Local7 = Package (2) {}
        Local7[0] = Local0
        Local7[1] = BUF0
        Return (Local7) }
}
