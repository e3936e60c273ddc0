/* shell.h - the serial shell's command table. Each subsystem registers its commands with
 * SHELL_COMMAND in its own *_shell.c file; the linker gathers them into .shell_cmds. */
#pragma once

struct shell_cmd {
    const char *name;
    const char *args; /* usage, e.g. "<count> [order] [movable]" */
    const char *help; /* one line */
    /* Runs the command; returns 0, or prints a one-line error and returns non-zero. */
    int (*fn)(int argc, char **argv);
};

#define SHELL_COMMAND(cname, cargs, chelp, cfn)                                                              \
    static const struct shell_cmd shell_cmd_##cfn                                                            \
        __attribute__((used, section(".shell_cmds"), aligned(8))) = {cname, cargs, chelp, cfn}

/* Parse an unsigned number (decimal, or hex with 0x); returns 0 on success, -1 on bad input. */
int shell_parse_u64(const char *s, unsigned long long *out);
/* Print "error: <msg>" for the current command and return -1 (usage: return shell_error(...)). */
int shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
