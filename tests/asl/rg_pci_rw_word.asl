/* rg_pci_rw_word: a PCI_Config word field at an odd word offset reads back. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_PRWW", 1)
{
    Device (PCI0) {
        Name (_HID, EisaId ("PNP0A03"))
        Name (_ADR, 0)
        OperationRegion (PCFG, PCI_Config, 0x52, 0x2)
        Field (PCFG, WordAcc, NoLock, Preserve) { PW52, 16 }
    }
    Method (MAIN) { \PCI0.PW52 = 0xBEEF Return (\PCI0.PW52) }
}
