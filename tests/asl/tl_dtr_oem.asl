/* tl_dtr_oem: DataTableRegion by OEM id reads the OEM table id. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "TL_DTR_O", 1)
{

    DataTableRegion (DTR0, "DSDT", "HOTMEM", "")
    Field (DTR0, ByteAcc, NoLock, Preserve) { Offset (16), OTID, 64 }
    Method (MAIN) { Return (OTID) }
}
