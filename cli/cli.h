/* The docker-compatible command line: a face over the engine's queue. */
#ifndef BERTH_CLI_CLI_H
#define BERTH_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/flags.h"
#include "engine/core/daemon_config.h"
#include "engine/core/engine.h"
#include "engine/remote/target.h"

struct cli {
	struct engine *engine;
	/* The daemon the engine's commands go to, or NULL for this host's
	 * own engine (-H, --context, DOCKER_HOST...). */
	const struct remote_target *remote;
	const char *name; /* "run", "container ls", ... for messages */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;   /* "[OPTIONS] CONTAINER [CONTAINER...]" */
	const char *summary; /* one line */
};

/* Takes the docker CLI's global options off argv (after argv[0]) into
 * choice; 0, or the exit status after printing the error. */
int cli_global_flags(int *argc, char **argv, struct remote_choice *choice);

/* Pulls an image, showing Docker's progress on progress (NULL: quiet). */
int cli_pull(struct cli *cli, const char *reference, const char *platform, FILE *progress,
	     berr *err);
/* The same, with every tag of the repository when all_tags. */
int cli_pull_tags(struct cli *cli, const char *reference, const char *platform, bool all_tags,
		  FILE *progress, berr *err);

/* Prints "berth: <message>" and returns status. */
int cli_fail(struct cli *cli, const berr *err, int status);
int cli_failf(struct cli *cli, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Parses the options of a command; prints help and returns 0 with
 * *done set for --help; prints the error and returns 125 for a bad flag. */
int cli_parse(struct cli *cli, const struct flag_spec *specs, const struct cli_command *cmd,
	      int argc, char **argv, bool interspersed, int *first_arg, bool *done);

/* Checks the count of positionals like the docker CLI's Args validators;
 * prints its "requires at least 1 argument" message and returns 1. */
int cli_require_args(struct cli *cli, const struct cli_command *cmd, int count, int min, int max);

/* Runs an engine command that writes an archive to args' "fd" (set here):
 * stdout, never a terminal, or the file output, written beside its name
 * and renamed into place when complete, 0600 as Docker writes it (an
 * archive may hold secrets), so a failure leaves no half file. failed
 * starts the messages ("failed to save image"). Returns the exit status. */
int cli_call_to_output(struct cli *cli, const char *type, json_t *args, const char *output,
		       const char *failed);

/* engine_call with this face's error handling left to the caller. */
int cli_call(struct cli *cli, const char *type, json_t *args, json_t **result, berr *err);

/* A list command's output: its rows, the Go type Docker formats them as
 * (so a field no row has is an error, as in Docker), the labels each row's
 * {{.Label "key"}} reads (an array beside rows, or NULL), the column titles
 * by field name, and the format used without --format. */
struct cli_list {
	const struct tmpl_type *type;
	json_t *rows;
	json_t *labels;
	json_t *headers;
	const char *default_format;
	bool marshal; /* set by cli_print_list: the format is {{json .}} alone */
	bool sorted;  /* set by cli_print_list: rows' keys sorted (JSON shows them) */
};

/* Prints a list through a --format (Go template; "table ..." with a header
 * and aligned columns; "json" for one JSON object per line). A template
 * naming a field the type lacks fails even when there are no rows. */
int cli_print_list(struct cli *cli, const struct cli_list *list, const char *format);

/* The fields ps's --format sees for one container summary (an element of
 * container.list's result): ID, Image, Command, RunningFor, Size... */
json_t *cli_ps_row(json_t *container, bool no_trunc, bool size);

/* Prints objects as inspect does without --format: an indented JSON array. */
int cli_print_json_array(json_t *objects);

/* Prints each object through a --format as inspect does (map data: a
 * missing key is "<no value>"). */
int cli_print_each(struct cli *cli, json_t *objects, const char *format);

/* Adds each --filter word to filters; prints Docker's error and returns
 * 125 for a malformed one, 0 otherwise. */
int cli_filters(struct cli *cli, const struct strlist *list, json_t *filters);

/* Labels as list columns show them: "a=b,c=d". */
json_t *cli_labels_text(json_t *labels);

/* "k=v" words (--label, --opt) as an object; a word without '=' is k="". */
json_t *cli_key_values(const struct strlist *list);

/* Whether a --format fits a list's type (its rows may be empty): prints
 * the error and returns 1 when it does not, 0 when it does. */
int cli_check_list_format(struct cli *cli, const struct cli_list *list, const char *format);

/* Docker's ConsoleSize: the terminal's rows and columns into obj (an
 * exec's arguments, a container's HostConfig), so a tty has them before
 * its program runs; nothing when neither stdout nor stdin is a terminal. */
void cli_console_size(json_t *obj);

/* Pumps an attach stream (shim frames) to stdout/stderr and, when
 * forward_stdin, the terminal's input to it. Returns the container's exit
 * code from the exit frame, or -1 when the stream ended without one (-2
 * when the user detached). */
int cli_stream_attach(int fd, bool forward_stdin, bool tty, const char *detach_keys);

/* While cli_stream_attach runs without a tty, SIGINT, SIGTERM and SIGHUP
 * received by berth are handed to proxy (which forwards them). */
void cli_stream_set_signal_proxy(void (*proxy)(int sig, void *user), void *user);

/* Truncates an id to Docker's 12 hex digits (dropping "sha256:"). */
void cli_short_id(const char *id, char out[13]);

/* Every command, for the dispatcher and for help. */
extern const struct cli_command cli_commands[];

/* Runs a command line (argv[0] is the command name). */
int cli_main(struct cli *cli, int argc, char **argv);

/* `berth daemon ...`: the engine is opened with open_engine only to serve
 * (--validate needs none) (cmd-daemon.c). */
int cli_daemon_main(struct cli *cli, int argc, char **argv, int (*open_engine)(struct cli *));

#endif
