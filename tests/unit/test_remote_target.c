/* The choice of a daemon as the docker CLI 28 makes it, and its context
 * store and config.json, on real files in a private DOCKER_CONFIG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/remote/client_config.h"
#include "engine/remote/context_store.h"
#include "engine/remote/host.h"
#include "engine/remote/target.h"

#define PEM_CERT "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
#define PEM_KEY "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n"

static char top[64];     /* the test's folder */
static char config[128]; /* DOCKER_CONFIG */
static char certs[128];  /* a DOCKER_CERT_PATH */

static const char *const env_names[] = {"DOCKER_HOST",	   "DOCKER_CONTEXT", "DOCKER_CONFIG",
					"DOCKER_CERT_PATH", "DOCKER_TLS",     "DOCKER_TLS_VERIFY"};

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *read_text(const char *path)
{
	char *text = NULL;
	berr err = {0};

	assert_int_equal(fs_read_file(path, &text, NULL, &err), 0);
	return text;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* A fresh, empty DOCKER_CONFIG and certificate folder, and none of
 * docker's variables set, for every test. */
static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/berth-remote-XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(config, sizeof(config), "%s/config", top);
	snprintf(certs, sizeof(certs), "%s/certs", top);
	if (mkdir(config, 0700) < 0 || mkdir(certs, 0700) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
		unsetenv(env_names[i]);
	setenv("DOCKER_CONFIG", config, 1);
	return 0;
}

static int teardown(void **state)
{
	berr err = {0};

	(void)state;
	return fs_remove_tree(top, &err);
}

/* Stores a context with a docker endpoint. */
static void put_context(const char *name, const char *host, bool skip)
{
	json_t *meta = json_pack("{s:s, s:{}, s:{s:{s:s, s:b}}}", "Name", name, "Metadata",
				 "Endpoints", "docker", "Host", host, "SkipTLSVerify", skip);
	berr err = {0};

	assert_int_equal(context_store_put(config, meta, &err), 0);
	json_decref(meta);
}

static void set_current(const char *name)
{
	berr err = {0};

	assert_int_equal(client_config_set_current_context(config, name, &err), 0);
}

static int resolve(const struct remote_choice *choice, struct remote_target *out, berr *err)
{
	memset(out, 0x55, sizeof(*out)); /* what is not filled shows */
	return remote_target_resolve(choice, out, err);
}

/* --context, then -H, then DOCKER_HOST, then DOCKER_CONTEXT, then
 * currentContext, then "default" (this host's engine). */
static void test_resolve_order(void **state)
{
	struct remote_choice choice = {0};
	struct remote_target t;
	berr err = {0};
	char name[256];

	(void)state;
	put_context("fromconfig", "tcp://config.example:1", false);
	put_context("fromenv", "tcp://env.example:2", false);
	put_context("fromflag", "unix:///run/flag.sock", false);

	assert_int_equal(resolve(&choice, &t, &err), 0);
	remote_context_name(&choice, name, sizeof(name), &err);
	assert_string_equal(name, "default");

	set_current("fromconfig");
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "tcp://config.example:1");
	assert_string_equal(t.context, "fromconfig");
	assert_false(t.tls);
	assert_string_equal(t.ca, "");

	setenv("DOCKER_CONTEXT", "fromenv", 1);
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.context, "fromenv");
	assert_string_equal(t.host, "tcp://env.example:2");

	/* DOCKER_HOST is the default context, with that host */
	setenv("DOCKER_HOST", "tcp://daemon.example", 1);
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "tcp://daemon.example:2375");
	assert_string_equal(t.context, "");
	remote_context_name(&choice, name, sizeof(name), &err);
	assert_string_equal(name, "default");

	/* --context wins over DOCKER_HOST; "default" then takes DOCKER_HOST */
	choice.context = "fromflag";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "unix:///run/flag.sock");
	assert_string_equal(t.context, "fromflag");
	choice.context = "default";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "tcp://daemon.example:2375");

	/* -H wins over everything but --context */
	choice.context = NULL;
	choice.host = "other.example:4000";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "tcp://other.example:4000");

	/* the default context with no host at all is this host's engine */
	choice.host = NULL;
	unsetenv("DOCKER_HOST");
	choice.context = "default";
	assert_int_equal(resolve(&choice, &t, &err), 0);
	/* and so is an empty DOCKER_HOST */
	choice.context = NULL;
	unsetenv("DOCKER_CONTEXT");
	set_current("");
	setenv("DOCKER_HOST", "", 1);
	assert_int_equal(resolve(&choice, &t, &err), 0);
}

