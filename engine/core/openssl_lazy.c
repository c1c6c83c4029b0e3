/* OpenSSL, loaded when TLS is first used (openssl_lazy.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "engine/core/openssl_lazy.h"

struct openssl_api openssl;

static pthread_mutex_t loading = PTHREAD_MUTEX_INITIALIZER;

static int load_locked(char *why, size_t len)
{
	static const char *const libs[] = {"libssl.so.3", "libssl.so"};
	void *h = NULL;

	for (size_t i = 0; !h && i < sizeof(libs) / sizeof(libs[0]); i++)
		h = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, len, "cannot load OpenSSL (libssl.so.3): %s", dlerror());
		return -1;
	}
	/* libssl pulls libcrypto in: its symbols are found through libssl's handle */
#define LOAD(name)                                                              \
	do {                                                                    \
		*(void **)&openssl.name = dlsym(h, #name);                      \
		if (!openssl.name) {                                            \
			snprintf(why, len, "OpenSSL has no %s", #name);         \
			return -1;                                              \
		}                                                               \
	} while (0)
	LOAD(TLS_client_method);
	LOAD(TLS_server_method);
	LOAD(SSL_CTX_new);
	LOAD(SSL_CTX_free);
	LOAD(SSL_CTX_ctrl);
	LOAD(SSL_CTX_set_default_verify_paths);
	LOAD(SSL_CTX_load_verify_locations);
	LOAD(SSL_CTX_use_certificate_chain_file);
	LOAD(SSL_CTX_use_PrivateKey_file);
	LOAD(SSL_CTX_check_private_key);
	LOAD(SSL_CTX_set_verify);
	LOAD(SSL_new);
	LOAD(SSL_set_fd);
	LOAD(SSL_ctrl);
	LOAD(SSL_set1_host);
	LOAD(SSL_connect);
	LOAD(SSL_accept);
	LOAD(SSL_shutdown);
	LOAD(SSL_get_error);
	LOAD(SSL_get_verify_result);
	LOAD(X509_verify_cert_error_string);
	LOAD(SSL_write);
	LOAD(SSL_read);
	LOAD(SSL_pending);
	LOAD(SSL_free);
	LOAD(ERR_get_error);
	LOAD(ERR_error_string_n);
#undef LOAD
	return 0;
}

int openssl_load(char *why, size_t len)
{
	int rc = 0;

	pthread_mutex_lock(&loading);
	if (!openssl.loaded && (rc = load_locked(why, len)) == 0)
		openssl.loaded = true;
	pthread_mutex_unlock(&loading);
	return rc;
}

void openssl_last_error(char *buf, size_t len, int err)
{
	unsigned long e = openssl.ERR_get_error();

	if (e)
		openssl.ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "%s", err ? strerror(err) : "connection closed");
}
