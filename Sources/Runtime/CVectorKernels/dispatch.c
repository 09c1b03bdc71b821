// CPUID-based choice of the kernel level, made once per process.
#include "hepexc_vector.h"
#include "kernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int active_level = -1;
static atomic_int environment_invalid = 0;

int hepexc_isa_supported(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
                 && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
    if (avx512 && __builtin_cpu_supports("avx512ifma")) return HEPEXC_ISA_IFMA;
    if (avx512) return HEPEXC_ISA_AVX512;
    if (__builtin_cpu_supports("avx2")) return HEPEXC_ISA_AVX2;
#endif
    return HEPEXC_ISA_SCALAR;
}

static int parse_level(const char *name) {
    if (strcmp(name, "scalar") == 0) return HEPEXC_ISA_SCALAR;
    if (strcmp(name, "avx2") == 0) return HEPEXC_ISA_AVX2;
    if (strcmp(name, "avx512") == 0) return HEPEXC_ISA_AVX512;
    if (strcmp(name, "ifma") == 0) return HEPEXC_ISA_IFMA;
    return -1;
}

int hepexc_isa_active(void) {
    int level = atomic_load_explicit(&active_level, memory_order_acquire);
    if (level >= 0) return level;
    const int supported = hepexc_isa_supported();
    // On AVX2-only CPUs without FMA the default stays scalar: the integer AVX2 kernels (64×64-bit
    // products from 32×32-bit ones) measured no faster than the Swift kernels' mulx. With FMA the
    // double-precision NTTs are faster (docs/benchmarks.md, issue 17).
    level = supported == HEPEXC_ISA_AVX2 && !hepexc_fma_supported() ? HEPEXC_ISA_SCALAR : supported;
    const char *requested = getenv("HEPEXC_ISA");
    if (requested != NULL && requested[0] != '\0') {
        int wanted = parse_level(requested);
        if (wanted < 0) atomic_store(&environment_invalid, 1);
        else level = wanted < supported ? wanted : supported;
    }
    // Every thread computes the same value, so a race only repeats the work.
    atomic_store_explicit(&active_level, level, memory_order_release);
    return level;
}

int hepexc_isa_environment_invalid(void) {
    (void)hepexc_isa_active();
    return atomic_load(&environment_invalid);
}

static atomic_int fma_level = -1;

int hepexc_fma_supported(void) {
    int known = atomic_load_explicit(&fma_level, memory_order_relaxed);
    if (known >= 0) return known;
    int found = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    found = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#endif
    atomic_store_explicit(&fma_level, found, memory_order_relaxed);
    return found;
}

const char *hepexc_isa_name(int isa) {
    switch (isa) {
    case HEPEXC_ISA_AVX2: return "avx2";
    case HEPEXC_ISA_AVX512: return "avx512";
    case HEPEXC_ISA_IFMA: return "ifma";
    default: return "scalar";
    }
}

// NTT kernels by level and modulus: IFMA below 2^50 at `ifma`; the AVX2 + FMA double-precision
// kernels below 2^45 at `avx512` and `ifma` (faster than the emulated 64-bit AVX-512 high product)
// and below 2^50 at `avx2`; otherwise the 64-bit AVX-512 or integer AVX2 kernels.
void hepexc_ntt_forward(int isa, uint64_t *a, const uint64_t *source, size_t n, uint64_t q,
                        const uint64_t *table, const uint64_t *table52, int reduce) {
    if (isa >= HEPEXC_ISA_IFMA && table52 != NULL && q < HEPEXC_IFMA_MODULUS_BOUND)
        hepexc_forward_ifma(a, source, n, q, table52, reduce);
    else if (isa >= HEPEXC_ISA_AVX512 && !(q < HEPEXC_FMA_LAZY_MODULUS_BOUND && hepexc_fma_supported()))
        hepexc_forward_avx512(a, source, n, q, table, reduce);
    else if (q < HEPEXC_FMA_MODULUS_BOUND && hepexc_fma_supported())
        hepexc_forward_avx2fma(a, source, n, q, table);
    else
        hepexc_forward_avx2(a, source, n, q, table, reduce);
}

void hepexc_ntt_inverse(int isa, uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                        const uint64_t *table52, const hepexc_inverse_constants *constants, int reduce) {
    if (isa >= HEPEXC_ISA_IFMA && table52 != NULL && q < HEPEXC_IFMA_MODULUS_BOUND)
        hepexc_inverse_ifma(a, n, q, table52, constants, reduce);
    else if (isa >= HEPEXC_ISA_AVX512 && !(q < HEPEXC_FMA_LAZY_MODULUS_BOUND && hepexc_fma_supported()))
        hepexc_inverse_avx512(a, n, q, table, constants, reduce);
    else if (q < HEPEXC_FMA_MODULUS_BOUND && hepexc_fma_supported())
        hepexc_inverse_avx2fma(a, n, q, table, constants);
    else
        hepexc_inverse_avx2(a, n, q, table, constants, reduce);
}
