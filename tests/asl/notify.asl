/* notify: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "NOTIFY", 1)
{
    Scope (\_SB) { Device (DEV0) { Name (_HID, EisaId ("PNP0C80")) } Device (DEV1) { Name (_HID, "ACPI0004") } }
    Method (NTF, 2) { If (Arg0 == 0) { Notify (\_SB.DEV0, Arg1) } Else { Notify (\_SB.DEV1, Arg1) } }
    Method (MAIN) { NTF (0, 1) NTF (1, 3) Notify (\_SB.DEV0, 0x80) Return (3) }
}
