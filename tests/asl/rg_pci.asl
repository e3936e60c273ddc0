/* rg_pci: _REG(PCI_Config, 1) runs for a PCI_Config region. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "RG_PCI", 1)
{
    Name (LAST, 0xFF)
    Device (PCI0) {
        Name (_HID, EisaId ("PNP0A03"))
        Name (_ADR, 0)
        Name (_BBN, 0)
        OperationRegion (PCFG, PCI_Config, 0, 0x100)
        Method (_REG, 2) { LAST = (Arg0 << 4) | Arg1 }
    }
    Method (MAIN) { Return (LAST) }
}
