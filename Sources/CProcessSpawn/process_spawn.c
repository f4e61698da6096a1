#define _GNU_SOURCE
#include <sys/socket.h>
#include "process_spawn.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <stdlib.h>
#include <errno.h>
#include <pthread.h>
#include <termios.h>
#include <sys/vfs.h>
#include <sys/ioctl.h>
#include <stdio.h>

int altv_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[],
               const char *cwd, int stdin_fd, int stdout_fd, int stderr_fd, int new_session) {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    int rc = posix_spawnattr_init(&attr);
    if (rc != 0) return rc;
    rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) { posix_spawnattr_destroy(&attr); return rc; }

    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    // A new session: the child leads its own process group, so a stop reaches all it starts.
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (new_session) flags |= POSIX_SPAWN_SETSID;
    rc = posix_spawnattr_setflags(&attr, flags);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (rc == 0 && cwd != NULL) rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);
    if (rc == 0) rc = posix_spawnp(pid, file, &actions, &attr, argv, envp);

    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

int altv_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int altv_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int altv_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length) != NULL;
}

/* The same, by memchr on the needle's first byte: several times memmem's speed where that byte is
   rare in the text ('E' of "Error" in log lines), as memchr is vectorised and memmem is not. */
int altv_contains_rare_first(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (needle_length == 0) return 1;
    const unsigned char *cursor = haystack, *first = needle;
    size_t left = haystack_length;
    while (left >= needle_length) {
        const unsigned char *found = memchr(cursor, first[0], left - needle_length + 1);
        if (found == NULL) return 0;
        if (memcmp(found, first, needle_length) == 0) return 1;
        left -= (size_t)(found + 1 - cursor);
        cursor = found + 1;
    }
    return 0;
}

int altv_open_terminal(int *primary, int *replica) {
    int p = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p < 0) return errno;
    if (grantpt(p) != 0 || unlockpt(p) != 0) { int e = errno; close(p); return e; }
    const char *name = ptsname(p);
    int r = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (r < 0) { int e = errno; close(p); return e; }
    struct termios settings;
    if (tcgetattr(r, &settings) == 0) {
        settings.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(r, TCSANOW, &settings);
    }
    *primary = p;
    *replica = r;
    return 0;
}

int altv_open_output_terminal(int *primary, int *replica, unsigned short rows, unsigned short columns) {
    int rc = altv_open_terminal(primary, replica);
    if (rc != 0) return rc;
    struct termios settings;
    if (tcgetattr(*replica, &settings) == 0) {
        settings.c_oflag &= ~(tcflag_t)OPOST;
        settings.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        tcsetattr(*replica, TCSANOW, &settings);
    }
    altv_set_window_size(*primary, rows, columns);
    return 0;
}

int altv_set_window_size(int descriptor, unsigned short rows, unsigned short columns) {
    struct winsize size = {.ws_row = rows, .ws_col = columns};
    return ioctl(descriptor, TIOCSWINSZ, &size) == 0 ? 0 : errno;
}

int altv_window_size(int descriptor, unsigned short *rows, unsigned short *columns) {
    struct winsize size;
    if (ioctl(descriptor, TIOCGWINSZ, &size) != 0) return errno;
    if (size.ws_row == 0 || size.ws_col == 0) return EINVAL;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

unsigned long altv_file_system_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return 0;
    return (unsigned long)info.f_type;
}

int altv_name_this_thread(const char *name) {
    char shortened[16];
    strncpy(shortened, name, sizeof shortened - 1);
    shortened[sizeof shortened - 1] = '\0';
    return pthread_setname_np(pthread_self(), shortened);
}

size_t altv_stdio_write(const void *bytes, size_t count) {
    return fwrite(bytes, 1, count, stdout);
}

int altv_stdio_flush(void) {
    return fflush(stdout);
}

static int altv_signal_write_end = -1;

static void altv_signal_to_pipe(int signal) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal;
    ssize_t written = write(altv_signal_write_end, &byte, 1);
    (void)written;
    errno = saved;
}

int altv_signals_to_pipe(const int *signals, int count) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    altv_signal_write_end = fds[1];
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = altv_signal_to_pipe;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int i = 0; i < count; i++) sigaction(signals[i], &action, NULL);
    return fds[0];
}

int altv_accept_cloexec(int listener) { return accept4(listener, NULL, NULL, SOCK_CLOEXEC); }

long long altv_peer_uid(int connection) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    return (long long)credentials.uid;
}
