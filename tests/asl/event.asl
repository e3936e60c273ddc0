/* event: compared between amlrun and acpiexec by tests/test_aml.py. EVAL: MAIN */
DefinitionBlock ("", "DSDT", 2, "HOTMEM", "EVENT", 1)
{
    Event (EVT0)
    Method (MAIN) { Signal (EVT0) Signal (EVT0) Local0 = Wait (EVT0, 0) Local1 = Wait (EVT0, 0) Local2 = Wait (EVT0, 0) Signal (EVT0) Reset (EVT0) Local3 = Wait (EVT0, 0)
      Local7 = Package (4) {}
        Local7[0] = Local0
        Local7[1] = Local1
        Local7[2] = Local2
        Local7[3] = Local3
        Return (Local7) }
}
