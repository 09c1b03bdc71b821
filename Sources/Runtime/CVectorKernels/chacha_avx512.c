// ChaCha20, sixteen blocks at once with AVX-512F: lane i of vector j is word j of block counter + i.
#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f")))

#define QR(a, b, c, d)                                                                  \
    a = _mm512_add_epi32(a, b); d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 16);        \
    c = _mm512_add_epi32(c, d); b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 12);        \
    a = _mm512_add_epi32(a, b); d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 8);         \
    c = _mm512_add_epi32(c, d); b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 7)

TARGET void hepexc_chacha20_x16_avx512(const uint32_t key[8], uint64_t counter, uint64_t *out) {
    uint32_t lo[16], hi[16];
    for (int i = 0; i < 16; i++) { lo[i] = (uint32_t)(counter + i); hi[i] = (uint32_t)((counter + i) >> 32); }
    __m512i init[16];
    init[0] = _mm512_set1_epi32(0x61707865); init[1] = _mm512_set1_epi32(0x3320646E);
    init[2] = _mm512_set1_epi32(0x79622D32); init[3] = _mm512_set1_epi32(0x6B206574);
    for (int j = 0; j < 8; j++) init[4 + j] = _mm512_set1_epi32((int)key[j]);
    init[12] = _mm512_loadu_si512(lo);
    init[13] = _mm512_loadu_si512(hi);
    init[14] = _mm512_setzero_si512(); init[15] = _mm512_setzero_si512();
    __m512i x0 = init[0], x1 = init[1], x2 = init[2], x3 = init[3], x4 = init[4], x5 = init[5], x6 = init[6],
            x7 = init[7], x8 = init[8], x9 = init[9], x10 = init[10], x11 = init[11], x12 = init[12],
            x13 = init[13], x14 = init[14], x15 = init[15];
    for (int round = 0; round < 10; round++) {
        QR(x0, x4, x8, x12); QR(x1, x5, x9, x13); QR(x2, x6, x10, x14); QR(x3, x7, x11, x15);
        QR(x0, x5, x10, x15); QR(x1, x6, x11, x12); QR(x2, x7, x8, x13); QR(x3, x4, x9, x14);
    }
    __m512i x[16] = {x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15};
    for (int j = 0; j < 16; j++) x[j] = _mm512_add_epi32(x[j], init[j]);
    // Transpose 16 lanes × 16 words into 16 blocks of 16 words.
    __m512i t[16], u[16], w[16];
    for (int j = 0; j < 16; j += 2) {
        t[j] = _mm512_unpacklo_epi32(x[j], x[j + 1]);
        t[j + 1] = _mm512_unpackhi_epi32(x[j], x[j + 1]);
    }
    // t[2m]: per 128-bit lane l, (x[2m][4l], x[2m+1][4l], x[2m][4l+1], x[2m+1][4l+1]); t[2m+1]: elements 4l+2, 4l+3.
    for (int j = 0; j < 16; j += 4) {
        u[j] = _mm512_unpacklo_epi64(t[j], t[j + 2]);
        u[j + 1] = _mm512_unpackhi_epi64(t[j], t[j + 2]);
        u[j + 2] = _mm512_unpacklo_epi64(t[j + 1], t[j + 3]);
        u[j + 3] = _mm512_unpackhi_epi64(t[j + 1], t[j + 3]);
    }
    // u[4g + e], 128-bit lane l: words 4g..4g+3 of block 4l + e.
    // Gather the four word groups of each block: 128-bit lanes shuffled across registers.
    for (int e = 0; e < 4; e++) {
        __m512i a0 = u[e], a1 = u[4 + e], a2 = u[8 + e], a3 = u[12 + e];
        // b0 lanes: (a0.l0, a0.l2, a1.l0, a1.l2); b1: (a0.l1, a0.l3, a1.l1, a1.l3); likewise c for a2, a3.
        __m512i b0 = _mm512_shuffle_i32x4(a0, a1, 0x88), b1 = _mm512_shuffle_i32x4(a0, a1, 0xDD);
        __m512i c0 = _mm512_shuffle_i32x4(a2, a3, 0x88), c1 = _mm512_shuffle_i32x4(a2, a3, 0xDD);
        // block 4·0+e: (a0.l0, a1.l0, a2.l0, a3.l0) = (b0.l0, b0.l2, c0.l0, c0.l2)
        w[e] = _mm512_shuffle_i32x4(b0, c0, 0x88);        // lane l = 0
        w[8 + e] = _mm512_shuffle_i32x4(b0, c0, 0xDD);    // lane l = 2
        w[4 + e] = _mm512_shuffle_i32x4(b1, c1, 0x88);    // lane l = 1
        w[12 + e] = _mm512_shuffle_i32x4(b1, c1, 0xDD);   // lane l = 3
    }
    for (int block = 0; block < 16; block++) _mm512_storeu_si512(out + 8 * block, w[block]);
}
#else
void hepexc_chacha20_x16_avx512(const uint32_t key[8], uint64_t counter, uint64_t *out) {
    hepexc_chacha20_scalar(key, counter, 16, out);
}
#endif
