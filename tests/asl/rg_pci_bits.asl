/* rg_pci_bits: PCI_Config bit fields with Preserve. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_PBIT", 1)
{
    Device (PCI0) {
        Name (_HID, EisaId ("PNP0A03"))
        Name (_ADR, 0)
        OperationRegion (PCFG, PCI_Config, 0x60, 0x1)
        Field (PCFG, ByteAcc, NoLock, Preserve) { B0, 1, B1, 3, B4, 4 }
    }
    Method (MAIN) { \PCI0.B0 = 1 \PCI0.B1 = 5 \PCI0.B4 = 0xC Return (Package () { \PCI0.B0, \PCI0.B1, \PCI0.B4 }) }
}
