// Stands in for node_modules/.bin/pagefind in the corpus folders of bench/deep.sh, which compiles
// it as a program named `pagefind`: samplan then starts it as it starts Pagefind's own binary
// (directly, without the guard process it gives a script), and it starts Pagefind's program
// ($BENCH_PAGEFIND_BIN) and waits for it. Adds to $BENCH_PAGEFIND_LOG.parent the resident memory
// of the process that started it (samplan, waiting for Pagefind while holding its memory) as
// "rss_kib hwm_kib", and to $BENCH_PAGEFIND_LOG Pagefind's "wall user system peak_kib", a line
// each per run (samplan runs it once per part of the search index). Costs a fork and an exec of
// its own per run (a bash stand-in with /usr/bin/time cost some 15-20 ms each). Outside a
// benchmark run (those variables unset), simply Pagefind (FALLBACK, set when it is compiled).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FALLBACK
#define FALLBACK "pagefind"
#endif

int main(int argc, char** argv) {
    (void)argc;
    const char* bin = getenv("BENCH_PAGEFIND_BIN");
    const char* log = getenv("BENCH_PAGEFIND_LOG");
    if (!bin || !*bin || !log || !*log) {
        argv[0] = (char*)FALLBACK;
        execvp(FALLBACK, argv);
        perror(FALLBACK);
        return 127;
    }
    char path[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)getppid());
    long rss = 0, hwm = 0;
    FILE* status = fopen(path, "r");
    if (status) {
        char line[256];
        while (fgets(line, sizeof line, status)) {
            sscanf(line, "VmRSS: %ld", &rss);
            sscanf(line, "VmHWM: %ld", &hwm);
        }
        fclose(status);
    }
    snprintf(path, sizeof path, "%s.parent", log);
    FILE* parent = fopen(path, "a");
    if (parent) {
        fprintf(parent, "%ld %ld\n", rss, hwm);
        fclose(parent);
    }
    struct timespec began, ended;
    clock_gettime(CLOCK_MONOTONIC, &began);
    const pid_t child = fork();
    if (child < 0) return 127;
    if (child == 0) {
        argv[0] = (char*)bin;
        execv(bin, argv);
        _exit(127);
    }
    int wstatus = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    if (wait4(child, &wstatus, 0, &usage) != child) return 127;
    clock_gettime(CLOCK_MONOTONIC, &ended);
    FILE* out = fopen(log, "a");
    if (out) {
        fprintf(out, "%.3f %.3f %.3f %ld\n",
                (double)(ended.tv_sec - began.tv_sec) + (double)(ended.tv_nsec - began.tv_nsec) / 1e9,
                (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6,
                (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6, usage.ru_maxrss);
        fclose(out);
    }
    if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
    return 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}
