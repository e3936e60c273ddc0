/* st_switch_pkg: a Case with a Package matches any of its elements. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "ST_SWP", 1)
{
    Method (MAIN, 0, Serialized) {
        Switch (5) {
            Case (Package () { 1, 2 }) { Return (1) }
            Case (Package () { 4, 5, 6 }) { Return (2) }
        }
        Return (0)
    }
}
