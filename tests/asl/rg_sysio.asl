/* rg_sysio: _REG(SystemIO, 1) runs for a SystemIO region. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_IO", 1)
{
    Name (LAST, 0xFF)
    Device (DEV0) {
        Name (_HID, "ACPI0001")
        OperationRegion (RGN0, SystemIO, 0x80, 0x1)
        Method (_REG, 2) { LAST = (Arg0 << 4) | Arg1 }
    }
    Method (MAIN) { Return (LAST) }
}
