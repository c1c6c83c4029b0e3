/* update: new resource limits and restart policy for containers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/limits.h"

static int cmd_update(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_update = {"update", cmd_update,
                                           "[OPTIONS] CONTAINER [CONTAINER...]",
                                           "Update configuration of one or more containers"};

/* docker's opts.ParseRestartPolicy: "name[:max-retries]" into the body. */
static int restart_flag(struct cli *cli, json_t *body, const char *policy)
{
	const char *colon = strchr(policy, ':');
	char name[64];
	long count = 0;

	if (colon == policy)
		return cli_failf(cli, 125,
		                 "invalid restart policy format: no policy provided before colon");
	if (colon && colon[1]) {
		char *end;
		count = strtol(colon + 1, &end, 10);
		if (*end)
			return cli_failf(cli, 125,
			                 "invalid restart policy format: maximum retry count must "
			                 "be an integer");
	}
	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - policy) : (int)strlen(policy),
	         policy);
	json_object_set_new(body, "RestartPolicy",
	                    json_pack("{s:s, s:i}", "Name", name, "MaximumRetryCount", (int)count));
	return 0;
}

static int cmd_update(struct cli *cli, int argc, char **argv)
{
	struct limit_opts o = {0};
	char *restart = NULL;
	struct flag_spec specs[] = {
	    LIMIT_RESOURCE_FLAGS(o),
	    {"restart", 0, FLAG_STRING, &restart, "string",
	     "Restart policy to apply when a container exits"},
	    {0},
	};
	json_t *body = NULL;
	bool done;
	int first, status, failed = 0;

	if ((status = cli_parse(cli, specs, &cli_cmd_update, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_update, argc - first, 1, -1)))
		goto out;
	/* the options are argv[1..first) once parsed */
	if (first == 1) {
		status =
		    cli_failf(cli, 1, "you must provide one or more flags when using this command");
		goto out;
	}
	body = json_object();
	if ((status = cli_limit_flags(cli, body, &o, true)))
		goto out;
	if (restart && *restart && (status = restart_flag(cli, body, restart)))
		goto out;
	for (int i = first; i < argc; i++) {
		json_t *result = NULL;
		berr err = {0};
		json_object_set_new(body, "id", json_string(argv[i]));
		if (cli_call(cli, "container.update", body, &result, &err) < 0) {
			cli_fail(cli, &err, 1);
			failed = 1;
		} else {
			printf("%s\n", argv[i]);
		}
		json_t *w;
		size_t k;
		json_array_foreach(json_object_get(result, "Warnings"), k, w)
		    printf("%s\n", json_string_value(w));
		json_decref(result);
	}
	status = failed;
out:
	json_decref(body);
	flags_free(specs);
	return status;
}
