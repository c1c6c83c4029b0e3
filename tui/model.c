/* What the console knows of the engine: the lists of containers, images,
 * networks and volumes, and the stats stream's figures with their history
 * since the console started. Lists are read again when an event says they
 * changed (this process's events, and the events table that every berth
 * process writes to, followed by system.events); a read already in flight
 * absorbs the requests that come meanwhile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/clock.h"
#include "tui/app.h"
#include "tui/format.h"

static const char *const list_commands[MODEL_KIND_COUNT] = {
	[MODEL_CONTAINERS] = "container.list",
	[MODEL_IMAGES] = "image.list",
	[MODEL_NETWORKS] = "network.list",
	[MODEL_VOLUMES] = "volume.list",
};

/* A container's list row. */
json_t *model_container(struct app *app, const char *id)
{
	json_t *row;
	size_t i;

	if (!id)
		return NULL;
	json_array_foreach(app->model.containers, i, row)
		if (strcmp(json_string_value(json_object_get(row, "Id")) ?: "", id) == 0)
			return row;
	return NULL;
}

/* A container's name without the slash (or its short ID). */
const char *model_container_name(struct app *app, const char *id, char buf[64])
{
	json_t *row = model_container(app, id);
	const char *name = json_string_value(json_array_get(json_object_get(row, "Names"), 0));

	if (name && name[0] == '/')
		name++;
	if (name && *name)
		snprintf(buf, 64, "%s", name);
	else
		fmt_short_id(id, buf);
	return buf;
}

/* A network's name (or its short ID). */
const char *model_network_name(struct app *app, const char *id, char buf[64])
{
	json_t *row;
	size_t i;

	json_array_foreach(app->model.networks, i, row)
		if (strcmp(json_string_value(json_object_get(row, "Id")) ?: "", id) == 0) {
			snprintf(buf, 64, "%s", json_string_value(json_object_get(row, "Name")) ?: "");
			return buf;
		}
	fmt_short_id(id, buf);
	return buf;
}

/* A container's stats. */
const struct ctr_stats *model_stats(struct app *app, const char *id)
{
	for (size_t i = 0; id && i < app->model.nstats; i++)
		if (strcmp(app->model.stats[i].id, id) == 0)
			return &app->model.stats[i];
	return NULL;
}

/* Counts running, paused and stopped containers. */
static void count_states(struct model *m)
{
	json_t *row;
	size_t i;

	m->running = m->paused = m->stopped = 0;
	json_array_foreach(m->containers, i, row) {
		const char *state = json_string_value(json_object_get(row, "State")) ?: "";
		if (strcmp(state, "running") == 0 || strcmp(state, "restarting") == 0)
			m->running++;
		else if (strcmp(state, "paused") == 0)
			m->paused++;
		else
			m->stopped++;
	}
}

/* Forgets the stats of containers that are gone from the list. */
static void prune_stats(struct model *m)
{
	size_t keep = 0;

	for (size_t i = 0; i < m->nstats; i++) {
		json_t *row;
		size_t k;
		bool found = false;
		json_array_foreach(m->containers, k, row)
			found |= strcmp(json_string_value(json_object_get(row, "Id")) ?: "",
					m->stats[i].id) == 0;
		if (found)
			m->stats[keep++] = m->stats[i];
	}
	m->nstats = keep;
}

static void stream_lost(struct app *app, const berr *err, const char *what);

/* Takes a list reply into the model. */
static bool take_list(struct app *app, enum model_kind kind, int status, json_t *result,
		      const berr *err)
{
	struct model *m = &app->model;
	json_t **slot = kind == MODEL_CONTAINERS ? &m->containers
			: kind == MODEL_IMAGES	 ? &m->images
			: kind == MODEL_VOLUMES	 ? &m->volumes
						 : &m->networks;
	json_t *value;

	if (status < 0) {
		/* a daemon that does not answer (a list asked as it went, or
		 * just before it came back) is lost as a stream is, and asked
		 * again with them */
		if (app->where[0] && err && err->kind == BERR_SYSTEM)
			stream_lost(app, err, list_commands[kind]);
		/* while the streams are lost, their message says why */
		else if (!m->lost)
			app_error(app, err, "reading the %s", list_commands[kind]);
		return false;
	} else {
		value = json_incref(kind == MODEL_VOLUMES ? json_object_get(result, "Volumes")
							  : result);
	}
	if (!json_is_array(value)) {
		json_decref(value);
		value = json_array();
	}
	if (m->loaded[kind] && *slot && json_equal(*slot, value)) {
		json_decref(value);
		return false;
	}
	json_decref(*slot);
	*slot = value;
	m->loaded[kind] = true;
	if (kind == MODEL_CONTAINERS) {
		count_states(m);
		prune_stats(m);
	}
	return true;
}

