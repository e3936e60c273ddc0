/* shell.c - the serial console shell: line editing and dispatch to the SHELL_COMMAND table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/shell.h"

#define LINE_MAX 256
#define ARGS_MAX 16
#define PROMPT "hotmem> "

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];
static char line[LINE_MAX];
static int len;
static int esc_state; /* 0 none, 1 after ESC, 2 inside ESC [ ... */
static const char *cur_cmd = "shell";
uint64_t shell_lines_too_long;

/* Parse decimal or 0x-hex into *out; -1 on anything else. */
int shell_parse_u64(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    *out = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

/* Print "error: <cmd>: msg" and return -1. */
int shell_error(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    plat_printf("error: %s: %s\n", cur_cmd, buf);
    return -1;
}

/* Commands that use the worker thread's state (AML namespace, GPE/Notify queues, memory
 * devices): they run under kern_work_mutex, so never in the middle of a worker pass. */
static const char *const worker_cmds[] = {"aml", "dimms", "eject", "events"};
extern struct mutex kern_work_mutex;

/* Does command name use the worker's state? */
static bool is_worker_cmd(const char *name)
{
    for (unsigned i = 0; i < sizeof worker_cmds / sizeof worker_cmds[0]; i++)
        if (!strcmp(worker_cmds[i], name))
            return true;
    return false;
}

/* Find a command by name. */
static const struct shell_cmd *find(const char *name)
{
    for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

/* Split the line into words and run the command they name. */
int shell_run_command(char *s)
{
    char *argv[ARGS_MAX + 1];
    int argc = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            *s++ = 0;
        if (!*s)
            break;
        if (argc == ARGS_MAX) {
            plat_printf("error: too many arguments (at most %d)\n", ARGS_MAX - 1);
            return -1;
        }
        argv[argc++] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
    argv[argc] = NULL;
    if (!argc)
        return 0;
    const struct shell_cmd *c = find(argv[0]);
    if (!c) {
        plat_printf("error: unknown command '%s' (try 'help')\n", argv[0]);
        return -1;
    }
    cur_cmd = c->name;
    bool w = is_worker_cmd(c->name) && sched_current();
    if (w)
        mutex_lock(&kern_work_mutex);
    int r = c->fn(argc, argv);
    if (w)
        mutex_unlock(&kern_work_mutex);
    cur_cmd = "shell";
    return r;
}

/* Print the lines held back while the shell was busy, then the prompt. */
void shell_prompt(void)
{
    console_set_busy(false);
    console_write(PROMPT, sizeof PROMPT - 1);
}

/* Feed one input byte to the line editor. */
void shell_input(int c)
{
    if (esc_state && (c == 0x03 || c == '\r' || c == '\n'))
        esc_state = 0; /* Ctrl-C and Enter always work, even inside a broken escape sequence */
    if (esc_state == 1) {
        esc_state = c == '[' ? 2 : 0;
        return;
    }
    if (esc_state == 2) {
        if (c >= 0x40 && c <= 0x7e)
            esc_state = 0;
        return;
    }
    switch (c) {
    case '\r':
    case '\n':
        console_set_busy(true);
        console_write("\n", 1);
        line[len] = 0;
        shell_run_command(line);
        len = 0;
        shell_prompt();
        return;
    case 0x03: /* Ctrl-C: abandon the line */
        console_write("^C\n", 3);
        len = 0;
        shell_prompt();
        return;
    case 0x15: /* Ctrl-U: erase the line */
        while (len) {
            console_write("\b \b", 3);
            len--;
        }
        return;
    case 0x08:
    case 0x7f:
        if (len) {
            console_write("\b \b", 3);
            len--;
        }
        return;
    case 0x1b:
        esc_state = 1;
        return;
    }
    if (c < 0x20 || c > 0x7e)
        return;
    if (len == 0)
        console_set_busy(true);
    if (len == LINE_MAX - 1) {
        shell_lines_too_long++;
        return;
    }
    line[len++] = (char)c;
    char ch = (char)c;
    console_write(&ch, 1);
}

/* help [command]: list the commands, or one with its usage. */
static int cmd_help(int argc, char **argv)
{
    if (argc > 1) {
        const struct shell_cmd *c = find(argv[1]);
        if (!c)
            return shell_error("no command '%s'", argv[1]);
        plat_printf("%s %s\n  %s\n", c->name, c->args, c->help);
        return 0;
    }
    /* alphabetical: each pass prints the smallest name after the previous one */
    const char *last = "";
    for (;;) {
        const struct shell_cmd *next = NULL;
        for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)
            if (strcmp(c->name, last) > 0 && (!next || strcmp(c->name, next->name) < 0))
                next = c;
        if (!next)
            return 0;
        char usage[64];
        snprintf(usage, sizeof usage, "%s %s", next->name, next->args);
        plat_printf("  %-32s %s\n", usage, next->help);
        last = next->name;
    }
}
SHELL_COMMAND("help", "[command]", "list commands, or show one command's usage", cmd_help);
