/* Internal: the subcommands of the gpucc program besides `run`
 * (main.c holds the table). Each takes argv with argv[0] = its name
 * and returns the exit code (see options.h). */
#ifndef GPUCC_COMMANDS_H
#define GPUCC_COMMANDS_H

int cli_cmd_peak(int argc, char **argv);  /* cmd-peak.c */
int cli_cmd_bench(int argc, char **argv); /* bench/cmd-bench.c */

#endif
