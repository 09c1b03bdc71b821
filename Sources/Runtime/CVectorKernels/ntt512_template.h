// The AVX-512 NTT, instantiated twice by ntt_avx512.c: once with the 64-bit Shoup product
// (mullo + emulated high product) and once with the 52-bit IFMA product.
// Expects: NAME(x) (function name), TARGET (attribute), SETUP (declares vq, v2q and what SHOUP needs),
// SHOUP(v, w, wq) (lazy x·w mod q in [0, 2q)).

#define FWD_BF(X, Y, W, WQ) do {                                             \
        __m512i u_ = _mm512_min_epu64((X), _mm512_sub_epi64((X), v2q));      \
        __m512i p_ = SHOUP((Y), (W), (WQ));                                  \
        (X) = _mm512_add_epi64(u_, p_);                                      \
        (Y) = _mm512_add_epi64(_mm512_sub_epi64(u_, p_), v2q);               \
    } while (0)

#define INV_BF(X, Y, W, WQ) do {                                             \
        __m512i s_ = _mm512_add_epi64((X), (Y));                             \
        __m512i d_ = _mm512_add_epi64(_mm512_sub_epi64((X), (Y)), v2q);      \
        (X) = _mm512_min_epu64(s_, _mm512_sub_epi64(s_, v2q));               \
        (Y) = SHOUP(d_, (W), (WQ));                                          \
    } while (0)

// Stages with t < 8: two vectors hold 16 / (2t) whole butterfly blocks; permutes gather the
// x and y halves, their twiddles, and scatter the results back.
TARGET static void NAME(small_stage)(uint64_t *a, size_t n, size_t t, const uint64_t *table, int inverse,
                                     __m512i vq, __m512i v2q, __m512i vnegq, __m512i vmask) {
    (void)vq; (void)vnegq; (void)vmask;
    __m512i ix, iy, o0, o1, iw, iwq;
    if (t == 4) {
        ix = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11); iy = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
        o0 = ix; o1 = iy;
        iw = _mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2); iwq = _mm512_setr_epi64(1, 1, 1, 1, 3, 3, 3, 3);
    } else if (t == 2) {
        ix = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13); iy = _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15);
        o0 = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11); o1 = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
        iw = _mm512_setr_epi64(0, 0, 2, 2, 4, 4, 6, 6); iwq = _mm512_setr_epi64(1, 1, 3, 3, 5, 5, 7, 7);
    } else {
        ix = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14); iy = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
        o0 = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11); o1 = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
        iw = ix; iwq = iy;
    }
    const size_t m = n / (2 * t);
    for (size_t b = 0; b < n; b += 16) {
        const uint64_t *tw = table + 2 * (m + b / (2 * t));
        __m512i t0 = _mm512_loadu_si512((const void *)tw), t1 = _mm512_loadu_si512((const void *)(tw + 8));
        __m512i w = _mm512_permutex2var_epi64(t0, iw, t1), wq = _mm512_permutex2var_epi64(t0, iwq, t1);
        __m512i v0 = _mm512_loadu_si512((const void *)(a + b)), v1 = _mm512_loadu_si512((const void *)(a + b + 8));
        __m512i x = _mm512_permutex2var_epi64(v0, ix, v1), y = _mm512_permutex2var_epi64(v0, iy, v1);
        if (inverse) INV_BF(x, y, w, wq); else FWD_BF(x, y, w, wq);
        _mm512_storeu_si512((void *)(a + b), _mm512_permutex2var_epi64(x, o0, y));
        _mm512_storeu_si512((void *)(a + b + 8), _mm512_permutex2var_epi64(x, o1, y));
    }
}