static void test_conflicting_flags(void **state)
{
	struct remote_choice choice = {.host = "tcp://h:1", .context = "x"};
	struct remote_target t;
	berr err = {0};

	(void)state;
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_int_equal(err.kind, BERR_CONFLICT);
	assert_string_equal(err.msg, "conflicting options: cannot specify both --host and --context");
	/* an empty --context is no context */
	choice.context = "";
	assert_int_equal(resolve(&choice, &t, &err), 1);
}

static void test_missing_context(void **state)
{
	struct remote_choice choice = {.context = "nope"};
	struct remote_target t;
	char want[512];
	berr err = {0};

	(void)state;
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	snprintf(want, sizeof(want),
		 "unable to resolve docker endpoint: context \"nope\": context not found: open "
		 "%s/contexts/meta/"
		 "ca3704aa0b06f5954c79ee837faa152d84d6b2d42838f0637a15eda8337dbdce/meta.json: no "
		 "such file or directory",
		 config);
	assert_string_equal(err.msg, want);

	/* a context named in config.json that is gone fails the same way */
	choice.context = NULL;
	set_current("gone");
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
}

/* -H and DOCKER_HOST values as docker's opts.ParseHost makes them. */
static void test_host_parse(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"host:2376", "tcp://host:2376"},
		{"tcp://host", "tcp://host:2375"},
		{"tcp://", "tcp://localhost:2375"},
		{":7", "tcp://localhost:7"},
		{"tcp://h:1/base", "tcp://h:1/base"},
		{"[::1]:5", "tcp://[::1]:5"},
		{"tcp://[::1]:", "tcp://[::1]:2375"},
		{"  tcp://h:1  ", "tcp://h:1"},
		{"unix://", "unix:///var/run/docker.sock"},
		{"unix:///run/x.sock", "unix:///run/x.sock"},
		{"ssh://me@box:22", "ssh://me@box:22"},
		{"fd://", "fd://"},
		{"   ", ""},
	};
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{"foo://bar", "invalid bind address format: foo://bar"},
		{"tcp://a://b", "invalid proto, expected tcp: a://b"},
		{"host:x", "parse \"tcp://host:x\": invalid port \":x\" after host"},
		{"tcp://a b:1", "parse \"tcp://a b:1\": invalid character \" \" in host name"},
		{"tcp://[::1]", "invalid bind address format: [::1]"},
		{"unix://a://b", "invalid proto, expected unix: a://b"},
	};
	char out[1024];
	berr err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(remote_host_parse(good[i].in, out, sizeof(out), &err), 0);
		assert_string_equal(out, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(remote_host_parse(bad[i].in, out, sizeof(out), &err), -1);
		assert_int_equal(err.kind, BERR_INVALID);
		assert_string_equal(err.msg, bad[i].msg);
	}
}

