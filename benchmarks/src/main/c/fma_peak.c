/*
 * The machine's single-precision FMA peak, the yardstick for PeakFlopsBench.
 *
 * Each thread runs CHAINS independent chains of c = c * m + a (one vfmadd per chain per step, no
 * memory traffic), enough to cover the FMA latency on every FMA pipe, and reports GFLOP/s summed
 * over the threads. Built with -O3 -march=native -fopenmp; the width is chosen at run time:
 *
 *   fma_peak 256 [threads]   AVX2 _mm256_fmadd_ps (12 chains: 16 ymm registers)
 *   fma_peak 512 [threads]   AVX-512 _mm512_fmadd_ps (12 chains), when the CPU has avx512f
 *   fma_peak 128 [threads]   SSE/AVX _mm_fmadd_ps on 128-bit vectors (12 chains)
 *
 * Prints the best of REPEATS timed runs of FLOP_PER_RUN per thread ("best", as the Java side quotes its best
 * JMH iteration), one line: "width threads best_gflops mean_gflops best_cpu_gflops", the last
 * counting each thread's own CPU time instead of the wall clock: on a machine shared with other
 * work it shows what the core does while this program has it (the wall-clock figures are the peak).
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
/* FLOP per thread per timed run: about 0.15 s at 512 bits on a 2026 core */
#define FLOP_PER_RUN (1L << 35)
#define REPEATS 7

static double clock_s(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double now(void) {
    return clock_s(CLOCK_MONOTONIC);
}

/* One run on this thread: returns a value that depends on every chain (so nothing is dropped). */
#define CHAIN_LOOP(VEC, SET1, FMADD, ADD, STORE, LANES)                                 \
    VEC m = SET1(mul), a = SET1(add);                                                   \
    /* distinct starting values: identical chains would be merged into one by the compiler */ \
    VEC c0 = SET1(0), c1 = SET1(0.01f), c2 = SET1(0.02f), c3 = SET1(0.03f);            \
    VEC c4 = SET1(0.04f), c5 = SET1(0.05f), c6 = SET1(0.06f), c7 = SET1(0.07f);        \
    VEC c8 = SET1(0.08f), c9 = SET1(0.09f), c10 = SET1(0.10f), c11 = SET1(0.11f);      \
    for (long i = 0; i < steps; i++) {                                                  \
        c0 = FMADD(c0, m, a); c1 = FMADD(c1, m, a); c2 = FMADD(c2, m, a);               \
        c3 = FMADD(c3, m, a); c4 = FMADD(c4, m, a); c5 = FMADD(c5, m, a);               \
        c6 = FMADD(c6, m, a); c7 = FMADD(c7, m, a); c8 = FMADD(c8, m, a);               \
        c9 = FMADD(c9, m, a); c10 = FMADD(c10, m, a); c11 = FMADD(c11, m, a);           \
    }                                                                                   \
    VEC s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));          \
    s = ADD(s, ADD(ADD(c8, c9), ADD(c10, c11)));                                        \
    float out[LANES];                                                                   \
    STORE(out, s);                                                                      \
    return out[0];

static float run128(long steps, float mul, float add) {
    CHAIN_LOOP(__m128, _mm_set1_ps, _mm_fmadd_ps, _mm_add_ps, _mm_storeu_ps, 4)
}

static float run256(long steps, float mul, float add) {
    CHAIN_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_storeu_ps, 8)
}

#ifdef __AVX512F__
static float run512(long steps, float mul, float add) {
    CHAIN_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_storeu_ps, 16)
}
#endif

int main(int argc, char **argv) {
    int width = argc > 1 ? atoi(argv[1]) : 256;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (width != 128 && width != 256 && width != 512) {
        fprintf(stderr, "width must be 128, 256 or 512 but got %d\n", width);
        return 2;
    }
#ifndef __AVX512F__
    if (width == 512) {
        fprintf(stderr, "this CPU (or this build) has no AVX-512: 512-bit FMAs are not available\n");
        return 2;
    }
#endif
    if (threads < 1) {
        fprintf(stderr, "threads must be at least 1 but got %d\n", threads);
        return 2;
    }
    int lanes = width / 32;
    long steps = FLOP_PER_RUN / (2L * CHAINS * lanes);
    volatile float sink = 0;
    double best = 0, sum = 0, bestCpu = 0;
    for (int r = 0; r < REPEATS + 1; r++) { /* the first run warms up clocks and pages */
        double t0 = now();
        double cpuRate = 0; /* FLOP per second of each thread's own CPU time, summed */
#pragma omp parallel num_threads(threads) reduction(+ : cpuRate)
        {
            double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
            float m = 0.999999f + 1e-9f * omp_get_thread_num(), a = 1e-6f, v;
            if (width == 128) {
                v = run128(steps, m, a);
            } else if (width == 256) {
                v = run256(steps, m, a);
            } else {
#ifdef __AVX512F__
                v = run512(steps, m, a);
#else
                v = 0;
#endif
            }
            cpuRate += 2.0 * CHAINS * steps * lanes / (clock_s(CLOCK_THREAD_CPUTIME_ID) - c0) * 1e-9;
#pragma omp atomic
            sink += v;
        }
        double dt = now() - t0;
        double gflops = 2.0 * CHAINS * steps * lanes * threads / dt * 1e-9;
        if (r > 0) {
            sum += gflops;
            if (gflops > best) {
                best = gflops;
            }
            if (cpuRate > bestCpu) {
                bestCpu = cpuRate;
            }
        }
    }
    printf("%d %d %.1f %.1f %.1f\n", width, threads, best, sum / REPEATS, bestCpu);
    return 0;
}
