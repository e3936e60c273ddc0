/* store_buffer_to_buffer: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "STORE_BU", 1)
{
    Name (BUF0, Buffer(4) { 1, 2, 3, 4 })
    Name (BUF1, Buffer(2) { 1, 2 })
    Method (MAIN) { BUF0 = Buffer() { 9 } BUF1 = Buffer() { 5, 6, 7, 8 } Return (Package () { BUF0, BUF1 }) }
}
