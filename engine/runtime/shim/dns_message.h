/* DNS messages as the container's resolver (127.0.0.11) reads and writes
 * them: a query's one question, and the answer built from the names of
 * its networks. Pure functions over buffers: the packets come from a
 * hostile container, and this is the code a fuzz target runs. */
#ifndef BERTH_SHIM_DNS_MESSAGE_H
#define BERTH_SHIM_DNS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 255
#define DNS_TYPE_A 1
#define DNS_TYPE_PTR 12
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3

struct dns_question {
	uint16_t id;
	bool recursion_desired;
	char name[DNS_NAME_MAX + 1]; /* lower case, no trailing dot; "" is the root */
	uint16_t type, qclass;
	size_t end;                  /* the offset just past the question */
};

/* A query with exactly one question, read strictly (no compression in
 * the question, labels of 1-63 bytes of printable ASCII but '.', at most
 * 255 bytes). false for anything else, or a response. */
bool dns_parse_query(const uint8_t *msg, size_t len, struct dns_question *q);

/* An answer to q, its question copied from query: rcode, and naddrs
 * addresses of addr_len bytes each, packed in addrs (4: A records, 16:
 * AAAA, network order), or one name (PTR). Returns the length, 0 when
 * out does not hold it. */
size_t dns_build_answer(const uint8_t *query, const struct dns_question *q, uint8_t rcode,
			const uint8_t *addrs, size_t addr_len, size_t naddrs, const char *ptr_name,
			uint8_t *out, size_t cap);

/* The IPv4 address of a "d.c.b.a.in-addr.arpa" name (network order). */
bool dns_reverse_name(const char *name, uint32_t *addr);
/* The IPv6 address of a name of 32 nibbles and "ip6.arpa" (lower case,
 * as the parser gives names). */
bool dns_reverse_name6(const char *name, uint8_t addr[16]);

#endif
