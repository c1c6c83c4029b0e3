/* OpenSSL, loaded on first use: linked in, libcrypto's relocations alone
 * would cost every berth process most of a megabyte and every command its
 * loading time. The calls berth makes as a client (berth-logger's syslog
 * and fluentd receivers, a remote daemon) and as a server (`berth daemon`'s
 * tcp:// endpoints). OpenSSL's headers give the types; nothing is linked. */
#ifndef BERTH_CORE_OPENSSL_LAZY_H
#define BERTH_CORE_OPENSSL_LAZY_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

struct openssl_api {
	bool loaded;
	const SSL_METHOD *(*TLS_client_method)(void);
	const SSL_METHOD *(*TLS_server_method)(void);
	SSL_CTX *(*SSL_CTX_new)(const SSL_METHOD *);
	void (*SSL_CTX_free)(SSL_CTX *);
	long (*SSL_CTX_ctrl)(SSL_CTX *, int, long, void *);
	int (*SSL_CTX_set_default_verify_paths)(SSL_CTX *);
	int (*SSL_CTX_load_verify_locations)(SSL_CTX *, const char *, const char *);
	int (*SSL_CTX_use_certificate_chain_file)(SSL_CTX *, const char *);
	int (*SSL_CTX_use_PrivateKey_file)(SSL_CTX *, const char *, int);
	int (*SSL_CTX_check_private_key)(const SSL_CTX *);
	void (*SSL_CTX_set_verify)(SSL_CTX *, int, SSL_verify_cb);
	SSL *(*SSL_new)(SSL_CTX *);
	int (*SSL_set_fd)(SSL *, int);
	long (*SSL_ctrl)(SSL *, int, long, void *);
	int (*SSL_set1_host)(SSL *, const char *);
	int (*SSL_connect)(SSL *);
	int (*SSL_accept)(SSL *);
	int (*SSL_shutdown)(SSL *);
	int (*SSL_get_error)(const SSL *, int);
	long (*SSL_get_verify_result)(const SSL *);
	const char *(*X509_verify_cert_error_string)(long);
	int (*SSL_write)(SSL *, const void *, int);
	int (*SSL_read)(SSL *, void *, int);
	int (*SSL_pending)(const SSL *);
	void (*SSL_free)(SSL *);
	unsigned long (*ERR_get_error)(void);
	void (*ERR_error_string_n)(unsigned long, char *, size_t);
};

extern struct openssl_api openssl;

/* Loads libssl (and so libcrypto); 0, or -1 with why set. Safe to call
 * from several threads at once. */
int openssl_load(char *why, size_t len);

/* OpenSSL's last error as text, or err's (0: "connection closed"). */
void openssl_last_error(char *buf, size_t len, int err);

#endif
