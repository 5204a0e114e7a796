/* The gethostname() shim every MPI rank loads through LD_PRELOAD (see README.md, "Multi-host
 * jobs").
 *
 * mpirun starts ranks on hosts whose kernel host name is whatever the platform gave the
 * container, while the job's configuration, peer lists and user code speak of algo-N. The
 * rank wrapper (`train --mpi-rank`) sets SM_CURRENT_HOST to the rank's own algo-N before it
 * execs the program, so answering from that variable makes gethostname() and uname() agree
 * with SM_CURRENT_HOST, as under the reference toolkit, which ships a shim for the same
 * reason. Without the variable (any process that is not a rank) the real calls answer.
 *
 * Plain C with no dependency beyond libc: it is loaded into every process of every rank,
 * Python interpreters included, so it must cost nothing and never fail. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

typedef int (*GethostnameFunction)(char*, size_t);
typedef int (*UnameFunction)(struct utsname*);

/* The next definition of a libc function, past this library. POSIX guarantees that dlsym's
 * object pointer holds a function's address; copying it avoids a cast ISO C rejects. */
static GethostnameFunction next_gethostname(void) {
    GethostnameFunction function = NULL;
    void* symbol = dlsym(RTLD_NEXT, "gethostname");
    if (symbol != NULL) memcpy(&function, &symbol, sizeof function);
    return function;
}

static UnameFunction next_uname(void) {
    UnameFunction function = NULL;
    void* symbol = dlsym(RTLD_NEXT, "uname");
    if (symbol != NULL) memcpy(&function, &symbol, sizeof function);
    return function;
}

static const char* configured_host(void) {
    const char* host = getenv("SM_CURRENT_HOST");
    return host != NULL && host[0] != '\0' ? host : NULL;
}

__attribute__((visibility("default"))) int gethostname(char* name, size_t len) {
    const char* host = configured_host();
    if (host == NULL) {
        /* Looked up on each call rather than cached: the call is rare, and no static state
         * means nothing to get wrong across fork or threads. */
        GethostnameFunction real = next_gethostname();
        if (real == NULL) {
            errno = ENOSYS;
            return -1;
        }
        return real(name, len);
    }
    /* glibc's contract for a buffer that is too small: copy what fits (unterminated), then
     * fail with ENAMETOOLONG, so callers that retry with a bigger buffer behave the same. */
    const size_t needed = strlen(host) + 1;
    if (len > 0) memcpy(name, host, len < needed ? len : needed);
    if (needed > len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

__attribute__((visibility("default"))) int uname(struct utsname* buf) {
    UnameFunction real = next_uname();
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    const int result = real(buf);
    const char* host = configured_host();
    /* A name longer than nodename can hold is left to the kernel: truncated it would name a
     * different host. */
    if (result == 0 && host != NULL && strlen(host) < sizeof buf->nodename) {
        strcpy(buf->nodename, host);
    }
    return result;
}