/* Hosts refused when a client would be made of them, with docker's words. */
static void test_host_errors(void **state)
{
	struct remote_choice choice = {0};
	struct remote_target t;
	berr err = {0};

	(void)state;
	choice.host = "foo://bar";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "unable to resolve docker endpoint: invalid bind address format: foo://bar");

	choice.host = "ssh://";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "ssh host connection is not valid: invalid SSH URL: hostname is empty");
	choice.host = "ssh://me:secret@box";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "ssh host connection is not valid: invalid SSH URL: plain-text password is not supported");
	choice.host = "ssh://box?x=1";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "ssh host connection is not valid: invalid SSH URL: query parameters are not allowed: \"x=1\"");
	/* docker 28 takes a path: the daemon's socket on the far host */
	choice.host = "ssh://me@box:2222/run/docker.sock";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "ssh://me@box:2222/run/docker.sock");
	assert_false(t.tls);

	/* a context's host is taken as stored: no scheme is docker's error */
	put_context("noscheme", "box:2375", false);
	choice.host = NULL;
	choice.context = "noscheme";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "unable to parse docker host `box:2375`");
	put_context("emptyunix", "unix://", false);
	choice.context = "emptyunix";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "unable to parse docker host `unix://`");
	/* and a tcp one gets no port added */
	put_context("noport", "tcp://box", false);
	choice.context = "noport";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_string_equal(t.host, "tcp://box");

	/* schemes docker takes but cannot dial here */
	choice.context = NULL;
	choice.host = "fd://3";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_int_equal(err.kind, BERR_UNSUPPORTED);
	assert_string_equal(err.msg, "dial fd: unknown network fd");
	choice.host = "npipe://";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "protocol not available");
}

static void cert_files(const char *dir, bool cert_and_key)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	write_text(path, PEM_CERT, 0644);
	if (!cert_and_key)
		return;
	snprintf(path, sizeof(path), "%s/cert.pem", dir);
	write_text(path, PEM_CERT, 0644);
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	write_text(path, PEM_KEY, 0600);
}

/* TLS of the default context: flags, then DOCKER_CERT_PATH, then the
 * DOCKER_CONFIG folder; verify with --tlsverify or DOCKER_TLS_VERIFY. */
static void test_tls_files(void **state)
{
	struct remote_choice choice = {.host = "tcp://h:2376"};
	struct remote_target t;
	char want[256];
	berr err = {0};

	(void)state;
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_false(t.tls);
	assert_false(t.tls_verify);

	/* DOCKER_TLS_VERIFY: TLS and verification, files from DOCKER_CERT_PATH */
	cert_files(certs, true);
	setenv("DOCKER_CERT_PATH", certs, 1);
	setenv("DOCKER_TLS_VERIFY", "1", 1);
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_true(t.tls);
	assert_true(t.tls_verify);
	snprintf(want, sizeof(want), "%s/ca.pem", certs);
	assert_string_equal(t.ca, want);
	snprintf(want, sizeof(want), "%s/cert.pem", certs);
	assert_string_equal(t.cert, want);
	snprintf(want, sizeof(want), "%s/key.pem", certs);
	assert_string_equal(t.key, want);

	/* --tlsverify=false: TLS still, without verification */
	choice.tls_verify_set = true;
	choice.tls_verify = false;
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_true(t.tls);
	assert_false(t.tls_verify);

	/* --tls alone: no verification; flags name the files */
	unsetenv("DOCKER_TLS_VERIFY");
	choice.tls_verify_set = false;
	choice.tls = true;
	snprintf(want, sizeof(want), "%s/ca.pem", certs);
	choice.tls_ca = want;
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_true(t.tls);
	assert_false(t.tls_verify);
	assert_string_equal(t.ca, want);

	/* without DOCKER_CERT_PATH the files are DOCKER_CONFIG's, not --config's;
	 * a certificate and key nobody named may be missing, the CA not */
	unsetenv("DOCKER_CERT_PATH");
	choice.tls_ca = NULL;
	choice.config_dir = certs;
	assert_int_equal(resolve(&choice, &t, &err), -1);
	snprintf(want, sizeof(want),
		 "unable to resolve docker endpoint: open %s/ca.pem: no such file or directory", config);
	assert_string_equal(err.msg, want);
	cert_files(config, false);
	assert_int_equal(resolve(&choice, &t, &err), 1);
	snprintf(want, sizeof(want), "%s/ca.pem", config);
	assert_string_equal(t.ca, want);
	assert_string_equal(t.cert, "");
	assert_string_equal(t.key, "");

	/* a named file must be there */
	choice.tls_cert = "/nonexistent/cert.pem";
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "unable to resolve docker endpoint: open /nonexistent/cert.pem: no such file or directory");
	choice.tls_cert = NULL;

	/* sockets never use TLS; DOCKER_TLS turns it on like --tls */
	choice.tls = false;
	setenv("DOCKER_TLS", "1", 1);
	choice.host = "unix:///run/d.sock";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_false(t.tls);
	choice.host = "tcp://h:2376";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_true(t.tls);

	/* a CA that is no certificate is refused before any connection */
	write_text(want, "junk\n", 0644);
	assert_int_equal(resolve(&choice, &t, &err), -1);
	assert_string_equal(err.msg, "failed to retrieve context tls info: ca.pem seems invalid");
}