/* A list came back. */
static void on_list(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	enum model_kind kind = (enum model_kind)(intptr_t)user;
	struct model *m = &app->model;

	m->inflight[kind] = NULL;
	/* a list asked after streams were lost, and read: the engine is back
	 * (the stats stream may have nothing to say while nothing runs); one
	 * asked before is no news */
	if (status >= 0 && m->lost && m->inflight_sent_ns[kind] > m->lost_ns) {
		m->lost = false;
		m->retry_ms = 0;
		app_trace(app, "engine-back");
		app_message(app, THEME_STATUS, "the engine answers again");
	}
	if (take_list(app, kind, status, result, err))
		app_model_changed(app, kind);
	if (m->again[kind]) {
		m->again[kind] = false;
		model_refresh(app, kind);
	}
}

/* Reads a list again, or asks for it once more after the read in flight. */
void model_refresh(struct app *app, enum model_kind kind)
{
	struct model *m = &app->model;
	json_t *args;

	if (kind < 0 || kind >= MODEL_STATS)
		return;
	if (m->inflight[kind]) {
		m->again[kind] = true;
		return;
	}
	args = kind == MODEL_CONTAINERS ? json_pack("{s:b}", "all", 1) : json_object();
	m->inflight_sent_ns[kind] = clock_mono_nanos();
	m->inflight[kind] =
		tui_submit(app, list_commands[kind], args, NULL, on_list, (void *)(intptr_t)kind);
	json_decref(args);
}

/* The stats entry of a container, made on first sight. */
static struct ctr_stats *stats_slot(struct model *m, const char *id)
{
	struct ctr_stats *grown;

	for (size_t i = 0; i < m->nstats; i++)
		if (strcmp(m->stats[i].id, id) == 0)
			return &m->stats[i];
	grown = realloc(m->stats, (m->nstats + 1) * sizeof(*grown));
	if (!grown)
		abort();
	m->stats = grown;
	memset(&m->stats[m->nstats], 0, sizeof(m->stats[0]));
	snprintf(m->stats[m->nstats].id, sizeof(m->stats[0].id), "%s", id);
	return &m->stats[m->nstats++];
}

/* True when a container's status text counts seconds ("Up 5 seconds"). */
static bool statuses_count_seconds(const struct model *m)
{
	json_t *row;
	size_t i;

	json_array_foreach(m->containers, i, row)
		if (strstr(json_string_value(json_object_get(row, "Status")) ?: "", "second"))
			return true;
	return false;
}

/* The first and the longest pause before a lost stream is started again. */
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 8000

/* A stream that ended on an error (its daemon went away, restarts, or
 * cannot be reached): said once, and started again after a pause that
 * doubles up to RETRY_MAX_MS, the lists read again with it. */
static void stream_lost(struct app *app, const berr *err, const char *what)
{
	struct model *m = &app->model;

	if (m->retry_at_ns)
		return; /* the other stream's loss has set the retry */
	m->retry_ms = m->retry_ms ? m->retry_ms * 2 : RETRY_FIRST_MS;
	if (m->retry_ms > RETRY_MAX_MS)
		m->retry_ms = RETRY_MAX_MS;
	m->retry_at_ns = clock_mono_nanos() + (int64_t)m->retry_ms * 1000000;
	m->lost = true;
	m->lost_ns = clock_mono_nanos();
	app_trace(app, "engine-lost");
	/* what is done first: the reason may be long enough to be cut */
	app_message(app, THEME_STATUS_ERROR, "%s: trying again in %d s: %s", what,
		    (m->retry_ms + 999) / 1000, err && err->msg[0] ? err->msg : "ended");
}

