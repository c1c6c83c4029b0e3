/* Swarm's routes (/swarm, /nodes, /services, /tasks, /secrets, /configs)
 * and the plugins' (/plugins), answered as a Docker that is in no swarm
 * and has no plugin answers them: what reads cluster state is Docker's
 * 503 "This node is not a swarm manager"; leaving is "not part of a
 * swarm"; the plugin list is empty and a named plugin is not found. What
 * would make this engine join or start a swarm, or install a plugin, is
 * refused as not implemented, in one line, never a pretended success. */
#include "api/routes.h"

static const char not_manager[] =
	"This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" "
	"to connect this node to swarm and try again.";

static int no_manager(struct api_req *r)
{
	return api_reply_errorf(r, 503, "%s", not_manager);
}

static int not_in_swarm(struct api_req *r)
{
	return api_reply_errorf(r, 503, "This node is not part of a swarm");
}

static int no_swarm_yet(struct api_req *r)
{
	return api_reply_errorf(r, 501, "berth does not run swarm mode yet: this engine cannot "
					"start or join a swarm");
}

static int plugin_list(struct api_req *r)
{
	return api_reply_json(r, 200, json_array());
}

static int plugin_not_found(struct api_req *r)
{
	return api_reply_errorf(r, 404, "plugin \"%s\" not found", r->params[0]);
}

static int no_plugins(struct api_req *r)
{
	return api_reply_errorf(r, 501, "berth does not install plugins");
}

const struct api_route api_swarm_routes[] = {
	{"GET", "/swarm", no_manager, 0},
	{"POST", "/swarm/init", no_swarm_yet, API_ROUTE_WRITE},
	{"POST", "/swarm/join", no_swarm_yet, API_ROUTE_WRITE},
	{"POST", "/swarm/leave", not_in_swarm, API_ROUTE_WRITE},
	{"POST", "/swarm/update", no_manager, API_ROUTE_WRITE},
	{"GET", "/swarm/unlockkey", no_manager, 0},
	{"POST", "/swarm/unlock", no_manager, API_ROUTE_WRITE},
	{"GET", "/nodes", no_manager, 0},
	{"GET", "/nodes/{}", no_manager, 0},
	{"DELETE", "/nodes/{}", no_manager, API_ROUTE_WRITE},
	{"POST", "/nodes/{}/update", no_manager, API_ROUTE_WRITE},
	{"GET", "/services", no_manager, 0},
	{"POST", "/services/create", no_manager, API_ROUTE_WRITE},
	{"GET", "/services/{}", no_manager, 0},
	{"DELETE", "/services/{}", no_manager, API_ROUTE_WRITE},
	{"POST", "/services/{}/update", no_manager, API_ROUTE_WRITE},
	{"GET", "/services/{}/logs", no_manager, 0},
	{"GET", "/tasks", no_manager, 0},
	{"GET", "/tasks/{}", no_manager, 0},
	{"GET", "/tasks/{}/logs", no_manager, 0},
	{"GET", "/secrets", no_manager, 0},
	{"POST", "/secrets/create", no_manager, API_ROUTE_WRITE},
	{"GET", "/secrets/{}", no_manager, 0},
	{"DELETE", "/secrets/{}", no_manager, API_ROUTE_WRITE},
	{"POST", "/secrets/{}/update", no_manager, API_ROUTE_WRITE},
	{"GET", "/configs", no_manager, 0},
	{"POST", "/configs/create", no_manager, API_ROUTE_WRITE},
	{"GET", "/configs/{}", no_manager, 0},
	{"DELETE", "/configs/{}", no_manager, API_ROUTE_WRITE},
	{"POST", "/configs/{}/update", no_manager, API_ROUTE_WRITE},
	{"GET", "/plugins", plugin_list, 0},
	{"GET", "/plugins/privileges", no_plugins, 0},
	{"POST", "/plugins/pull", no_plugins, API_ROUTE_WRITE},
	{"POST", "/plugins/create", no_plugins, API_ROUTE_WRITE},
	{"GET", "/plugins/{*}/json", plugin_not_found, 0},
	{"DELETE", "/plugins/{*}", plugin_not_found, API_ROUTE_WRITE},
	{"POST", "/plugins/{*}/enable", plugin_not_found, API_ROUTE_WRITE},
	{"POST", "/plugins/{*}/disable", plugin_not_found, API_ROUTE_WRITE},
	{"POST", "/plugins/{*}/upgrade", plugin_not_found, API_ROUTE_WRITE},
	{"POST", "/plugins/{*}/push", plugin_not_found, API_ROUTE_WRITE},
	{"POST", "/plugins/{*}/set", plugin_not_found, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
