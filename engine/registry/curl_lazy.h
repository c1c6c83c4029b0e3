/* libcurl, loaded on first use: most berth processes never talk to a
 * registry, and libcurl's chain of libraries (OpenSSL, nghttp2, LDAP, ...)
 * costs more to load than a typical command. The functions berth calls are
 * reached through this table, filled once. */
#ifndef BERTH_REGISTRY_CURL_LAZY_H
#define BERTH_REGISTRY_CURL_LAZY_H

#include <curl/curl.h>

#include "engine/core/error.h"

struct curl_api {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_reset)(CURL *curl);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
	CURLHcode (*easy_header)(CURL *curl, const char *name, size_t index, unsigned int origin,
				 int request, struct curl_header **hout);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
	void (*slist_free_all)(struct curl_slist *list);
	char *(*easy_escape)(CURL *curl, const char *text, int length);
	void (*free)(void *p);
};

/* The table, libcurl loaded and initialised (thread-safe, once); NULL with
 * err set when libcurl cannot be loaded. */
const struct curl_api *curl_api(berr *err);

#endif
