/* berth daemon: the Engine API on unix sockets (api/), for the docker CLI,
 * docker-compose and the Docker SDKs; and `berth daemon --validate`, which
 * checks daemon.json as an engine checks it when it opens, without opening
 * one (dockerd --validate). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/cli.h"
#include "engine/modules.h"

static void usage(void)
{
	const char *run = getenv("BERTH_RUN");

	printf("\nUsage:  berth daemon [OPTIONS]\n\n"
	       "Serve the Docker Engine API (default unix://%s/berth.sock)\n\n"
	       "Options:\n"
	       "      --config-file string   daemon.json to use (default \"/etc/berth/daemon.json\")\n"
	       "  -D, --debug                Print one line per request\n"
	       "  -G, --group string         Group for the unix sockets (default \"berth\" when it exists)\n"
	       "  -H, --host list            Address to serve: unix:///path, tcp://host:port or fd://, with\n"
	       "                             ?access=ro or ?allow=METHOD:/path,... to limit what it lets through\n"
	       "      --tls                  Use TLS on tcp:// (implied by --tlsverify)\n"
	       "      --tlscacert string     Trust certs signed only by this CA (default \"~/.docker/ca.pem\")\n"
	       "      --tlscert string       Path to TLS certificate file (default \"~/.docker/cert.pem\")\n"
	       "      --tlskey string        Path to TLS key file (default \"~/.docker/key.pem\")\n"
	       "      --tlsverify            Use TLS and verify the remote (clients' certificates)\n"
	       "      --unsafe-tcp           Serve tcp:// without verified client certificates (anyone who\n"
	       "                             reaches the port is root on this host)\n"
	       "      --validate             Check daemon.json and exit\n",
	       run && *run ? run : "/run/berth");
}

static int validate(void)
{
	json_t *ignored = NULL, *v;
	berr err = {0};
	size_t i;

	int rc = engine_config_validate(&ignored, &err);
	json_array_foreach(ignored, i, v)
		fprintf(stderr, "WARNING: %s: \"%s\" is ignored: %s\n", daemon_config_path(),
			json_string_value(json_object_get(v, "key")),
			json_string_value(json_object_get(v, "why")));
	json_decref(ignored);
	if (rc < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	printf("configuration OK\n");
	return 0;
}

/* The value of a flag given as "--flag value", "--flag=value" or "-Fvalue". */
static const char *flag_value(int argc, char **argv, int *k, const char *lng, const char *shrt)
{
	size_t n = strlen(lng);

	if ((strcmp(argv[*k], lng) == 0 || (shrt && strcmp(argv[*k], shrt) == 0)) && *k + 1 < argc)
		return argv[++*k];
	if (strncmp(argv[*k], lng, n) == 0 && argv[*k][n] == '=')
		return argv[*k] + n + 1;
	if (shrt && strncmp(argv[*k], shrt, 2) == 0 && argv[*k][2])
		return argv[*k] + 2;
	return NULL;
}

int cli_daemon_main(struct cli *cli, int argc, char **argv, int (*open_engine)(struct cli *))
{
	const char *hosts[16];
	struct api_options opts = {.hosts = hosts};
	bool check = false;
	const char *v;
	berr err = {0};

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--validate") == 0) {
			check = true;
		} else if ((v = flag_value(argc, argv, &k, "--config-file", NULL))) {
			setenv("BERTH_CONFIG", v, 1);
		} else if ((v = flag_value(argc, argv, &k, "--host", "-H"))) {
			if (opts.nhosts == sizeof(hosts) / sizeof(hosts[0])) {
				fprintf(stderr, "berth: at most 16 -H addresses\n");
				return 125;
			}
			hosts[opts.nhosts++] = v;
		} else if ((v = flag_value(argc, argv, &k, "--group", "-G"))) {
			opts.group = v;
		} else if ((v = flag_value(argc, argv, &k, "--tlscacert", NULL))) {
			opts.tlscacert = v;
		} else if ((v = flag_value(argc, argv, &k, "--tlscert", NULL))) {
			opts.tlscert = v;
		} else if ((v = flag_value(argc, argv, &k, "--tlskey", NULL))) {
			opts.tlskey = v;
		} else if (strcmp(argv[k], "--tls") == 0) {
			opts.tls = true;
		} else if (strcmp(argv[k], "--tlsverify") == 0) {
			opts.tlsverify = true;
		} else if (strcmp(argv[k], "--unsafe-tcp") == 0) {
			opts.unsafe_tcp = true;
		} else if (strcmp(argv[k], "-D") == 0 || strcmp(argv[k], "--debug") == 0) {
			opts.debug = true;
		} else if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			usage();
			return 0;
		} else if (argv[k][0] == '-') {
			bool takes = strcmp(argv[k], "-H") == 0 || strcmp(argv[k], "--host") == 0 ||
				     strcmp(argv[k], "-G") == 0 || strcmp(argv[k], "--group") == 0 ||
				     strcmp(argv[k], "--config-file") == 0 ||
				     strncmp(argv[k], "--tls", 5) == 0;
			if (takes)
				fprintf(stderr, "berth: flag needs an argument: %s\n"
						"See 'berth daemon --help'.\n", argv[k]);
			else
				fprintf(stderr, "berth: unknown flag: %s\nSee 'berth daemon --help'.\n",
					argv[k]);
			return 125;
		} else {
			fprintf(stderr, "berth: \"berth daemon\" accepts no arguments (got \"%s\")\n"
					"See 'berth daemon --help'.\n", argv[k]);
			return 125;
		}
	}
	if (check)
		return validate();
	/* the engine's threads and the connections' leave these to the
	 * serving loop's signalfd */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (open_engine(cli) < 0)
		return 1;
	if (api_serve(cli->engine, &opts, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	/* streams may still run on their threads: the process ends here */
	fflush(stdout);
	fflush(stderr);
	_exit(0);
}
