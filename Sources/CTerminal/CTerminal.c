#define _GNU_SOURCE
#include "CTerminal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;
static volatile sig_atomic_t active = 0;
static volatile sig_atomic_t resized = 0;
static const char leave_sequence[] = "\033[0m\033[?25h\033[?1049l";
static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void restore(void) {
    if (!active) return;
    active = 0;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    /* write(2) is async-signal-safe; the count is fixed. */
    ssize_t ignored = write(STDOUT_FILENO, leave_sequence, sizeof leave_sequence - 1);
    (void)ignored;
}

static void on_signal(int sig) {
    restore();
    /* End the process as the signal would have: default action, then raise it again. */
    signal(sig, SIG_DFL);
    raise(sig);
}

static struct termios raw_settings;
static const char enter_sequence[] = "\033[?1049h\033[?25l\033[H\033[2J";

/* Ctrl-Z: give the terminal back, stop; on `fg`, take it again and ask for a redraw. */
static void on_stop(int sig) {
    (void)sig;
    int was = active;
    restore();
    signal(SIGTSTP, SIG_DFL);
    /* The handler runs with SIGTSTP blocked: unblock it so the stop happens here. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGTSTP);
    /* Continued (fg). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTSTP, &sa, NULL);
    if (was) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_settings);
        ssize_t ignored = write(STDOUT_FILENO, enter_sequence, sizeof enter_sequence - 1);
        (void)ignored;
        active = 1;
        resized = 1;
    }
}

static void on_resize(int sig) {
    (void)sig;
    resized = 1;
}

int rnnlab_term_enter(void) {
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) return -1;
    if (tcgetattr(STDIN_FILENO, &saved) != 0) return -1;
    struct termios raw = saved;
    /* Keys one by one, no echo; ISIG stays on, so Ctrl-C is SIGINT and restores the terminal. */
    raw.c_lflag &= ~(ICANON | ECHO | IEXTEN);
    raw.c_iflag &= ~(IXON | ICRNL);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) != 0) return -1;
    raw_settings = raw;
    active = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (unsigned k = 0; k < sizeof caught / sizeof caught[0]; k++) sigaction(caught[k], &sa, NULL);
    struct sigaction wa;
    memset(&wa, 0, sizeof wa);
    wa.sa_handler = on_resize;
    sigemptyset(&wa.sa_mask);
    sigaction(SIGWINCH, &wa, NULL);
    struct sigaction ta;
    memset(&ta, 0, sizeof ta);
    ta.sa_handler = on_stop;
    sigemptyset(&ta.sa_mask);
    sigaction(SIGTSTP, &ta, NULL);
    return rnnlab_term_write(enter_sequence, sizeof enter_sequence - 1);
}

void rnnlab_term_leave(void) {
    restore();
    for (unsigned k = 0; k < sizeof caught / sizeof caught[0]; k++) signal(caught[k], SIG_DFL);
    signal(SIGWINCH, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
}

int rnnlab_term_size(int *rows, int *cols) {
    struct winsize w;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) != 0 || w.ws_row == 0 || w.ws_col == 0) return -1;
    *rows = w.ws_row;
    *cols = w.ws_col;
    return 0;
}

int rnnlab_term_take_resize(void) {
    if (!resized) return 0;
    resized = 0;
    return 1;
}

int rnnlab_term_read(unsigned char *buffer, int cap, int timeout_ms) {
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    int ready = poll(&p, 1, timeout_ms);
    if (ready <= 0) return 0;
    ssize_t n = read(STDIN_FILENO, buffer, (size_t)cap);
    if (n < 0) return errno == EINTR || errno == EAGAIN ? 0 : -1;
    return n == 0 ? -1 : (int)n;
}

int rnnlab_term_write(const char *buffer, int length) {
    while (length > 0) {
        ssize_t n = write(STDOUT_FILENO, buffer, (size_t)length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buffer += n;
        length -= (int)n;
    }
    return 0;
}
