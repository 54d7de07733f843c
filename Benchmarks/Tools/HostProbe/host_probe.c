// What the host gives a single thread right now, for reading throughput figures beside: a chain of
// dependent additions (one per cycle on any current core, so its rate is the clock) and four
// independent chains (how many additions per cycle the core's integer units retire for this
// thread; it falls when another thread shares the physical core). See Benchmarks/host-probe.sh.
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#if defined(__x86_64__)
#define ADD1(r) "add $1, %" #r "\n\t"
#elif defined(__aarch64__)
#define ADD1(r) "add %" #r ", %" #r ", #1\n\t"
#else
#error "host_probe.c: x86_64 or aarch64 only"
#endif
#define DEP8 ADD1(0) ADD1(0) ADD1(0) ADD1(0) ADD1(0) ADD1(0) ADD1(0) ADD1(0)
#define DEP64 DEP8 DEP8 DEP8 DEP8 DEP8 DEP8 DEP8 DEP8
#define IND4 ADD1(0) ADD1(1) ADD1(2) ADD1(3)
#define IND16 IND4 IND4 IND4 IND4
#define IND64 IND16 IND16 IND16 IND16

int main(void) {
    const uint64_t additions = 400000000;
    uint64_t x = 0, a = 0, b = 0, c = 0, d = 0;
    double start = seconds();
    for (uint64_t i = 0; i < additions; i += 64) __asm__ volatile(DEP64 : "+r"(x));
    double dependent = seconds() - start;
    start = seconds();
    for (uint64_t i = 0; i < additions; i += 64) __asm__ volatile(IND64 : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    double independent = seconds() - start;
    printf("clock %.2f GHz (dependent additions), %.2f additions per cycle in four chains\n",
           (double)additions / dependent * 1e-9, dependent / independent);
    // The chains' sums, so that they count as used.
    volatile uint64_t sink = x + a + b + c + d;
    (void)sink;
    return 0;
}
