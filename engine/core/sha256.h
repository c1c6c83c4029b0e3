/* SHA-256 (FIPS 180-4): streaming and one-shot digests, and hex helpers. */
#ifndef BERTH_CORE_SHA256_H
#define BERTH_CORE_SHA256_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE 65 /* 64 hex digits and a NUL */

struct sha256_ctx {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	uint8_t buf[64];
	size_t buf_len;
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Lower-case hex of a digest into out (SHA256_HEX_SIZE bytes). */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE]);

/* Finishes ctx and writes the hex digest. */
void sha256_final_hex(struct sha256_ctx *ctx, char out[SHA256_HEX_SIZE]);

/* One-shot hex digest of a buffer. */
void sha256_data_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE]);

/* True when s is exactly 64 lower-case hex digits. */
int sha256_is_hex(const char *s);

/* For tests: hash with the portable block function even where the
 * processor's SHA extensions are used (false gives them back). */
void sha256_force_portable(bool on);

#endif
