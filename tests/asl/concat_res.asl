/* concat_res: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "CONCAT_R", 1)
{
    Name (RT1, ResourceTemplate() { IO (Decode16, 0x100, 0x100, 1, 8) })
    Name (RT2, ResourceTemplate() { IRQNoFlags () {5} })
    Method (MAIN) { Return (ConcatenateResTemplate(RT1, RT2)) }
}
