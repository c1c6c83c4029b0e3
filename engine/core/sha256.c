/* SHA-256 as specified in FIPS 180-4. The portable block function is
 * written for clarity (about 170 MB/s); on x86-64 processors with the SHA
 * extensions the blocks go through them instead (about 1 GB/s), since a
 * pull hashes every layer twice (the blob and the tar) and a push once. */
#include "engine/core/sha256.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256_X86_EXTENSIONS 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t round_constants[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/* Rotates right by n bits. */
static inline uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* Runs the compression function over one 64-byte block. */
static void sha256_block(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64];
	uint32_t a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)block[i * 4] << 24 | (uint32_t)block[i * 4 + 1] << 16 |
		       (uint32_t)block[i * 4 + 2] << 8 | (uint32_t)block[i * 4 + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = state[0], b = state[1], c = state[2], d = state[3];
	e = state[4], f = state[5], g = state[6], h = state[7];
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + round_constants[i] + w[i];
		uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;

		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	state[0] += a, state[1] += b, state[2] += c, state[3] += d;
	state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

#ifdef SHA256_X86_EXTENSIONS
/* Hashes n blocks with the SHA extensions. The state is kept as the
 * instructions want it: ABEF in one register, CDGH in the other; each
 * sha256rnds2 does two rounds, and msg1/msg2 extend the schedule four
 * words at a time. */
__attribute__((target("sha,sse4.1"))) static void sha256_blocks_x86(uint32_t state[8],
								    const uint8_t *data, size_t n)
{
	const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

	for (; n > 0; n--, data += 64) {
		__m128i w[4], saved_abef = abef, saved_cdgh = cdgh;

		for (int g = 0; g < 16; g++) {
			__m128i words, k, msg;

			if (g < 4) {
				words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)),
							 byte_swap);
			} else {
				/* W[t..t+3] from W[t-16..t-1]: the four previous groups */
				__m128i older = _mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]);
				__m128i mid = _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4);

				words = _mm_sha256msg2_epu32(_mm_add_epi32(older, mid), w[(g + 3) % 4]);
			}
			w[g % 4] = words;
			k = _mm_loadu_si128((const __m128i *)&round_constants[4 * g]);
			msg = _mm_add_epi32(words, k);
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			msg = _mm_shuffle_epi32(msg, 0x0E);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
		}
		abef = _mm_add_epi32(abef, saved_abef);
		cdgh = _mm_add_epi32(cdgh, saved_cdgh);
	}
	{
		__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
		__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);

		_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
		_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
	}
}

static bool x86_extensions;
static pthread_once_t x86_once = PTHREAD_ONCE_INIT;

/* SHA (leaf 7, EBX bit 29), SSE4.1 (leaf 1, ECX bit 19), SSSE3 (bit 9). */
static void detect_x86(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
		return;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return;
	x86_extensions = (b & (1u << 29)) != 0;
}
#endif

static bool portable_only;

void sha256_force_portable(bool on)
{
	portable_only = on;
}

/* Hashes n whole blocks, by the fastest way this processor has. */
static void sha256_blocks(uint32_t state[8], const uint8_t *data, size_t n)
{
#ifdef SHA256_X86_EXTENSIONS
	pthread_once(&x86_once, detect_x86);
	if (x86_extensions && !portable_only) {
		sha256_blocks_x86(state, data, n);
		return;
	}
#endif
	for (; n > 0; n--, data += 64)
		sha256_block(state, data);
}

/* Starts a digest. */
void sha256_init(struct sha256_ctx *ctx)
{
	static const uint32_t initial[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(ctx->state, initial, sizeof(initial));
	ctx->length = 0;
	ctx->buf_len = 0;
}

/* Hashes more bytes, buffering partial blocks. */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	ctx->length += len;
	if (ctx->buf_len > 0) {
		size_t take = 64 - ctx->buf_len;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->buf_len, p, take);
		ctx->buf_len += take;
		p += take;
		len -= take;
		if (ctx->buf_len < 64)
			return;
		sha256_blocks(ctx->state, ctx->buf, 1);
		ctx->buf_len = 0;
	}
	if (len >= 64) {
		sha256_blocks(ctx->state, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(ctx->buf, p, len);
	ctx->buf_len = len;
}

/* Pads, finishes and writes the 32-byte digest; the context is wiped. */
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE])
{
	uint64_t bits = ctx->length * 8;

	ctx->buf[ctx->buf_len++] = 0x80;
	if (ctx->buf_len > 56) {
		memset(ctx->buf + ctx->buf_len, 0, 64 - ctx->buf_len);
		sha256_blocks(ctx->state, ctx->buf, 1);
		ctx->buf_len = 0;
	}
	memset(ctx->buf + ctx->buf_len, 0, 56 - ctx->buf_len);
	for (int i = 0; i < 8; i++)
		ctx->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_blocks(ctx->state, ctx->buf, 1);
	for (int i = 0; i < 8; i++) {
		digest[i * 4] = (uint8_t)(ctx->state[i] >> 24);
		digest[i * 4 + 1] = (uint8_t)(ctx->state[i] >> 16);
		digest[i * 4 + 2] = (uint8_t)(ctx->state[i] >> 8);
		digest[i * 4 + 3] = (uint8_t)ctx->state[i];
	}
	memset(ctx, 0, sizeof(*ctx));
}

/* Lower-case hex of a digest. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[i * 2] = digits[digest[i] >> 4];
		out[i * 2 + 1] = digits[digest[i] & 0xf];
	}
	out[64] = '\0';
}

/* Finishes a digest into hex. */
void sha256_final_hex(struct sha256_ctx *ctx, char out[SHA256_HEX_SIZE])
{
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_final(ctx, digest);
	sha256_hex(digest, out);
}

/* One-shot hex digest of a buffer. */
void sha256_data_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final_hex(&ctx, out);
}

/* True for exactly 64 lower-case hex digits. */
int sha256_is_hex(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == 64;
}
