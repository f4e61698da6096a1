#ifndef ALTV_DEV_PROCESS_SPAWN_H
#define ALTV_DEV_PROCESS_SPAWN_H
#include <sys/types.h>

/// Starts `argv` with the given standard streams, in a new session (its own process group) when
/// `new_session` is non-zero. Signal dispositions and the mask are reset to defaults; every other
/// descriptor is closed. Returns 0 or an errno value.
int altv_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[],
               const char *cwd, int stdin_fd, int stdout_fd, int stderr_fd, int new_session);

/// Makes orphaned descendants re-parent to this process, so they can be reaped here.
int altv_become_subreaper(void);

/// pipe2(fds, O_CLOEXEC): a pipe no child inherits by accident.
int altv_pipe_cloexec(int fds[2]);

/// accept4(listener, NULL, NULL, SOCK_CLOEXEC): a connection no child inherits.
int altv_accept_cloexec(int listener);

/// The user id of the process at the other end of a Unix socket (SO_PEERCRED); -1 when unknown.
long long altv_peer_uid(int connection);

#include <stddef.h>

/// memmem: whether `needle` occurs in `haystack` (GNU, so not visible to Swift's Glibc module).
int altv_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
int altv_contains_rare_first(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// A pseudo-terminal pair with echo off (the test harness types into `primary`; a child reads
/// `replica` as a terminal). Both close-on-exec. Returns 0 or an errno value.
int altv_open_terminal(int *primary, int *replica);
/// A pseudo-terminal for a child's output: echo off, no output processing (a `\n` stays `\n`, no
/// `\r` added), `rows` x `columns`. The child writes to `replica` and sees a terminal (so C stdio
/// flushes every line); this side reads `primary`. Both close-on-exec. Returns 0 or an errno value.
int altv_open_output_terminal(int *primary, int *replica, unsigned short rows, unsigned short columns);

/// Sets the window size of the terminal behind `descriptor`; 0 or an errno value.
int altv_set_window_size(int descriptor, unsigned short rows, unsigned short columns);

/// The window size of the terminal behind `descriptor`; 0 (and both set) or an errno value.
int altv_window_size(int descriptor, unsigned short *rows, unsigned short *columns);

/// fwrite to C's `stdout` and fflush it: output buffered as C stdio buffers it (a line at a time on
/// a terminal, blocks on a pipe), for the simulated server.
size_t altv_stdio_write(const void *bytes, size_t count);
int altv_stdio_flush(void);

/// Installs a handler for each of `signals` (process-wide, at once: no moment in which they are
/// ignored) that writes the signal's number as one byte to a pipe; returns the pipe's read end, or -1.
int altv_signals_to_pipe(const int *signals, int count);

// Names the calling thread (15 bytes kept), for ps -L and debuggers.
int altv_name_this_thread(const char *name);

/// statfs(2)'s f_type (the file system's magic number) of `path`; 0 and errno set on failure.
unsigned long altv_file_system_type(const char *path);

#endif
