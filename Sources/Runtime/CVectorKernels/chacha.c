// ChaCha20 (RFC 8439 §2.3) block generation: the level choice and the scalar block function.
// The vector levels (chacha_avx2.c, chacha_avx512.c) compute the same blocks, many at a time.
#include "hepexc_vector.h"
#include "kernels.h"

#include <stdlib.h>
#include <string.h>

static int chacha_parse(const char *name) {
    if (strcmp(name, "scalar") == 0) return HEPEXC_ISA_SCALAR;
    if (strcmp(name, "avx2") == 0) return HEPEXC_ISA_AVX2;
    if (strcmp(name, "avx512") == 0) return HEPEXC_ISA_AVX512;
    if (strcmp(name, "ifma") == 0) return HEPEXC_ISA_IFMA;
    return -1;
}

int hepexc_chacha_isa(void) {
    // Unlike the NTTs, ChaCha20 (32-bit adds, xors, rotations) gains from AVX2, so an AVX2-only
    // CPU runs the AVX2 blocks by default. HEPEXC_ISA still caps the level.
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (level >= 0) return level;
    level = hepexc_isa_supported();
    const char *requested = getenv("HEPEXC_ISA");
    if (requested != NULL && requested[0] != '\0') {
        int wanted = chacha_parse(requested);
        if (wanted >= 0 && wanted < level) level = wanted;
    }
    __atomic_store_n(&cached, level, __ATOMIC_RELEASE);
    return level;
}

static inline uint32_t rotl32(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

#define QR(a, b, c, d)                          \
    a += b; d ^= a; d = rotl32(d, 16);          \
    c += d; b ^= c; b = rotl32(b, 12);          \
    a += b; d ^= a; d = rotl32(d, 8);           \
    c += d; b ^= c; b = rotl32(b, 7)

void hepexc_chacha20_scalar(const uint32_t key[8], uint64_t counter, size_t blocks, uint64_t *out) {
    for (size_t block = 0; block < blocks; block++, counter++) {
        uint32_t init[16] = {0x61707865u, 0x3320646Eu, 0x79622D32u, 0x6B206574u,
                             key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                             (uint32_t)counter, (uint32_t)(counter >> 32), 0, 0};
        uint32_t x[16];
        memcpy(x, init, sizeof x);
        for (int round = 0; round < 10; round++) {
            QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
            QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
            QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
            QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
        }
        for (int j = 0; j < 8; j++)
            out[8 * block + j] = (uint64_t)(x[2 * j] + init[2 * j]) | (uint64_t)(x[2 * j + 1] + init[2 * j + 1]) << 32;
    }
}

void hepexc_chacha20_blocks(int isa, const uint32_t key[8], uint64_t counter, size_t blocks, uint64_t *out) {
    size_t done = 0;
    if (isa >= HEPEXC_ISA_AVX512) {
        for (; blocks - done >= 16; done += 16) hepexc_chacha20_x16_avx512(key, counter + done, out + 8 * done);
    }
    if (isa >= HEPEXC_ISA_AVX2) {
        for (; blocks - done >= 8; done += 8) hepexc_chacha20_x8_avx2(key, counter + done, out + 8 * done);
    }
    hepexc_chacha20_scalar(key, counter + done, blocks - done, out + 8 * done);
}
