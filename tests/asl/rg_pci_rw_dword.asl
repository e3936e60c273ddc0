/* rg_pci_rw_dword: a PCI_Config dword field reads back what was written. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_PRWD", 1)
{
    Device (PCI0) {
        Name (_HID, EisaId ("PNP0A03"))
        Name (_ADR, 0x00020001)
        OperationRegion (PCFG, PCI_Config, 0x40, 0x10)
        Field (PCFG, DWordAcc, NoLock, Preserve) { PD40, 32 }
    }
    Method (MAIN) { \PCI0.PD40 = 0x12345678 Return (\PCI0.PD40) }
}
