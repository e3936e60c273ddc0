/* createfield_named: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CREATEFI", 1)
{
    Name (BUF0, Buffer() { 0, 0, 0, 0, 0, 0, 0, 0 })
    Method (MAIN) { CreateDWordField (BUF0, 4, HI32) HI32 = 0xDEADBEEF CreateField (BUF0, 0, 12, LO12) LO12 = 0xFFFF Return (BUF0) }
}
