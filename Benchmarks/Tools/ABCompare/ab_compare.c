// Runs one throughput stream of two builds of the emulator in one process, turn and turn about,
// so that both see the same machine: on a shared host whose speed drifts from second to second,
// slices taken a few milliseconds apart are comparable where separate processes are not.
//
//   ab_compare A.so B.so STREAM MODE ROUNDS INSTRUCTIONS ORDER
//
// A and B are copies of libThroughputProbe.so from the two builds; ORDER is "ab" or "ba", the
// order they are loaded in (the library loaded second can run a little slower or faster for where
// it and its memory land, so Benchmarks/ab-compare.sh runs both orders). Each round runs
// INSTRUCTIONS guest instructions of A's stream and of B's, in an order that alternates from round
// to round, and prints one line: A's nanoseconds, then B's.
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *(*open_fn)(const char *, const char *, char *, long);
typedef int64_t (*run_fn)(void *, uint64_t);
typedef void (*close_fn)(void *);

struct side {
    const char *path;
    run_fn run;
    close_fn close;
    void *stream;
};

static int load(struct side *side, const char *stream, const char *mode) {
    // RTLD_LOCAL: the second copy's references bind to its own emulator, not the first's.
    void *library = dlopen(side->path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "ab_compare: cannot load %s: %s\n", side->path, dlerror());
        return 0;
    }
    open_fn open_stream = (open_fn)dlsym(library, "pb_stream_open");
    side->run = (run_fn)dlsym(library, "pb_stream_run");
    side->close = (close_fn)dlsym(library, "pb_stream_close");
    if (!open_stream || !side->run || !side->close) {
        fprintf(stderr, "ab_compare: %s is not a ThroughputProbe library (no pb_stream_open/run/close)\n", side->path);
        return 0;
    }
    char error[512] = "";
    side->stream = open_stream(stream, mode, error, sizeof error);
    if (!side->stream) {
        fprintf(stderr, "ab_compare: %s: %s\n", side->path, error);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 8 || (strcmp(argv[7], "ab") && strcmp(argv[7], "ba"))) {
        fprintf(stderr, "usage: ab_compare A.so B.so STREAM MODE ROUNDS INSTRUCTIONS ab|ba\n");
        return 64;
    }
    struct side sides[2] = {{argv[1], 0, 0, 0}, {argv[2], 0, 0, 0}};
    int rounds = atoi(argv[5]);
    uint64_t instructions = strtoull(argv[6], 0, 10);
    if (rounds < 1 || instructions < 1) {
        fprintf(stderr, "ab_compare: ROUNDS and INSTRUCTIONS must be positive whole numbers\n");
        return 64;
    }
    int first = argv[7][0] == 'b';
    if (!load(&sides[first], argv[3], argv[4]) || !load(&sides[1 - first], argv[3], argv[4])) return 1;

    for (int round = 0; round < rounds; round++) {
        int64_t nanoseconds[2];
        for (int turn = 0; turn < 2; turn++) {
            int i = (round + turn) & 1;
            nanoseconds[i] = sides[i].run(sides[i].stream, instructions);
            if (nanoseconds[i] < 0) {
                fprintf(stderr, "ab_compare: %s: the stream stopped early\n", sides[i].path);
                return 1;
            }
        }
        printf("%lld %lld\n", (long long)nanoseconds[0], (long long)nanoseconds[1]);
    }
    for (int i = 0; i < 2; i++) sides[i].close(sides[i].stream);
    return 0;
}