/* A context's TLS: its stored files; SkipTLSVerify turns verification off. */
static void test_context_tls(void **state)
{
	struct context_tls tls = {.ca = PEM_CERT, .cert = PEM_CERT, .key = PEM_KEY};
	struct remote_choice choice = {.context = "secure"};
	struct remote_target t;
	char want[PATH_MAX];
	berr err = {0};

	(void)state;
	tls.ca_len = tls.cert_len = strlen(PEM_CERT);
	tls.key_len = strlen(PEM_KEY);
	put_context("secure", "tcp://h:2376", false);
	assert_int_equal(context_store_tls_set(config, "secure", "docker", &tls, &err), 0);
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_true(t.tls);
	assert_true(t.tls_verify);
	context_store_tls_path(config, "secure", "docker", "key.pem", want);
	assert_string_equal(t.key, want);
	assert_int_equal(mode_of(want), 0600);
	/* TLS flags are for the default context only */
	choice.tls_ca = "/nonexistent";
	choice.tls_verify_set = true;
	assert_int_equal(resolve(&choice, &t, &err), 1);

	put_context("skip", "tcp://h:2376", true);
	choice.context = "skip";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_true(t.tls);
	assert_false(t.tls_verify);
	assert_string_equal(t.ca, "");

	put_context("plain", "tcp://h:2375", false);
	choice.context = "plain";
	assert_int_equal(resolve(&choice, &t, &err), 1);
	assert_false(t.tls);
}

