// ChaCha20, eight blocks at once with AVX2: lane i of vector j is word j of block counter + i.
#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2")))

TARGET static inline __m256i rot16(__m256i v) {
    const __m256i r = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
                                       2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    return _mm256_shuffle_epi8(v, r);
}
TARGET static inline __m256i rot8(__m256i v) {
    const __m256i r = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
                                       3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
    return _mm256_shuffle_epi8(v, r);
}
#define ROT(v, n) _mm256_or_si256(_mm256_slli_epi32(v, n), _mm256_srli_epi32(v, 32 - (n)))
#define QR(a, b, c, d)                                                            \
    a = _mm256_add_epi32(a, b); d = rot16(_mm256_xor_si256(d, a));                \
    c = _mm256_add_epi32(c, d); b = ROT(_mm256_xor_si256(b, c), 12);              \
    a = _mm256_add_epi32(a, b); d = rot8(_mm256_xor_si256(d, a));                 \
    c = _mm256_add_epi32(c, d); b = ROT(_mm256_xor_si256(b, c), 7)

TARGET void hepexc_chacha20_x8_avx2(const uint32_t key[8], uint64_t counter, uint64_t *out) {
    uint32_t lo[8], hi[8];
    for (int i = 0; i < 8; i++) { lo[i] = (uint32_t)(counter + i); hi[i] = (uint32_t)((counter + i) >> 32); }
    __m256i init[16];
    init[0] = _mm256_set1_epi32(0x61707865); init[1] = _mm256_set1_epi32(0x3320646E);
    init[2] = _mm256_set1_epi32(0x79622D32); init[3] = _mm256_set1_epi32(0x6B206574);
    for (int j = 0; j < 8; j++) init[4 + j] = _mm256_set1_epi32((int)key[j]);
    init[12] = _mm256_loadu_si256((const __m256i *)lo);
    init[13] = _mm256_loadu_si256((const __m256i *)hi);
    init[14] = _mm256_setzero_si256(); init[15] = _mm256_setzero_si256();
    __m256i x0 = init[0], x1 = init[1], x2 = init[2], x3 = init[3], x4 = init[4], x5 = init[5], x6 = init[6],
            x7 = init[7], x8 = init[8], x9 = init[9], x10 = init[10], x11 = init[11], x12 = init[12],
            x13 = init[13], x14 = init[14], x15 = init[15];
    for (int round = 0; round < 10; round++) {
        QR(x0, x4, x8, x12); QR(x1, x5, x9, x13); QR(x2, x6, x10, x14); QR(x3, x7, x11, x15);
        QR(x0, x5, x10, x15); QR(x1, x6, x11, x12); QR(x2, x7, x8, x13); QR(x3, x4, x9, x14);
    }
    __m256i x[16] = {x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15};
    for (int j = 0; j < 16; j++) x[j] = _mm256_add_epi32(x[j], init[j]);
    // Transpose 8 lanes × 16 words into 8 blocks of 16 words: two 8×8 transposes of 32-bit words.
    uint32_t *o = (uint32_t *)out;
    for (int half = 0; half < 2; half++) {
        __m256i *v = x + 8 * half;
        __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
        __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
        __m256i t4 = _mm256_unpacklo_epi32(v[4], v[5]), t5 = _mm256_unpackhi_epi32(v[4], v[5]);
        __m256i t6 = _mm256_unpacklo_epi32(v[6], v[7]), t7 = _mm256_unpackhi_epi32(v[6], v[7]);
        __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
        __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
        __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
        __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
        // u0: words 0-3 of lanes 0 (low 128) and 4 (high 128); u4: words 4-7 of lanes 0 and 4, …
        __m256i r[8] = {
            _mm256_permute2x128_si256(u0, u4, 0x20), _mm256_permute2x128_si256(u1, u5, 0x20),
            _mm256_permute2x128_si256(u2, u6, 0x20), _mm256_permute2x128_si256(u3, u7, 0x20),
            _mm256_permute2x128_si256(u0, u4, 0x31), _mm256_permute2x128_si256(u1, u5, 0x31),
            _mm256_permute2x128_si256(u2, u6, 0x31), _mm256_permute2x128_si256(u3, u7, 0x31)};
        for (int lane = 0; lane < 8; lane++) _mm256_storeu_si256((__m256i *)(o + 16 * lane + 8 * half), r[lane]);
    }
}
#else
void hepexc_chacha20_x8_avx2(const uint32_t key[8], uint64_t counter, uint64_t *out) {
    hepexc_chacha20_scalar(key, counter, 8, out);
}
#endif
