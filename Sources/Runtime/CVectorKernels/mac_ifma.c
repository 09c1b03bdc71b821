// The key-switch inner product with AVX-512 IFMA: 52-bit halves of each product accumulate in
// separate 64-bit lanes (4096 terms fit); the caller reduces hi·2^52 + lo once (exactly).
#include "hepexc_vector.h"

#include <immintrin.h>

#define TARGET_IFMA __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx512ifma")))

TARGET_IFMA void hepexc_mac52(uint64_t *lo0, uint64_t *hi0, uint64_t *lo1, uint64_t *hi1, const uint64_t *digits,
                              const int32_t *perm, const uint64_t *key, size_t count) {
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    for (size_t k = 0; k < count; k += 8) {
        __m512i x = perm != NULL
            ? _mm512_i32gather_epi64(_mm256_loadu_si256((const __m256i *)(perm + k)), (const void *)digits, 8)
            : _mm512_loadu_si512((const void *)(digits + k));
        __m512i k0 = _mm512_loadu_si512((const void *)(key + 2 * k));
        __m512i k1 = _mm512_loadu_si512((const void *)(key + 2 * k + 8));
        __m512i a = _mm512_permutex2var_epi64(k0, even, k1), b = _mm512_permutex2var_epi64(k0, odd, k1);
        _mm512_storeu_si512((void *)(lo0 + k), _mm512_madd52lo_epu64(_mm512_loadu_si512((const void *)(lo0 + k)), x, a));
        _mm512_storeu_si512((void *)(hi0 + k), _mm512_madd52hi_epu64(_mm512_loadu_si512((const void *)(hi0 + k)), x, a));
        _mm512_storeu_si512((void *)(lo1 + k), _mm512_madd52lo_epu64(_mm512_loadu_si512((const void *)(lo1 + k)), x, b));
        _mm512_storeu_si512((void *)(hi1 + k), _mm512_madd52hi_epu64(_mm512_loadu_si512((const void *)(hi1 + k)), x, b));
    }
}
