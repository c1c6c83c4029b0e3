/* Ports as the docker CLI reads and prints them: -p and --expose into
 * Config.ExposedPorts and HostConfig.PortBindings, and a container's
 * ports back into the PORTS column and `port`'s lines. */
#ifndef BERTH_CLI_PORTS_H
#define BERTH_CLI_PORTS_H

#include <jansson.h>
#include <stddef.h>

/* One -p value ("[ip:][hostPort[-end]:]containerPort[-end][/proto]", ip
 * possibly "[v6]") into exposed ("80/tcp": {}) and bindings ("80/tcp":
 * [{HostIp, HostPort}]); 0, or -1 with Docker's words in msg. */
int ports_parse_publish(const char *spec, json_t *exposed, json_t *bindings, char *msg,
			size_t n);

/* One --expose value ("80", "80/udp", "8000-8010"). */
int ports_parse_expose(const char *spec, json_t *exposed, char *msg, size_t n);

/* The PORTS column of a ps row from its Ports array, as Docker prints it:
 * "0.0.0.0:8080->80/tcp, 443/tcp", consecutive ports folded into ranges.
 * A new string. */
char *ports_column(json_t *ports);

#endif
