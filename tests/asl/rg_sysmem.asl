/* rg_sysmem: _REG(SystemMemory, 1) runs for a SystemMemory region's scope after the table loads. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_MEM", 1)
{
    Name (CNT, 0)
    Name (LAST, 0xFF)
    Device (DEV0) {
        Name (_HID, "ACPI0001")
        OperationRegion (RGN0, SystemMemory, 0x100000, 0x10)
        Method (_REG, 2) { CNT++ LAST = (Arg0 << 4) | Arg1 }
    }
    Method (MAIN) { Return (Package () { CNT, LAST }) }
}
