/* ld_device_after: a Device defined after a failing statement has its objects. EVAL: \DEV1._HID \DEV1._UID */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DAFT", 1)
{
    Name (ZR0, 0)
    Name (X, 0)
    Store (Divide (1, ZR0), X)
    Device (DEV1) { Name (_HID, EisaId ("PNP0C80")) Name (_UID, 3) }
}
