"""hotmem-gdb.py - gdb helper commands for hotmem, sourced by scripts/hotmem.gdb.

A loader stub for now: the hm-* commands (hm-sections, hm-buddyinfo, hm-frame, hm-dimms, hm-aml,
hm-trace; issue 8) are added here later.
"""

import gdb  # noqa: F401  (only available inside gdb)
