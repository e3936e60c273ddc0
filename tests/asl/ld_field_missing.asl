/* ld_field_missing: a Field over a missing region fails; names after it load. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_FLDM", 1)
{
    External (\RGNX, OpRegionObj)
    Field (RGNX, ByteAcc, NoLock, Preserve) { FLD1, 8 }
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR) }
}
