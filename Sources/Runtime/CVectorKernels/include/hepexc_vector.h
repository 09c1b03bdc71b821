// CHepexcVector — SIMD kernels for the HepexcRing/HepexcCKKS hot loops with runtime dispatch.
//
// Every kernel computes exactly what the scalar Swift kernel next to its caller computes:
// fully reduced outputs are identical bit for bit; lazily reduced outputs of the IFMA level
// (52-bit Shoup quotients) are congruent and in the same range (see README.md).
#ifndef HEPEXC_VECTOR_H
#define HEPEXC_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, lowest first. `HEPEXC_ISA_SCALAR` means "use the Swift kernels".
enum {
    HEPEXC_ISA_SCALAR = 0,
    HEPEXC_ISA_AVX2 = 1,
    HEPEXC_ISA_AVX512 = 2,   // AVX-512 F/DQ/VL: 64-bit mullo, emulated high product
    HEPEXC_ISA_IFMA = 3      // + AVX-512 IFMA: 52-bit multiply-add for moduli below 2^50
};

/// The best level this CPU supports (CPUID via `__builtin_cpu_supports`).
int hepexc_isa_supported(void);

/// The level the kernels use, chosen once on first use: `min(supported, HEPEXC_ISA)` when the
/// variable names a level, else the supported one — except `scalar` on AVX2-only CPUs without FMA.
int hepexc_isa_active(void);

/// 1 when `HEPEXC_ISA` is set to an unknown name (the active level is then the supported one).
int hepexc_isa_environment_invalid(void);

/// "scalar", "avx2", "avx512" or "ifma".
const char *hepexc_isa_name(int isa);

/// Moduli below this bound use the IFMA kernels (their `[0, 4q)` values fit in 52 bits).
#define HEPEXC_IFMA_MODULUS_BOUND (UINT64_C(1) << 50)

/// Forward negacyclic NTT (Harvey lazy Cooley–Tukey, the same butterflies as NTT+Kernels.swift).
/// - a: N words, output; source: N words in [0, 4q) or NULL (then `a` is the in-place input, in [0, 4q)).
/// - table: interleaved (ψ^brv(k), ⌊ψ^brv(k)·2^64/q⌋); table52: (ψ^brv(k), ⌊ψ^brv(k)·2^52/q⌋) or NULL.
/// - reduce: outputs in [0, q) when nonzero, else in [0, 4q).
/// Requires N ≥ 16 and isa ≥ AVX2 (the caller keeps the Swift path otherwise).
void hepexc_ntt_forward(int isa, uint64_t *a, const uint64_t *source, size_t n, uint64_t q,
                        const uint64_t *table, const uint64_t *table52, int reduce);

/// Scalar constants of the inverse NTT's merged last stage: N⁻¹ and ψ^(−brv(1))·N⁻¹ with quotients.
typedef struct {
    uint64_t n_inverse, n_inverse_quotient, n_inverse_quotient52;
    uint64_t last, last_quotient, last_quotient52;
} hepexc_inverse_constants;

/// Inverse negacyclic NTT (Gentleman–Sande, N⁻¹ merged), input in [0, 2q); outputs in [0, q)
/// when `reduce`, else [0, 2q). Tables as for the forward transform (inverse powers).
void hepexc_ntt_inverse(int isa, uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                        const uint64_t *table52, const hepexc_inverse_constants *constants, int reduce);

/// Key-switch inner product, IFMA form: for k < count,
///   lo0[k] += lo52(x_k·key[2k]),   hi0[k] += hi52(x_k·key[2k]),
///   lo1[k] += lo52(x_k·key[2k+1]), hi1[k] += hi52(x_k·key[2k+1]),
/// with x_k = digits[perm[k]] (perm may be NULL: x_k = digits[k]). Requires x_k, key < 2^52,
/// at most 4096 calls before the caller reduces hi·2^52 + lo. count must be a multiple of 8.
void hepexc_mac52(uint64_t *lo0, uint64_t *hi0, uint64_t *lo1, uint64_t *hi1, const uint64_t *digits,
                  const int32_t *perm, const uint64_t *key, size_t count);

/// The ct·pt multiply-accumulate step of one limb, halves apart (IFMA):
///   lo0[k] += lo52(c0[k]·w[k]), hi0[k] += hi52(c0[k]·w[k]),
///   lo1[k] += lo52(c1[k]·w[k]), hi1[k] += hi52(c1[k]·w[k]).
/// Requires c0, c1, w < 2^52, at most 4096 calls before the caller reduces hi·2^52 + lo.
/// count must be a multiple of 8.
void hepexc_mac52_pair(uint64_t *lo0, uint64_t *hi0, uint64_t *lo1, uint64_t *hi1, const uint64_t *c0,
                       const uint64_t *c1, const uint64_t *w, size_t count);

/// out[k] = (hi[k]·2^52 + lo[k]) mod q in [0, q), for q < 2^50 of L bits and values below 2^(L+51)
/// (IFMA Barrett). count must be a multiple of 8.
void hepexc_reduce52(uint64_t *out, const uint64_t *lo, const uint64_t *hi, size_t count, uint64_t q);

/// The CKKS tensor product of one limb, reduced: c0 = a0·b0, c1 = a0·b1 + a1·b0, c2 = a1·b1 mod q
/// (inputs in [0, q), q < 2^50; IFMA). count must be a multiple of 8.
void hepexc_tensor52(uint64_t *c0, uint64_t *c1, uint64_t *c2, const uint64_t *a0, const uint64_t *a1,
                     const uint64_t *b0, const uint64_t *b1, size_t count, uint64_t q);

/// out[k] = a[k]·b[k] mod q (inputs in [0, q), q < 2^50; IFMA). count must be a multiple of 8.
void hepexc_multiply52(uint64_t *out, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);

/// The level of the ChaCha20 blocks: the supported one (AVX2 included: unlike the NTTs, ChaCha20
/// gains from it), capped by `HEPEXC_ISA` when that names a level.
int hepexc_chacha_isa(void);

/// ChaCha20 (RFC 8439 §2.3 block function; key words 4–11 = `key`, words 12–13 = the 64-bit block
/// counter, words 14–15 = 0) for blocks counter, counter + 1, …, counter + blocks − 1, each as
/// 8 little-endian 64-bit words (word j = state words 2j, 2j + 1), block after block. The same
/// words at every level; `isa` above what the CPU supports must not be passed.
void hepexc_chacha20_blocks(int isa, const uint32_t key[8], uint64_t counter, size_t blocks, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif
