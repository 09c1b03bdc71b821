// AVX2 + FMA NTTs in double precision for moduli below 2^50 (four lanes).
//
// AVX2 has no 64-bit multiply, but its FMA gives exact 106-bit products of integers below 2^53:
// h = fl(a·b), l = fma(a, b, −h) with a·b = h + l exactly. With c = round(h·fl(1/q)),
// r = fma(−c, q, h) + l = a·b − c·q is exact, and for |a| < q, 0 ≤ b < q < 2^50 the quotient
// estimate is off by at most 0.39 (three roundings of 2^−53 on a quotient below 2^50), so
// |r| < 0.89·q and one conditional +q gives a·b mod q in [0, q).
//
// The transforms convert the limb to doubles in place (integers below 2^52 convert exactly by
// the 2^52 exponent trick), keep every value fully reduced in [0, q) through all stages, and
// convert back: outputs are in [0, q), so they equal the scalar kernels' outputs bit for bit
// when those are reduced, and are congruent and in range when lazy ones are asked for.
#include "kernels.h"

#include <immintrin.h>

#define TARGET_FMA __attribute__((target("avx2,fma")))

#define LOADD(p) _mm256_loadu_pd((const double *)(p))
#define STORED(p, v) _mm256_storeu_pd((double *)(p), (v))
#define LOADI(p) _mm256_loadu_si256((const __m256i *)(p))
#define STOREI(p, v) _mm256_storeu_si256((__m256i *)(p), (v))

/// Integers in [0, 2^52) ↔ doubles, exactly.
TARGET_FMA static inline __m256d to_double(__m256i x) {
    const __m256i bits = _mm256_set1_epi64x(0x4330000000000000LL);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, bits)), _mm256_set1_pd(0x1p52));
}

TARGET_FMA static inline __m256i to_integer(__m256d x) {
    const __m256i bits = _mm256_set1_epi64x(0x4330000000000000LL);
    return _mm256_xor_si256(_mm256_castpd_si256(_mm256_add_pd(x, _mm256_set1_pd(0x1p52))), bits);
}

/// x − q when x ≥ q (x < 2q).
TARGET_FMA static inline __m256d sub_if_at_least(__m256d x, __m256d q) {
    __m256d t = _mm256_sub_pd(x, q);
    return _mm256_blendv_pd(t, x, t);  // t < 0: keep x
}

/// x + q when x < 0 (x > −q; x is never −0 here: it is a difference or an exact sum).
TARGET_FMA static inline __m256d add_if_negative(__m256d x, __m256d q) {
    return _mm256_blendv_pd(x, _mm256_add_pd(x, q), x);
}

/// x + q when x < 0, for x > −q (a −0 stays and converts to 0).
TARGET_FMA static inline __m256d add_if_below_zero(__m256d x, __m256d q) {
    __m256d negative = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ);
    return _mm256_add_pd(x, _mm256_and_pd(negative, q));
}

/// a·b mod q in [0, q) for integers |a| < q, 0 ≤ b < q < 2^50.
TARGET_FMA static inline __m256d mulmod(__m256d a, __m256d b, __m256d q, __m256d qinv) {
    __m256d h = _mm256_mul_pd(a, b);
    __m256d l = _mm256_fmsub_pd(a, b, h);
    __m256d c = _mm256_round_pd(_mm256_mul_pd(h, qinv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_add_pd(_mm256_fnmadd_pd(c, q, h), l);
    return add_if_negative(r, q);
}

/// 1.5·2^52: fma(x, y, M) − M is x·y rounded to the nearest integer when |x·y| < 2^51.
#define ROUNDING_CONSTANT 0x1.8p52

/// a·b − c·q with c = round(a·b/q), for moduli below 2^45 and |a·b/q| < 2^49: the quotient
/// estimate is off by less than 1/8, so the result lies in (−0.625·q, 0.625·q). No correction.
TARGET_FMA static inline __m256d mulmod_centered(__m256d a, __m256d b, __m256d q, __m256d qinv) {
    const __m256d m = _mm256_set1_pd(ROUNDING_CONSTANT);
    __m256d h = _mm256_mul_pd(a, b);
    __m256d l = _mm256_fmsub_pd(a, b, h);
    __m256d c = _mm256_sub_pd(_mm256_fmadd_pd(h, qinv, m), m);
    return _mm256_add_pd(_mm256_fnmadd_pd(c, q, h), l);
}

/// x − round(x/q)·q, in (−0.51·q, 0.51·q) for |x| < 2^50.
TARGET_FMA static inline __m256d center(__m256d x, __m256d q, __m256d qinv) {
    const __m256d m = _mm256_set1_pd(ROUNDING_CONSTANT);
    __m256d c = _mm256_sub_pd(_mm256_fmadd_pd(x, qinv, m), m);
    return _mm256_fnmadd_pd(c, q, x);
}

/// Lazy Cooley–Tukey on signed values: |x|, |y| grow by at most 0.625·q per stage.
#define FWD_BF_LAZY(X, Y, W) do {                                   \
        __m256d p_ = mulmod_centered((Y), (W), vq, vqinv);          \
        (Y) = _mm256_sub_pd((X), p_);                               \
        (X) = _mm256_add_pd((X), p_);                               \
    } while (0)

/// Lazy Gentleman–Sande on signed values: both outputs below 0.625·q in magnitude.
#define INV_BF_LAZY(X, Y, W) do {                                   \
        __m256d d_ = _mm256_sub_pd((X), (Y));                       \
        (X) = center(_mm256_add_pd((X), (Y)), vq, vqinv);           \
        (Y) = mulmod_centered(d_, (W), vq, vqinv);                  \
    } while (0)

/// Cooley–Tukey: (x, y) ← (x + y·w, x − y·w), all in [0, q).
#define FWD_BF(X, Y, W) do {                                        \
        __m256d p_ = mulmod((Y), (W), vq, vqinv);                   \
        __m256d s_ = sub_if_at_least(_mm256_add_pd((X), p_), vq);   \
        (Y) = add_if_negative(_mm256_sub_pd((X), p_), vq);          \
        (X) = s_;                                                   \
    } while (0)

/// Gentleman–Sande: (x, y) ← (x + y, (x − y)·w), all in [0, q).
#define INV_BF(X, Y, W) do {                                        \
        __m256d d_ = _mm256_sub_pd((X), (Y));                       \
        (X) = sub_if_at_least(_mm256_add_pd((X), (Y)), vq);         \
        (Y) = mulmod(d_, (W), vq, vqinv);                           \
    } while (0)

/// The twiddles ψ^brv(k) of `table` (interleaved with Shoup quotients) for the stages with
/// t ∈ {1, 2}, as the small stages pair them with their lanes.
TARGET_FMA static inline __m256d small_twiddles(const uint64_t *tw, size_t t) {
    if (t == 2) return to_double(_mm256_permute4x64_epi64(LOADI(tw), _MM_SHUFFLE(2, 2, 0, 0)));
    return to_double(_mm256_unpacklo_epi64(LOADI(tw), LOADI(tw + 4)));
}

/// Stages with t ∈ {1, 2}: two vectors hold 8 / (2t) blocks.
TARGET_FMA static void small_stage(double *a, size_t n, size_t t, const uint64_t *table, int inverse, int lazy,
                                   __m256d vq, __m256d vqinv) {
    const size_t m = n / (2 * t);
    for (size_t b = 0; b < n; b += 8) {
        __m256d w = small_twiddles(table + 2 * (m + b / (2 * t)), t);
        __m256d v0 = LOADD(a + b), v1 = LOADD(a + b + 4), x, y;
        if (t == 2) {
            x = _mm256_permute2f128_pd(v0, v1, 0x20);
            y = _mm256_permute2f128_pd(v0, v1, 0x31);
        } else {
            x = _mm256_unpacklo_pd(v0, v1);
            y = _mm256_unpackhi_pd(v0, v1);
        }
        if (lazy) { if (inverse) INV_BF_LAZY(x, y, w); else FWD_BF_LAZY(x, y, w); }
        else if (inverse) INV_BF(x, y, w); else FWD_BF(x, y, w);
        if (t == 2) {
            STORED(a + b, _mm256_permute2f128_pd(x, y, 0x20));
            STORED(a + b + 4, _mm256_permute2f128_pd(x, y, 0x31));
        } else {
            STORED(a + b, _mm256_unpacklo_pd(x, y));
            STORED(a + b + 4, _mm256_unpackhi_pd(x, y));
        }
    }
}

/// One stage with t ≥ 4.
TARGET_FMA static void wide_stage(double *a, size_t blocks, size_t t, const uint64_t *table, int inverse, int lazy,
                                  __m256d vq, __m256d vqinv) {
    double *x0 = a;
    for (size_t i = 0; i < blocks; i++, x0 += 2 * t) {
        __m256d w = _mm256_set1_pd((double)table[2 * (blocks + i)]);
        for (size_t j = 0; j < t; j += 4) {
            __m256d x = LOADD(x0 + j), y = LOADD(x0 + j + t);
            if (lazy) { if (inverse) INV_BF_LAZY(x, y, w); else FWD_BF_LAZY(x, y, w); }
            else if (inverse) INV_BF(x, y, w); else FWD_BF(x, y, w);
            STORED(x0 + j, x); STORED(x0 + j + t, y);
        }
    }
}

