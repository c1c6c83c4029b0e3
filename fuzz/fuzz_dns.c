/* The container's resolver reads packets a hostile container sends: the
 * query parser, and the answer built from what it parsed, as the shim's
 * resolver builds it. Built from the shim's own source (libc only). */
#include <string.h>

#include "engine/runtime/shim/dns_message.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_question q;
	uint8_t out[1024];
	const uint8_t addrs[3 * 16] = {192, 168, 0, 2, 192, 168, 0, 3, 192, 168, 0, 4, 0xfd, 0, 0, 1};
	uint8_t rev6[16];
	uint32_t rev;

	if (!dns_parse_query(data, size, &q))
		return 0;
	FUZZ_CHECK(q.end <= size);
	FUZZ_CHECK(strlen(q.name) <= DNS_NAME_MAX);
	size_t n = dns_build_answer(data, &q, DNS_RCODE_NOERROR, addrs, q.type == 28 ? 16 : 4, 3,
				    NULL, out, sizeof(out));
	FUZZ_CHECK(n <= sizeof(out));
	if (n) {
		struct dns_question again;
		/* an answer is no query */
		FUZZ_CHECK(!dns_parse_query(out, n, &again));
	}
	n = dns_build_answer(data, &q, DNS_RCODE_NOERROR, NULL, 0, 0, q.name, out, sizeof(out));
	FUZZ_CHECK(n <= sizeof(out));
	(void)dns_reverse_name(q.name, &rev);
	(void)dns_reverse_name6(q.name, rev6);
	return 0;
}
