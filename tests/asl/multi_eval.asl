/* multi_eval: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: INC INC MAIN INC CNT0 */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "MULTI_EV", 1)
{
    Name (CNT0, 0)
    Method (INC) { CNT0++ Return (CNT0) }
    Method (MAIN) { Return (CNT0) }
}
