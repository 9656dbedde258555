/* STREAM-style triad a = b + 3·c in C, to cross-check DecodeBench's Java triad (benchmarks/README.md).
 * Three arrays of 2^24 floats (3 × 64 MB, as DecodeBench); prints the best of 10 passes as GB/s of
 * wall time and of the process's CPU time, counting 12 bytes per element as STREAM does.
 *
 *   gcc -O3 -march=native -fopenmp -o /tmp/triad benchmarks/c/triad.c && OMP_NUM_THREADS=1 /tmp/triad
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N (1 << 24)

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N), *c = malloc(sizeof(float) * N);
    if (!a || !b || !c) {
        fprintf(stderr, "triad: cannot allocate 3 x %d floats\n", N);
        return 1;
    }
    #pragma omp parallel for
    for (long i = 0; i < N; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
    double bestWall = 1e30, bestCpu = 1e30;
    for (int rep = 0; rep < 10; rep++) {
        double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
        #pragma omp parallel for
        for (long i = 0; i < N; i++) a[i] = b[i] + 3.0f * c[i];
        double w = seconds(CLOCK_MONOTONIC) - w0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (w < bestWall) bestWall = w;
        if (cpu < bestCpu) bestCpu = cpu;
    }
    double bytes = 12.0 * N;
    printf("triad: %.1f GB/s (wall, best of 10), %.1f GB/s (CPU time, best of 10); a[1] = %.1f\n",
           bytes / bestWall / 1e9, bytes / bestCpu / 1e9, a[1]);
    return 0;
}
