/* ld_notify_module: a module-level Notify on an integer fails; the rest loads. IASL: -f */
/* EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "LD_NOTM", 1)
{
    Name (INT0, 1)
    Notify (INT0, 1)
    Name (AFTR, 5)
    Method (MAIN) { Return (AFTR) }
}
