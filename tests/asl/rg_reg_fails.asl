/* rg_reg_fails: a failing _REG does not stop the load or other _REG calls. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_FAIL", 1)
{
    Name (CNT, 0)
    Name (ZR0, 0)
    Device (DEV0) { Name (_HID, "ACPI0001") OperationRegion (RGN0, SystemMemory, 0x100000, 0x10)
        Method (_REG, 2) { CNT++ Local0 = 1 / ZR0 } }
    Device (DEV1) { Name (_HID, "ACPI0002") OperationRegion (RGN1, SystemMemory, 0x100000, 0x10)
        Method (_REG, 2) { CNT += 0x10 } }
    Name (AFTR, 0x100)
    Method (MAIN) { Return (CNT + AFTR) }
}
