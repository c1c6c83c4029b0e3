/* libcurl, loaded on first use (see curl_lazy.h). */
#include "engine/registry/curl_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

static struct curl_api api;
static bool api_ready;
static char api_error[256];
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

#define SYMBOL(field, name)                                                                      \
	do {                                                                                     \
		*(void **)&api.field = dlsym(lib, name);                                         \
		if (!api.field) {                                                                \
			snprintf(api_error, sizeof(api_error), "cannot load libcurl: %s", name); \
			return;                                                                  \
		}                                                                                \
	} while (0)

static void api_load(void)
{
	CURLcode (*global_init)(long flags);
	void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		snprintf(api_error, sizeof(api_error), "cannot load libcurl: %s", dlerror());
		return;
	}
	SYMBOL(easy_init, "curl_easy_init");
	SYMBOL(easy_setopt, "curl_easy_setopt");
	SYMBOL(easy_perform, "curl_easy_perform");
	SYMBOL(easy_getinfo, "curl_easy_getinfo");
	SYMBOL(easy_reset, "curl_easy_reset");
	SYMBOL(easy_cleanup, "curl_easy_cleanup");
	SYMBOL(easy_strerror, "curl_easy_strerror");
	SYMBOL(easy_header, "curl_easy_header");
	SYMBOL(slist_append, "curl_slist_append");
	SYMBOL(slist_free_all, "curl_slist_free_all");
	SYMBOL(easy_escape, "curl_easy_escape");
	SYMBOL(free, "curl_free");
	*(void **)&global_init = dlsym(lib, "curl_global_init");
	if (!global_init || global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
		snprintf(api_error, sizeof(api_error), "cannot initialise libcurl");
		return;
	}
	api_ready = true;
}

const struct curl_api *curl_api(berr *err)
{
	pthread_once(&api_once, api_load);
	if (!api_ready) {
		berr_set(err, BERR_SYSTEM, "%s", api_error);
		return NULL;
	}
	return &api;
}
