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
/// Moduli below this bound use the AVX2 + FMA double-precision NTTs at the AVX2 level.
#define HEPEXC_FMA_MODULUS_BOUND (UINT64_C(1) << 50)
/// Below this bound the AVX2 + FMA NTTs skip the per-butterfly corrections (signed lazy values).
#define HEPEXC_FMA_LAZY_MODULUS_BOUND (UINT64_C(1) << 45)
/// 1 when the CPU has FMA3 (every AVX2 CPU in practice; checked anyway).
int hepexc_fma_supported(void);
/// Outputs always fully reduced, in [0, q).
void hepexc_forward_avx2fma(uint64_t *a, const uint64_t *source, size_t n, uint64_t q, const uint64_t *table);
void hepexc_inverse_avx2fma(uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                            const hepexc_inverse_constants *c);
#endif
