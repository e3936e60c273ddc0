/* notify_processor: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "NOTIFY_P", 1)
{
    Scope (\_PR) { Processor (CPU0, 0x00, 0x00000000, 0x00) {} }
    Method (MAIN) { Notify (\_PR.CPU0, 0x81) Return (Zero) }
}
