/*
 * The floor for random 4 KiB O_DIRECT writes from one thread: pwrite at uniformly random
 * 4 KiB-aligned offsets of an existing file for SECONDS, each call timed with CLOCK_MONOTONIC.
 * Prints one line: IOPS, then mean, p50, p99 and p99.9 latency in ns.
 * Used by bench/fs-randwrite-anatomy.sh.
 *
 *   fs-write-loop FILE SECONDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "op-timing.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s FILE SECONDS\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_WRONLY | O_DIRECT);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 2;
    }
    uint64_t blocks = (uint64_t) st.st_size / 4096;
    int64_t seconds = atol(argv[2]);
    void *buf;
    if (posix_memalign(&buf, 4096, 4096) != 0) {
        return 2;
    }
    int64_t *latency = malloc(sizeof(int64_t) * MAX_OPS);
    long n = 0;
    uint64_t x = 0x2545F4914F6CDD1DULL;
    int64_t start = now_ns(), end = start + seconds * 1000000000LL, t = start;
    while (t < end && n < MAX_OPS) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        off_t offset = (off_t) (x % blocks) * 4096;
        for (int k = 0; k < 4096; k += 512) {
            *(uint64_t *) ((char *) buf + k) = x + k;
        }
        int64_t t0 = now_ns();
        if (pwrite(fd, buf, 4096, offset) != 4096) {
            perror("pwrite");
            return 1;
        }
        t = now_ns();
        latency[n++] = t - t0;
    }
    print_summary(latency, n, t - start);
    return 0;
}
