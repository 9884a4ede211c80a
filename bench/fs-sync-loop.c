/*
 * The per-operation floor for a small durable write: one thread appends BLOCK bytes of changing
 * data at the next offset of a fresh file (wrapping to 0 at WRAP_MIB MiB, as iocert's fs.fsync
 * does) and calls fsync(2) or fdatasync(2) after each write; each write + sync pair is timed as
 * one operation with CLOCK_MONOTONIC, so its p99 is the p99 of the pair, which fio's separate
 * write and sync histograms cannot give. Prints: ops/s, mean, p50, p99, p99.9 (ns).
 * Used by bench/fs-sync-vs-fio.sh.
 *
 *   fs-sync-loop FILE SECONDS fsync|fdatasync [BLOCK] [WRAP_MIB]     defaults: 4096 64
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "op-timing.h"

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s FILE SECONDS fsync|fdatasync [BLOCK] [WRAP_MIB]\n", argv[0]);
        return 2;
    }
    int data_only = strcmp(argv[3], "fdatasync") == 0;
    size_t block = argc > 4 ? (size_t) atol(argv[4]) : 4096;
    off_t wrap = (argc > 5 ? atol(argv[5]) : 64) * 1048576L;
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        perror(argv[1]);
        return 2;
    }
    char *buf = malloc(block);
    uint64_t x = 0x2545F4914F6CDD1DULL;
    for (size_t i = 0; i + 8 <= block; i += 8) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        memcpy(buf + i, &x, 8);
    }
    int64_t *latency = malloc(sizeof(int64_t) * MAX_OPS);
    long n = 0;
    off_t offset = 0;
    int64_t start = now_ns(), end = start + atol(argv[2]) * 1000000000LL, t = start;
    while (t < end && n < MAX_OPS) {
        for (size_t k = 0; k + 8 <= block; k += 512) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            memcpy(buf + k, &x, 8);
        }
        int64_t t0 = now_ns();
        if (pwrite(fd, buf, block, offset) != (ssize_t) block || (data_only ? fdatasync(fd) : fsync(fd)) != 0) {
            perror("write+sync");
            return 1;
        }
        t = now_ns();
        latency[n++] = t - t0;
        offset = (offset + (off_t) block) % wrap;
    }
    print_summary(latency, n, t - start);
    close(fd);
    unlink(argv[1]);
    return 0;
}
