/* ld_dup_thermal: a duplicate ThermalZone's body is skipped. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_DUPTZ", 1)
{
    ThermalZone (TZ0) { Name (A, 1) }
    Scope (\) { ThermalZone (\TZ0) { Name (B, 2) } }
    Name (AFTR, 8)
    Method (MAIN) { Return (CondRefOf (\TZ0.B) + AFTR + \TZ0.A) }
}
