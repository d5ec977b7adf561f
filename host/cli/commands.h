/* Internal: the subcommands of the gpucc program besides `run`
 * (host/main.c holds the table). Each takes argv with argv[0] = its name
 * and returns the exit code (see cli.h). */
#ifndef GPUCC_COMMANDS_H
#define GPUCC_COMMANDS_H

int cli_cmd_peak(int argc, char **argv);  /* host/cmd-peak.c */
int cli_cmd_bench(int argc, char **argv); /* host/cmd-bench.c */

#endif
