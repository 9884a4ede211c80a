/*
 * Shared by the bench's C loops (fs-write-loop.c, fs-sync-loop.c): a monotonic clock in ns and
 * the one-line summary of a run's per-operation latencies that bench scripts parse.
 */
#ifndef IOCERT_BENCH_OP_TIMING_H
#define IOCERT_BENCH_OP_TIMING_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_OPS 4000000L

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

/* Sorts latency[0..n) and prints: operations per second, mean, p50, p99, p99.9 (ns). */
static void print_summary(int64_t *latency, long n, int64_t elapsed_ns) {
    qsort(latency, n, sizeof(int64_t), by_value);
    double sum = 0;
    for (long i = 0; i < n; i++) {
        sum += latency[i];
    }
    printf("%.0f %.0f %ld %ld %ld\n", n / (elapsed_ns / 1e9), sum / n, (long) latency[n / 2],
           (long) latency[(long) (n * 0.99)], (long) latency[(long) (n * 0.999)]);
}

#endif
