// Per-ISA entry points (private to the C target).
#ifndef HEPEXC_KERNELS_H
#define HEPEXC_KERNELS_H
#include "hepexc_vector.h"

void hepexc_forward_ifma(uint64_t *a, const uint64_t *source, size_t n, uint64_t q, const uint64_t *table52, int reduce);
void hepexc_forward_avx512(uint64_t *a, const uint64_t *source, size_t n, uint64_t q, const uint64_t *table, int reduce);
void hepexc_forward_avx2(uint64_t *a, const uint64_t *source, size_t n, uint64_t q, const uint64_t *table, int reduce);
void hepexc_inverse_ifma(uint64_t *a, size_t n, uint64_t q, const uint64_t *table52,
                         const hepexc_inverse_constants *c, int reduce);
void hepexc_inverse_avx512(uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                           const hepexc_inverse_constants *c, int reduce);
void hepexc_inverse_avx2(uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                         const hepexc_inverse_constants *c, int reduce);

// ChaCha20 blocks (chacha.c, chacha_avx2.c, chacha_avx512.c): 8 words of 64 bits per block, in counter order.
void hepexc_chacha20_scalar(const uint32_t key[8], uint64_t counter, size_t blocks, uint64_t *out);
void hepexc_chacha20_x8_avx2(const uint32_t key[8], uint64_t counter, uint64_t *out);
void hepexc_chacha20_x16_avx512(const uint32_t key[8], uint64_t counter, uint64_t *out);
#endif
