/* rg_no_reg: a region without a _REG in its scope is fine; another scope's _REG is not run. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_NONE", 1)
{
    Name (CNT, 0)
    Device (DEV0) { Name (_HID, "ACPI0001") OperationRegion (RGN0, SystemMemory, 0x100000, 0x10) }
    Device (DEV1) { Name (_HID, "ACPI0002") Method (_REG, 2) { CNT++ } }
    Method (MAIN) { Return (CNT) }
}
