/* fuzz_acpi_hpet_mcfg.c - libFuzzer target: acpi_hpet_parse and acpi_mcfg_parse on the same
 * bytes (see fuzz_acpi_common.h for the input). */
#include "fuzz_acpi_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plat_host_loglevel = -1;
    size_t n;
    uint8_t *t = fuzz_table(data, size, "HPET", &n);
    struct acpi_hpet h;
    acpi_hpet_parse(t, n, &h);
    free(t);
    t = fuzz_table(data, size, "MCFG", &n);
    static struct acpi_mcfg m;
    acpi_mcfg_parse(t, n, &m);
    if (m.n > ACPI_MAX_MCFG)
        abort();
    free(t);
    return 0;
}