TARGET_FMA void hepexc_forward_avx2fma(uint64_t *a, const uint64_t *source, size_t n, uint64_t q,
                                       const uint64_t *table) {
    const __m256d vq = _mm256_set1_pd((double)q), vqinv = _mm256_set1_pd(1.0 / (double)q);
    const __m256i q1 = _mm256_set1_epi64x((long long)q), q2 = _mm256_set1_epi64x((long long)(2 * q));
    const uint64_t *in = source != NULL ? source : a;
    double *d = (double *)a;
    // [0, 4q) words → [0, q) doubles (signed compares: everything is below 2^52); the lazy
    // kernel takes them as they are.
    if (q < HEPEXC_FMA_LAZY_MODULUS_BOUND) {
        for (size_t k = 0; k < n; k += 4) STORED(d + k, to_double(LOADI(in + k)));
    } else for (size_t k = 0; k < n; k += 4) {
        __m256i x = LOADI(in + k);
        x = _mm256_sub_epi64(x, _mm256_andnot_si256(_mm256_cmpgt_epi64(q2, x), q2));
        x = _mm256_sub_epi64(x, _mm256_andnot_si256(_mm256_cmpgt_epi64(q1, x), q1));
        STORED(d + k, to_double(x));
    }
    size_t m = 1, t = n >> 1;
    const int lazy = q < HEPEXC_FMA_LAZY_MODULUS_BOUND;
    for (; t >= 4; m <<= 1, t >>= 1) wide_stage(d, m, t, table, 0, lazy, vq, vqinv);
    for (; t >= 1; t >>= 1) small_stage(d, n, t, table, 0, lazy, vq, vqinv);
    if (lazy) {
        // |x| < 4q + 17·0.625q: centered, then into [0, q).
        for (size_t k = 0; k < n; k += 4) STOREI(a + k, to_integer(add_if_below_zero(center(LOADD(d + k), vq, vqinv), vq)));
    } else {
        for (size_t k = 0; k < n; k += 4) STOREI(a + k, to_integer(LOADD(d + k)));
    }
}

TARGET_FMA void hepexc_inverse_avx2fma(uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                                       const hepexc_inverse_constants *c) {
    const __m256d vq = _mm256_set1_pd((double)q), vqinv = _mm256_set1_pd(1.0 / (double)q);
    const __m256i q1 = _mm256_set1_epi64x((long long)q);
    double *d = (double *)a;
    const int lazy = q < HEPEXC_FMA_LAZY_MODULUS_BOUND;
    // [0, 2q) words → [0, q) doubles (the lazy kernel takes them as they are).
    if (lazy) {
        for (size_t k = 0; k < n; k += 4) STORED(d + k, to_double(LOADI(a + k)));
    } else for (size_t k = 0; k < n; k += 4) {
        __m256i x = LOADI(a + k);
        x = _mm256_sub_epi64(x, _mm256_andnot_si256(_mm256_cmpgt_epi64(q1, x), q1));
        STORED(d + k, to_double(x));
    }
    size_t t = 1, h = n >> 1;
    for (; h > 1; t <<= 1, h >>= 1) {
        if (t < 4) small_stage(d, n, t, table, 1, lazy, vq, vqinv);
        else wide_stage(d, h, t, table, 1, lazy, vq, vqinv);
    }
    const __m256d ni = _mm256_set1_pd((double)c->n_inverse), la = _mm256_set1_pd((double)c->last);
    if (lazy) {
        // Last stage with N⁻¹ merged; x ± y below 4q in magnitude (2q if n = 2).
        for (size_t j = 0; j < t; j += 4) {
            __m256d x = LOADD(d + j), y = LOADD(d + j + t);
            __m256d s = _mm256_add_pd(x, y), diff = _mm256_sub_pd(x, y);
            STOREI(a + j, to_integer(add_if_below_zero(mulmod_centered(s, ni, vq, vqinv), vq)));
            STOREI(a + j + t, to_integer(add_if_below_zero(mulmod_centered(diff, la, vq, vqinv), vq)));
        }
        return;
    }
    // Last stage with N⁻¹ merged: x + y − q and x − y are below q in magnitude.
    for (size_t j = 0; j < t; j += 4) {
        __m256d x = LOADD(d + j), y = LOADD(d + j + t);
        __m256d s = _mm256_sub_pd(_mm256_add_pd(x, y), vq), diff = _mm256_sub_pd(x, y);
        STOREI(a + j, to_integer(mulmod(s, ni, vq, vqinv)));
        STOREI(a + j + t, to_integer(mulmod(diff, la, vq, vqinv)));
    }
}