/* meta.json as docker writes it, read back, listed and removed. */
static void test_meta_round_trip(void **state)
{
	char meta_dir[PATH_MAX], tls_dir[PATH_MAX], path[PATH_MAX + 16], *text;
	json_t *meta, *list, *listing;
	berr err = {0};

	(void)state;
	meta = json_pack("{s:{s:s, s:s}, s:{s:{s:b, s:s}}, s:s}", "Metadata", "Zeta", "z",
			 "Description", "a <b> & c", "Endpoints", "docker", "SkipTLSVerify", 1,
			 "Host", "ssh://me@box", "Name", "c10");
	assert_int_equal(context_store_put(config, meta, &err), 0);
	json_decref(meta);
	context_store_paths(config, "c10", meta_dir, tls_dir);
	snprintf(path, sizeof(path), "%s/meta.json", meta_dir);
	text = read_text(path);
	assert_string_equal(text, "{\"Name\":\"c10\",\"Metadata\":{\"Description\":\"a \\u003cb\\u003e "
				  "\\u0026 c\",\"Zeta\":\"z\"},\"Endpoints\":{\"docker\":{\"Host\":"
				  "\"ssh://me@box\",\"SkipTLSVerify\":true}}}");
	free(text);
	assert_int_equal(mode_of(path), 0644);
	assert_int_equal(mode_of(meta_dir), 0755);
	snprintf(path, sizeof(path), "%s/contexts/meta/%s", config,
		 "1f311134efe1f98d5a9e049b42d7c73c3f9d825abe3319e16e21cfa65fa368b7");
	assert_string_equal(meta_dir, path); /* sha256("c10") */

	assert_int_equal(context_store_get(config, "c10", &meta, &err), 0);
	assert_string_equal(json_string_value(json_object_get(meta, "Name")), "c10");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(meta, "Endpoints"), "docker"), "Host")),
			    "ssh://me@box");
	json_decref(meta);

	/* an empty description and host are left out, as Go's omitempty does */
	meta = json_pack("{s:s, s:{s:s}, s:{s:{s:s}}}", "Name", "c2", "Metadata", "Description", "",
			 "Endpoints", "docker", "Host", "");
	assert_int_equal(context_store_put(config, meta, &err), 0);
	json_decref(meta);
	context_store_paths(config, "c2", meta_dir, NULL);
	snprintf(path, sizeof(path), "%s/meta.json", meta_dir);
	text = read_text(path);
	assert_string_equal(text, "{\"Name\":\"c2\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"SkipTLSVerify\":false}}}");
	free(text);

	/* docker's natural order */
	put_context("c1", "tcp://a:1", false);
	assert_int_equal(context_store_list(config, &list, &err), 0);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "Name")), "c1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "Name")), "c2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "Name")), "c10");
	json_decref(list);

	/* TLS files: 0600 in 0700 folders, listed as inspect shows them */
	struct context_tls tls = {.ca = "x", .ca_len = 1, .key = "k", .key_len = 1};
	assert_int_equal(context_store_tls_set(config, "c10", "docker", &tls, &err), 0);
	assert_int_equal(context_store_tls_list(config, "c10", &listing, &err), 0);
	text = json_dumps(listing, JSON_COMPACT);
	assert_string_equal(text, "{\"docker\":[\"ca.pem\",\"key.pem\"]}");
	free(text);
	json_decref(listing);
	snprintf(path, sizeof(path), "%s/docker", tls_dir);
	assert_int_equal(mode_of(path), 0700);
	assert_int_equal(mode_of(tls_dir), 0700);

	assert_int_equal(context_store_remove(config, "c10", &err), 0);
	assert_int_equal(access(tls_dir, F_OK), -1);
	assert_int_equal(context_store_get(config, "c10", &meta, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);

	/* a meta.json docker could not decode is an error naming it */
	put_context("broken", "tcp://a:1", false);
	context_store_paths(config, "broken", meta_dir, NULL);
	snprintf(path, sizeof(path), "%s/meta.json", meta_dir);
	write_text(path, "{\"Name\":\"broken\",\"Endpoints\":{\"docker\":{\"Host\":5}}}", 0644);
	assert_int_equal(context_store_get(config, "broken", &meta, &err), -1);
	assert_non_null(strstr(err.msg, "cannot unmarshal number into Go struct field EndpointMetaBase.Host of type string"));
	assert_int_equal(context_store_list(config, &list, &err), -1);
	assert_non_null(strstr(err.msg, "failed to read metadata: parsing "));
}

/* Whether a folder holds only the given number of entries (no temporary
 * file left behind). */
