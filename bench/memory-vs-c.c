/*
 * The C side of bench/memory-vs-c.sh: STREAM triad and an FMA loop shaped like iocert's own
 * kernels (probes/.../compute/StreamBenchmark.java and FmaBenchmark.java), written for iocert.
 *
 *   memory-vs-c triad ELEMENTS SECONDS     a[i] = b[i] + q * c[i] over three arrays of ELEMENTS
 *                                          doubles shared out statically over the OpenMP threads
 *   memory-vs-c fma SECONDS                each thread: 1024 doubles, 8 chained fma per element,
 *                                          element by element (the shape of iocert's loop)
 *
 * Prints one rate per line, one line per timed sample (a triad sample is one sweep of the
 * arrays; an FMA sample is about 100 ms of repetitions): B/s counted the STREAM way (24 bytes
 * per element, write-allocate not counted) or FLOP/s (an FMA is two). The caller takes the
 * median; no best-of here either. One untimed sweep or repetition block first (first touch,
 * page faults, frequency ramp).
 *
 * Build: gcc -O3 -march=native -fopenmp memory-vs-c.c -o memory-vs-c -lm
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/*
 * An array of n doubles on 2-MiB boundaries, with transparent huge pages asked for (madvise), as
 * iocert's JMH fork asks for its heap (-XX:+UseTransparentHugePages) where the kernel offers them:
 * both sides sweep the same page layout. Without THP (mode "never") the advice is ignored.
 */
static double *huge_array(long n) {
    size_t huge = 2u << 20;
    size_t bytes = ((n * sizeof(double) + huge - 1) / huge) * huge;
    double *p = aligned_alloc(huge, bytes);
    if (p && getenv("NO_THP") == NULL) {
        madvise(p, bytes, MADV_HUGEPAGE);
    }
    return p;
}

static int triad(long n, double seconds) {
    double *a = huge_array(n);
    double *b = huge_array(n);
    double *c = huge_array(n);
    if (!a || !b || !c) {
        fprintf(stderr, "cannot allocate 3 x %ld doubles\n", n);
        return 2;
    }
    const double q = 3.0;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        a[i] = 1.0;
        b[i] = 2.0;
        c[i] = 0.0;
    }
    double start = now_s();
    for (int sample = -1;; sample++) {
        double t0 = now_s();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++) {
            a[i] = b[i] + q * c[i];
        }
        double t1 = now_s();
        if (sample >= 0) {
            printf("%.6e\n", 24.0 * n / (t1 - t0));
        }
        if (t1 - start >= seconds) {
            break;
        }
    }
    /* Keep the result observable. */
    if (a[n / 2] != 2.0) {
        fprintf(stderr, "unexpected value %f\n", a[n / 2]);
        return 1;
    }
    free(a);
    free(b);
    free(c);
    return 0;
}

#define LENGTH 1024
#define CHAIN 8

/* One operation of iocert's FmaBenchmark: every element through CHAIN dependent FMAs. */
static void fma_plain(double *x, double m, double k) {
    for (int i = 0; i < LENGTH; i++) {
        double y = x[i];
        y = fma(y, m, k);
        y = fma(y, m, k);
        y = fma(y, m, k);
        y = fma(y, m, k);
        y = fma(y, m, k);
        y = fma(y, m, k);
        y = fma(y, m, k);
        y = fma(y, m, k);
        x[i] = y;
    }
}

static int fma_loop(double seconds) {
    const double m = 0.999999, k = 1e-6;
    int threads = omp_get_max_threads();
    double sink = 0;
    /* Calibrate repetitions per sample: about 100 ms of work per thread. */
    long reps = 1000;
    double start = now_s();
    for (int sample = -1;; sample++) {
        double t0 = now_s();
#pragma omp parallel reduction(+ : sink)
        {
            double x[LENGTH] __attribute__((aligned(64)));
            for (int i = 0; i < LENGTH; i++) {
                x[i] = 1.0;
            }
            for (long r = 0; r < reps; r++) {
                fma_plain(x, m, k);
                __asm__ volatile("" : : "r"(x) : "memory");
            }
            sink += x[LENGTH / 2];
        }
        double t1 = now_s();
        if (sample < 0) {
            reps = (long) (reps * 0.1 / (t1 - t0)) + 1;
        } else {
            printf("%.6e\n", 2.0 * CHAIN * LENGTH * (double) reps * threads / (t1 - t0));
        }
        if (t1 - start >= seconds) {
            break;
        }
    }
    if (!(sink > 0)) {
        fprintf(stderr, "unexpected sink %f\n", sink);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "triad") == 0) {
        return triad(atol(argv[2]), atof(argv[3]));
    }
    if (argc == 3 && strcmp(argv[1], "fma") == 0) {
        return fma_loop(atof(argv[2]));
    }
    fprintf(stderr, "usage: %s triad ELEMENTS SECONDS | fma SECONDS\n", argv[0]);
    return 2;
}
