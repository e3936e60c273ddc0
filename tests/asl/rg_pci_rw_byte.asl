/* rg_pci_rw_byte: a PCI_Config byte field reads back what was written. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_PRWB", 1)
{
    Device (PCI0) {
        Name (_HID, EisaId ("PNP0A03"))
        Name (_ADR, 0x00030000)
        Name (_BBN, 0)
        OperationRegion (PCFG, PCI_Config, 0, 0x100)
        Field (PCFG, ByteAcc, NoLock, Preserve) { Offset (0x40), PB40, 8 }
    }
    Method (MAIN) { \PCI0.PB40 = 0xA5 Return (\PCI0.PB40) }
}
