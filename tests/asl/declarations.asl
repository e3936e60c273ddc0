/* declarations: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "DECLARAT", 1)
{
    Scope (\_PR) { Processor (CPU0, 0x01, 0x00000810, 0x06) { Name (_UID, 7) } }
    PowerResource (PWR0, 0, 0) { Method (_STA) { Return (1) } }
    ThermalZone (TZ00) { Method (_TMP) { Return (3000) } }
    Method (MAIN) { Local7 = Package (6) {}
        Local7[0] = ObjectType(\_PR.CPU0)
        Local7[1] = ObjectType(PWR0)
        Local7[2] = ObjectType(TZ00)
        Local7[3] = \_PR.CPU0._UID
        Local7[4] = \PWR0._STA()
        Local7[5] = \TZ00._TMP()
        Return (Local7) }
}
