/* OpenSSL for syslog's tcp+tls and fluentd's tls://, loaded when one is
 * used: linked in, libcrypto's relocations alone would cost every
 * berth-logger most of a megabyte of memory of its own. */
#include <dlfcn.h>
#include <stdio.h>

#include "tls_lazy.h"

struct tls_api tls;

int tls_load(char *err, size_t errlen)
{
	static const char *const libs[] = {"libssl.so.3", "libssl.so"};
	void *h = NULL;

	if (tls.loaded)
		return 0;
	for (size_t i = 0; !h && i < sizeof(libs) / sizeof(libs[0]); i++)
		h = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "tls: cannot load OpenSSL (libssl.so.3): %s", dlerror());
		return -1;
	}
	/* libssl pulls libcrypto in: its symbols are found through libssl's handle */
#define LOAD(name)                                                                        \
	do {                                                                              \
		*(void **)&tls.name = dlsym(h, #name);                                    \
		if (!tls.name) {                                                          \
			snprintf(err, errlen, "tls: OpenSSL has no %s", #name);           \
			return -1;                                                        \
		}                                                                         \
	} while (0)
	LOAD(TLS_client_method);
	LOAD(SSL_CTX_new);
	LOAD(SSL_CTX_ctrl);
	LOAD(SSL_CTX_set_default_verify_paths);
	LOAD(SSL_CTX_load_verify_locations);
	LOAD(SSL_CTX_use_certificate_chain_file);
	LOAD(SSL_CTX_use_PrivateKey_file);
	LOAD(SSL_CTX_set_verify);
	LOAD(SSL_new);
	LOAD(SSL_set_fd);
	LOAD(SSL_ctrl);
	LOAD(SSL_set1_host);
	LOAD(SSL_connect);
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
	tls.loaded = true;
	return 0;
}