/* A reading of every running container (the stats stream, once a second). */
static void on_stats(struct app *app, void *user, json_t *message)
{
	struct model *m = &app->model;
	bool unknown = false;
	json_t *obj;
	size_t i;

	(void)user;
	m->retry_ms = 0;
	if (m->lost) {
		m->lost = false;
		app_trace(app, "engine-back");
		app_message(app, THEME_STATUS, "the engine answers again");
	}
	if (!m->stats_since)
		m->stats_since = clock_now_nanos() / 1000000000;
	for (i = 0; i < m->nstats; i++)
		m->stats[i].live = false;
	m->cpu_sum = m->mem_sum = 0;
	json_array_foreach(message, i, obj) {
		const char *id = json_string_value(json_object_get(obj, "id"));
		const char *name = json_string_value(json_object_get(obj, "name"));
		struct ctr_stats *s;
		if (!id)
			continue;
		s = stats_slot(m, id);
		if (name)
			snprintf(s->name, sizeof(s->name), "%s", name[0] == '/' ? name + 1 : name);
		stats_entry_from_json(obj, &s->entry);
		if (!s->entry.has_data)
			continue;
		s->live = true;
		history_push(&s->cpu, s->entry.cpu_percent);
		history_push(&s->mem, s->entry.mem_usage);
		m->cpu_sum += s->entry.cpu_percent;
		m->mem_sum += s->entry.mem_usage;
		unknown |= m->loaded[MODEL_CONTAINERS] && !model_container(app, id);
	}
	m->ticks++;
	/* A container started elsewhere before its event was seen; and the
	 * list's "Up 5 seconds" ages while the containers pane shows it:
	 * every five seconds while some status counts seconds, else every
	 * half minute (statuses count minutes, hours, days). */
	if (unknown || (app->current == PANE_CONTAINERS &&
			m->ticks % (statuses_count_seconds(m) ? 5 : 30) == 0))
		model_refresh(app, MODEL_CONTAINERS);
	app_model_changed(app, MODEL_STATS);
}

/* The stats stream ended (it only does on an error). */
static void on_stats_end(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	(void)user;
	(void)result;
	app->model.stats_req = NULL;
	if (status < 0)
		stream_lost(app, err, "stats");
}

/* An event, from this process or from the events table: read again what
 * it changed. */
static void on_event(struct app *app, json_t *event)
{
	const char *type = json_string_value(json_object_get(event, "Type")) ?: "";
	const char *action = json_string_value(json_object_get(event, "Action")) ?: "";

	if (strcmp(type, "container") == 0) {
		model_refresh(app, MODEL_CONTAINERS);
		if (strcmp(action, "create") == 0 || strcmp(action, "destroy") == 0)
			model_refresh(app, MODEL_IMAGES);
	} else if (strcmp(type, "image") == 0) {
		model_refresh(app, MODEL_IMAGES);
	} else if (strcmp(type, "volume") == 0) {
		model_refresh(app, MODEL_VOLUMES);
	} else if (strcmp(type, "network") == 0) {
		model_refresh(app, MODEL_NETWORKS);
	}
}

/* An event followed by system.events (any berth process's). */
static void on_followed_event(struct app *app, void *user, json_t *message)
{
	(void)user;
	on_event(app, message);
}

/* The events follower ended (it only does on an error). */
static void on_events_end(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	(void)user;
	(void)result;
	app->model.events_req = NULL;
	if (status < 0)
		stream_lost(app, err, "events");
}

/* The host's size, for the header. */
static void on_info(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	(void)user;
	(void)err;
	if (status < 0)
		return;
	app->model.ncpu = (int)json_integer_value(json_object_get(result, "NCPU"));
	app->model.mem_total = (double)json_integer_value(json_object_get(result, "MemTotal"));
	app_model_changed(app, MODEL_STATS);
}

/* Reads every list, and starts the stats stream and the events follower
 * where they do not run. */
static void start_streams(struct app *app)
{
	struct model *m = &app->model;
	json_t *args;

	for (int k = 0; k < MODEL_STATS; k++)
		model_refresh(app, (enum model_kind)k);
	args = json_object();
	tui_submit(app, "system.info", args, NULL, on_info, NULL);
	if (!m->events_req)
		m->events_req =
		    tui_submit(app, "system.events", args, on_followed_event, on_events_end, NULL);
	json_decref(args);
	args = json_pack("{s:b, s:b}", "stream", 1, "summary", 1);
	if (!m->stats_req)
		m->stats_req = tui_submit(app, "container.stats", args, on_stats, on_stats_end, NULL);
	json_decref(args);
}

void model_start(struct app *app)
{
	tui_subscribe(app, on_event);
	start_streams(app);
}

int64_t model_retry_at(const struct app *app)
{
	return app->model.retry_at_ns;
}

void model_retry(struct app *app)
{
	app->model.retry_at_ns = 0;
	start_streams(app);
}

/* Stops the streams and frees the model. */
void model_stop(struct app *app)
{
	struct model *m = &app->model;

	tui_cancel(app, m->stats_req);
	tui_cancel(app, m->events_req);
	for (int k = 0; k < MODEL_KIND_COUNT; k++)
		tui_cancel(app, m->inflight[k]);
	json_decref(m->containers);
	json_decref(m->images);
	json_decref(m->volumes);
	json_decref(m->networks);
	free(m->stats);
	memset(m, 0, sizeof(*m));
}