TARGET void NAME(forward)(uint64_t *a, const uint64_t *source, size_t n, uint64_t q, const uint64_t *table, int reduce) {
    SETUP
    size_t m = 1, t = n >> 1;
    if (source != NULL) {
        __m512i w = _mm512_set1_epi64((long long)table[2]), wq = _mm512_set1_epi64((long long)table[3]);
        for (size_t j = 0; j < t; j += 8) {
            __m512i x = _mm512_loadu_si512((const void *)(source + j));
            __m512i y = _mm512_loadu_si512((const void *)(source + j + t));
            FWD_BF(x, y, w, wq);
            _mm512_storeu_si512((void *)(a + j), x);
            _mm512_storeu_si512((void *)(a + j + t), y);
        }
        m = 2; t >>= 1;
    }
    for (; t >= 8; m <<= 1, t >>= 1) {
        uint64_t *x0 = a;
        for (size_t i = 0; i < m; i++, x0 += 2 * t) {
            __m512i w = _mm512_set1_epi64((long long)table[2 * (m + i)]);
            __m512i wq = _mm512_set1_epi64((long long)table[2 * (m + i) + 1]);
            for (size_t j = 0; j < t; j += 8) {
                __m512i x = _mm512_loadu_si512((const void *)(x0 + j));
                __m512i y = _mm512_loadu_si512((const void *)(x0 + j + t));
                FWD_BF(x, y, w, wq);
                _mm512_storeu_si512((void *)(x0 + j), x);
                _mm512_storeu_si512((void *)(x0 + j + t), y);
            }
        }
    }
    for (; t >= 1; t >>= 1) NAME(small_stage)(a, n, t, table, 0, vq, v2q, vnegq, vmask);
    if (reduce) {
        for (size_t k = 0; k < n; k += 8) {
            __m512i x = _mm512_loadu_si512((const void *)(a + k));
            x = _mm512_min_epu64(x, _mm512_sub_epi64(x, v2q));
            x = _mm512_min_epu64(x, _mm512_sub_epi64(x, vq));
            _mm512_storeu_si512((void *)(a + k), x);
        }
    }
}

TARGET void NAME(inverse)(uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                          const hepexc_inverse_constants *c, int reduce) {
    SETUP
    size_t t = 1, h = n >> 1;
    for (; h > 1; t <<= 1, h >>= 1) {
        if (t < 8) { NAME(small_stage)(a, n, t, table, 1, vq, v2q, vnegq, vmask); continue; }
        uint64_t *x0 = a;
        for (size_t i = 0; i < h; i++, x0 += 2 * t) {
            __m512i w = _mm512_set1_epi64((long long)table[2 * (h + i)]);
            __m512i wq = _mm512_set1_epi64((long long)table[2 * (h + i) + 1]);
            for (size_t j = 0; j < t; j += 8) {
                __m512i x = _mm512_loadu_si512((const void *)(x0 + j));
                __m512i y = _mm512_loadu_si512((const void *)(x0 + j + t));
                INV_BF(x, y, w, wq);
                _mm512_storeu_si512((void *)(x0 + j), x);
                _mm512_storeu_si512((void *)(x0 + j + t), y);
            }
        }
    }
    __m512i ni = _mm512_set1_epi64((long long)c->n_inverse), niq = _mm512_set1_epi64((long long)LAST_QUOTIENT(c->n_inverse));
    __m512i la = _mm512_set1_epi64((long long)c->last), laq = _mm512_set1_epi64((long long)LAST_QUOTIENT(c->last));
    for (size_t j = 0; j < t; j += 8) {
        __m512i x = _mm512_loadu_si512((const void *)(a + j));
        __m512i y = _mm512_loadu_si512((const void *)(a + j + t));
        __m512i s = _mm512_add_epi64(x, y), d = _mm512_add_epi64(_mm512_sub_epi64(x, y), v2q);
        x = SHOUP(s, ni, niq);
        y = SHOUP(d, la, laq);
        if (reduce) {
            x = _mm512_min_epu64(x, _mm512_sub_epi64(x, vq));
            y = _mm512_min_epu64(y, _mm512_sub_epi64(y, vq));
        }
        _mm512_storeu_si512((void *)(a + j), x);
        _mm512_storeu_si512((void *)(a + j + t), y);
    }
}

#undef FWD_BF
#undef INV_BF
