/* rg_two_regions: two regions in one scope: _REG runs for each (ACPICA). EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_TWO", 1)
{
    Name (CNT, 0)
    Device (DEV0) {
        Name (_HID, "ACPI0001")
        OperationRegion (RGN0, SystemMemory, 0x100000, 0x10)
        OperationRegion (RGN1, SystemMemory, 0x100010, 0x10)
        Method (_REG, 2) { CNT++ }
    }
    Method (MAIN) { Return (CNT) }
}
