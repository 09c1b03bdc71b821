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

// The three stages with t < 8 (t = 4, 2, 1 forward; 1, 2, 4 inverse), fused: per 16 values, two
// registers hold 16 / (2t) whole butterfly blocks of each stage; permutes gather the x and y
// halves and their twiddles and put the results back in natural order, without memory traffic.
TARGET static void NAME(small_stages)(uint64_t *a, size_t n, const uint64_t *table, int inverse,
                                      __m512i vq, __m512i v2q, __m512i vnegq, __m512i vmask) {
    (void)vq; (void)vnegq; (void)vmask;
    // Index 0: t = 4, 1: t = 2, 2: t = 1.
    const __m512i ix[3] = {_mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11), _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13),
                           _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14)};
    const __m512i iy[3] = {_mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15), _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15),
                           _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15)};
    const __m512i o0[3] = {ix[0], _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11)};
    const __m512i o1[3] = {iy[0], _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15), _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15)};
    const __m512i iw[3] = {_mm512_setr_epi64(0, 0, 0, 0, 2, 2, 2, 2), _mm512_setr_epi64(0, 0, 2, 2, 4, 4, 6, 6), ix[2]};
    const __m512i iwq[3] = {_mm512_setr_epi64(1, 1, 1, 1, 3, 3, 3, 3), _mm512_setr_epi64(1, 1, 3, 3, 5, 5, 7, 7), iy[2]};
    for (size_t b = 0; b < n; b += 16) {
        __m512i v0 = _mm512_loadu_si512((const void *)(a + b)), v1 = _mm512_loadu_si512((const void *)(a + b + 8));
        for (int step = 0; step < 3; step++) {
            const int s = inverse ? 2 - step : step;   // forward t = 4, 2, 1; inverse t = 1, 2, 4
            const size_t t = (size_t)4 >> s;
            const uint64_t *tw = table + 2 * (n / (2 * t) + b / (2 * t));
            __m512i t0 = _mm512_loadu_si512((const void *)tw), t1 = _mm512_loadu_si512((const void *)(tw + 8));
            __m512i w = _mm512_permutex2var_epi64(t0, iw[s], t1), wq = _mm512_permutex2var_epi64(t0, iwq[s], t1);
            __m512i x = _mm512_permutex2var_epi64(v0, ix[s], v1), y = _mm512_permutex2var_epi64(v0, iy[s], v1);
            if (inverse) INV_BF(x, y, w, wq); else FWD_BF(x, y, w, wq);
            v0 = _mm512_permutex2var_epi64(x, o0[s], y);
            v1 = _mm512_permutex2var_epi64(x, o1[s], y);
        }
        _mm512_storeu_si512((void *)(a + b), v0);
        _mm512_storeu_si512((void *)(a + b + 8), v1);
    }
}

#define LD(p) _mm512_loadu_si512((const void *)(p))
#define ST(p, v) _mm512_storeu_si512((void *)(p), (v))
#define TW(k) _mm512_set1_epi64((long long)table[2 * (k)])
#define TWQ(k) _mm512_set1_epi64((long long)table[2 * (k) + 1])

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
    // Two stages per pass (m, t) and (2m, t/2) while t/2 ≥ 8: half the loads and stores.
    for (; t >= 16; m <<= 2, t >>= 2) {
        const size_t half = t >> 1;
        uint64_t *x0 = a;
        for (size_t i = 0; i < m; i++, x0 += 2 * t) {
            const __m512i w1 = TW(m + i), w1q = TWQ(m + i);
            const __m512i w2 = TW(2 * m + 2 * i), w2q = TWQ(2 * m + 2 * i);
            const __m512i w3 = TW(2 * m + 2 * i + 1), w3q = TWQ(2 * m + 2 * i + 1);
            for (size_t j = 0; j < half; j += 8) {
                __m512i r0 = LD(x0 + j), r1 = LD(x0 + j + half), r2 = LD(x0 + j + t), r3 = LD(x0 + j + t + half);
                FWD_BF(r0, r2, w1, w1q); FWD_BF(r1, r3, w1, w1q);
                FWD_BF(r0, r1, w2, w2q); FWD_BF(r2, r3, w3, w3q);
                ST(x0 + j, r0); ST(x0 + j + half, r1); ST(x0 + j + t, r2); ST(x0 + j + t + half, r3);
            }
        }
    }
    for (; t >= 8; m <<= 1, t >>= 1) {
        uint64_t *x0 = a;
        for (size_t i = 0; i < m; i++, x0 += 2 * t) {
            const __m512i w = TW(m + i), wq = TWQ(m + i);
            for (size_t j = 0; j < t; j += 8) {
                __m512i x = LD(x0 + j), y = LD(x0 + j + t);
                FWD_BF(x, y, w, wq);
                ST(x0 + j, x); ST(x0 + j + t, y);
            }
        }
    }
    NAME(small_stages)(a, n, table, 0, vq, v2q, vnegq, vmask);
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
    NAME(small_stages)(a, n, table, 1, vq, v2q, vnegq, vmask);
    t = 8; h = n >> 4;
    // Two stages per pass (t, h) and (2t, h/2) while both come before the merged last stage.
    for (; h >= 4; t <<= 2, h >>= 2) {
        uint64_t *x0 = a;
        for (size_t i = 0; i < h / 2; i++, x0 += 4 * t) {
            const __m512i w0 = TW(h + 2 * i), w0q = TWQ(h + 2 * i);
            const __m512i w1 = TW(h + 2 * i + 1), w1q = TWQ(h + 2 * i + 1);
            const __m512i w2 = TW(h / 2 + i), w2q = TWQ(h / 2 + i);
            for (size_t j = 0; j < t; j += 8) {
                __m512i r0 = LD(x0 + j), r1 = LD(x0 + j + t), r2 = LD(x0 + j + 2 * t), r3 = LD(x0 + j + 3 * t);
                INV_BF(r0, r1, w0, w0q); INV_BF(r2, r3, w1, w1q);
                INV_BF(r0, r2, w2, w2q); INV_BF(r1, r3, w2, w2q);
                ST(x0 + j, r0); ST(x0 + j + t, r1); ST(x0 + j + 2 * t, r2); ST(x0 + j + 3 * t, r3);
            }
        }
    }
    for (; h > 1; t <<= 1, h >>= 1) {
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
#undef LD
#undef ST
#undef TW
#undef TWQ
