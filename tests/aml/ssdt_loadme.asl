/* ssdt_loadme: an SSDT that tests/test_aml.py offers to LoadTable (amlrun -T) and Load. */
DefinitionBlock ("", "SSDT", 2, "HOTMEM", "LOADME", 1)
{
    Name (\LDV1, 0x1234)
    Method (\LDM1, 1) { Return (Arg0 + 1) }
    Device (\LDD1) { Name (_HID, "ACPI0009") }
}
