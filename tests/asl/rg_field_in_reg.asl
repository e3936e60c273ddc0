/* rg_field_in_reg: _REG may access the region's fields. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_FLD", 1)
{
    Name (SEEN, 0)
    Device (DEV0) {
        Name (_HID, "ACPI0001")
        OperationRegion (RGN0, SystemIO, 0x90, 0x1)
        Field (RGN0, ByteAcc, NoLock, Preserve) { FLD0, 8 }
        Method (_REG, 2) { If (Arg1) { FLD0 = 0x5A SEEN = FLD0 } }
    }
    Method (MAIN) { Return (SEEN) }
}