static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* currentContext set and removed in place, every other key kept. */
static void test_config_update(void **state)
{
	char path[256], name[256], *text;
	berr err = {0};

	(void)state;
	snprintf(path, sizeof(path), "%s/config.json", config);
	write_text(path,
		   "{\"auths\": {\"r.example\": {\"auth\": \"eDp5\"}}, \"currentContext\": \"old\",\n"
		   " \"credsStore\": \"pass\", \"proxies\": {\"default\": {\"httpProxy\": \"<p>\"}},\n"
		   " \"CurrentContext\": \"shadow\", \"list\": [1, 2.5, true, null]}",
		   0640);
	assert_int_equal(client_config_current_context(config, name, sizeof(name), &err), 0);
	assert_string_equal(name, "old");
	set_current("new");
	text = read_text(path);
	assert_string_equal(text, "{\n"
				  "\t\"auths\": {\n"
				  "\t\t\"r.example\": {\n"
				  "\t\t\t\"auth\": \"eDp5\"\n"
				  "\t\t}\n"
				  "\t},\n"
				  "\t\"currentContext\": \"new\",\n"
				  "\t\"credsStore\": \"pass\",\n"
				  "\t\"proxies\": {\n"
				  "\t\t\"default\": {\n"
				  "\t\t\t\"httpProxy\": \"\\u003cp\\u003e\"\n"
				  "\t\t}\n"
				  "\t},\n"
				  "\t\"list\": [\n"
				  "\t\t1,\n"
				  "\t\t2.5,\n"
				  "\t\ttrue,\n"
				  "\t\tnull\n"
				  "\t]\n"
				  "}");
	free(text);
	assert_int_equal(mode_of(path), 0640); /* the file's mode is kept */
	assert_int_equal(entries(config), 1);
	set_current(NULL);
	text = read_text(path);
	assert_null(strstr(text, "urrentContext"));
	assert_non_null(strstr(text, "\"credsStore\": \"pass\""));
	free(text);

	/* a file docker could not parse is left alone */
	write_text(path, "{not json", 0600);
	assert_int_equal(client_config_set_current_context(config, "x", &err), -1);
	assert_non_null(strstr(err.msg, "parsing config file ("));
	text = read_text(path);
	assert_string_equal(text, "{not json");
	free(text);
	assert_int_equal(entries(config), 1);
	assert_int_equal(client_config_current_context(config, name, sizeof(name), &err), -1);

	/* a new file is docker's: {"auths": {}}, 0600, in a folder made 0700 */
	unlink(path);
	rmdir(config);
	set_current("fresh");
	text = read_text(path);
	assert_string_equal(text, "{\n\t\"auths\": {},\n\t\"currentContext\": \"fresh\"\n}");
	free(text);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(config), 0700);

	/* a symlinked config.json: its target is replaced, the link stays */
	char target[256];
	snprintf(target, sizeof(target), "%s/real.json", top);
	write_text(target, "{\"a\": 1}", 0600);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	set_current("linked");
	text = read_text(target);
	assert_string_equal(text, "{\n\t\"a\": 1,\n\t\"currentContext\": \"linked\"\n}");
	free(text);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_names(void **state)
{
	static const char *const order[] = {"0a", "1", "01", "2", "10", "a", "a1", "a01", "a2", "a10", "b"};
	berr err = {0};

	(void)state;
	assert_int_equal(context_name_check("my-ctx_1.0+x", &err), 0);
	assert_int_equal(context_name_check("default", &err), -1);
	assert_string_equal(err.msg, "\"default\" is a reserved context name");
	assert_int_equal(context_name_check("", &err), -1);
	assert_string_equal(err.msg, "context name cannot be empty");
	assert_int_equal(context_name_check("x", &err), -1);
	assert_string_equal(err.msg, "context name \"x\" is invalid, names are validated against regexp \"^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$\"");
	assert_int_equal(context_name_check("-ab", &err), -1);
	assert_int_equal(context_name_check("a b", &err), -1);
	assert_int_equal(context_name_check("a/b", &err), -1);
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		assert_true(context_name_cmp(order[i], order[i + 1]) < 0);
		assert_true(context_name_cmp(order[i + 1], order[i]) > 0);
	}
	assert_int_equal(context_name_cmp("c10", "c10"), 0);
}

/* The default context as inspect and ls see it. */
static void test_default_context(void **state)
{
	struct remote_choice choice = {0};
	struct context_tls tls;
	berr err = {0};
	json_t *meta;
	char *text;

	(void)state;
	assert_int_equal(remote_default_context(&choice, &meta, &tls, &err), 0);
	text = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(text, "{\"Name\":\"default\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"SkipTLSVerify\":false}}}");
	free(text);
	json_decref(meta);
	assert_false(context_tls_any(&tls));

	setenv("DOCKER_HOST", "tcp://h", 1);
	choice.tls = true;
	cert_files(config, true);
	assert_int_equal(remote_default_context(&choice, &meta, &tls, &err), 0);
	text = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(text, "{\"Name\":\"default\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"tcp://h:2375\",\"SkipTLSVerify\":true}}}");
	free(text);
	json_decref(meta);
	assert_memory_equal(tls.key, PEM_KEY, strlen(PEM_KEY));
	context_tls_free(&tls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_context, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
