// SPDX-License-Identifier: GPL-2.0
/*
 * pvtrace: what virtualization costs this Xen guest, from pvtrace's
 * debugfs files. Dispatches to one command per file (stat.c, top.c,
 * export.c, status.c, record.c); Documentation/pvtrace.1 is the manual.
 */
#include <stdio.h>
#include <string.h>

#include "pvtrace.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} cmds[] = {
	{ "stat", pvt_cmd_stat, "what virtualization cost while CMD ran" },
	{ "top", pvt_cmd_top, "live rates per hypercall, event channel, vCPU" },
	{ "export", pvt_cmd_export, "Prometheus textfile (as pvtrace-exporter)" },
	{ "status", pvt_cmd_status, "loaded? version, hooks, what is off and why" },
	{ "record", pvt_cmd_record, "a flight recording, to a file" },
	{ "report", pvt_cmd_report, "a recording as a report (pvtrace-report)" },
};

static void commands(FILE *f)
{
	fputs("usage: pvtrace COMMAND [OPTION]... (pvtrace COMMAND --help)\n\n",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].what);
	fputs("\nExit: 0 ok; 1 pvtrace not loaded; 2 usage error; 3 malformed input;\n"
	      "4 output not written; 5 debugfs not mounted; 6 permission denied;\n"
	      "7 a newer debugfs format; 8 other failure. stat exits with CMD's status.\n"
	      "See pvtrace(1).\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		commands(stderr);
		return PVT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		commands(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("pvtrace %s\n", PVTRACE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return pvt_usage_err("unknown command '%s'", argv[1]);
}
