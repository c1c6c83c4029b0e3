/* A container's network namespace, made by berth before its monitor: a
 * new namespace with lo up and, per network, a link eth<n> inside with its
 * addresses (IPv4, and IPv6 on an IPv6 network), MAC and, for the first
 * network with a gateway, the default routes: for a bridge network a veth pair whose host end (berthv<9 hex>)
 * sits on the network's bridge; for macvlan and ipvlan a link of that kind
 * on the network's parent, made straight into the namespace.
 *
 * The namespace is made on a thread of its own (unshare(CLONE_NEWNET)
 * moves only the calling thread), which opens one rtnetlink socket before
 * it moves (the host's) and one after (the container's), and ends; the
 * namespace lives on through the returned descriptor, then through the
 * container's processes. When the last of them is gone the kernel
 * destroys the namespace and with it both ends of every veth: a berth or
 * a monitor killed at any point leaves no link behind. */
#ifndef BERTH_NETWORK_SANDBOX_H
#define BERTH_NETWORK_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"

enum sandbox_link_kind { LINK_VETH, LINK_MACVLAN, LINK_IPVLAN };

struct sandbox_link {
	enum sandbox_link_kind kind;
	char host_name[16]; /* the host end (veth) */
	char bridge[16];    /* veth: the bridge; macvlan, ipvlan: the parent */
	char mode[16];      /* macvlan: bridge vepa private passthru; ipvlan: l2 l3 l3s */
	uint32_t address;   /* host byte order */
	unsigned prefix_len;
	uint32_t gateway;   /* 0: no default route through this link */
	bool has6;          /* an IPv6 address too: */
	uint8_t address6[16];
	unsigned prefix6_len;
	uint8_t gateway6[16]; /* all zero: no IPv6 default route through it */
	uint8_t mac[6];
	unsigned mtu;       /* 0: the kernel's default */
	unsigned index;     /* eth<index>: the endpoint's position, kept across
			     * connects and disconnects */
};

/* The namespace and its links; *netns_fd (close-on-exec) on success.
 * With dns, *dns_fd is a UDP socket bound to 127.0.0.11:53 inside it (the
 * container's resolver serves it from the host's namespace). Nothing
 * stays behind on failure. */
int sandbox_create(const struct sandbox_link *links, size_t n, bool dns, int *netns_fd,
		   int *dns_fd, berr *err);

/* A running container's namespace (netns_fd), one more link: the veth
 * whose inner end is eth<index>, made as at create (no default route). */
int sandbox_add_link(int netns_fd, const struct sandbox_link *link, size_t index, berr *err);

/* Deletes eth<index> in the namespace (its host end goes with it). */
int sandbox_remove_link(int netns_fd, size_t index, berr *err);

/* Whether eth<index> is in the namespace and up (the last step of
 * sandbox_add_link): *present. */
int sandbox_link_present(int netns_fd, size_t index, bool *present, berr *err);

#endif
