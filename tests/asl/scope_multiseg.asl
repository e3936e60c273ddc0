/* scope_multiseg: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "SCOPE_MU", 1)
{
    Scope (\_SB) { Device (PCI0) { Device (ISA0) { Name (VAL0, 0x55) } } }
    Scope (\_SB.PCI0.ISA0) { Name (VAL1, 0x66) }
    Scope (_SB.PCI0) { Method (GET) { Return (^ISA0.VAL0 + ^ISA0.VAL1) } }
    Method (MAIN) { Return (\_SB.PCI0.GET()) }
}
