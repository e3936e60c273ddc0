/* rg_order: _REG calls go by space (SystemMemory, SystemIO, PCI_Config), then namespace order. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_ORD", 1)
{
    Name (SEQ, 0)
    Device (DEVA) {
        Name (_HID, "ACPI0001")
        OperationRegion (RIO, SystemIO, 0x80, 0x1)
        Method (_REG, 2) { SEQ = (SEQ << 4) | (Arg0 + 1) }
    }
    Device (DEVB) {
        Name (_HID, "ACPI0002")
        OperationRegion (RMEM, SystemMemory, 0x100000, 0x10)
        Method (_REG, 2) { SEQ = (SEQ << 4) | (Arg0 + 8) }
    }
    Method (MAIN) { Return (SEQ) }
}
