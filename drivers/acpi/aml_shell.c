/* aml_shell.c - shell commands for the AML interpreter (kernel only):
 *   aml ns [path]                     print the namespace (or the subtree at path)
 *   aml eval <path> [integer args...] evaluate path and print the result
 */
#include "drivers/acpi/aml/aml.h"
#include "kernel/shell.h"
#include "platform.h"

#include <string.h>

/* `aml ns [path]` and `aml eval <path> [args...]`. */
static int cmd_aml(int argc, char **argv)
{
    if (argc < 2)
        return shell_error("usage: aml ns [path] | aml eval <path> [integer args...]");
    if (!strcmp(argv[1], "ns")) {
        struct aml_node *n = NULL;
        if (argc > 2) {
            n = aml_find(NULL, argv[2]);
            if (!n)
                return shell_error("%s: not found", argv[2]);
        }
        aml_dump_ns(n);
        return 0;
    }
    if (!strcmp(argv[1], "eval")) {
        if (argc < 3)
            return shell_error("usage: aml eval <path> [integer args...]");
        uint64_t args[7];
        int n = 0;
        for (int i = 3; i < argc; i++) {
            unsigned long long v;
            if (n == 7)
                return shell_error("at most 7 arguments");
            if (shell_parse_u64(argv[i], &v))
                return shell_error("bad integer argument '%s'", argv[i]);
            args[n++] = v;
        }
        struct aml_obj *res = NULL;
        if (!aml_find(NULL, argv[2]))
            return shell_error("%s: not found", argv[2]);
        if (aml_eval_args(NULL, argv[2], n, args, &res))
            return shell_error("%s", aml_last_error());
        if (res)
            aml_obj_print(res, 0);
        else
            plat_printf("(no value)\n");
        aml_obj_free(res);
        return 0;
    }
    return shell_error("unknown subcommand '%s' (ns, eval)", argv[1]);
}
SHELL_COMMAND("aml", "ns [path] | eval <path> [args...]", "AML namespace dump / evaluate a method", cmd_aml);
