#ifndef RNNLAB_CTERMINAL_H
#define RNNLAB_CTERMINAL_H

/* The terminal for `rnnlab step`: raw keys on the alternate screen, and the terminal given back
   as it was on quit, on an error, and on SIGINT, SIGTERM, SIGHUP and SIGQUIT (the handler
   restores it, then lets the signal end the process as it would have). */

/* Enters raw mode and the alternate screen; 0 on success, -1 when standard input or output is
   not a terminal. */
int rnnlab_term_enter(void);
/* Restores the terminal (safe to call twice). */
void rnnlab_term_leave(void);
/* The terminal's size; 0 on success. */
int rnnlab_term_size(int *rows, int *cols);
/* 1 once after each SIGWINCH (the terminal was resized), else 0. */
int rnnlab_term_take_resize(void);
/* Waits up to timeout_ms for input and reads what is there (at most cap bytes): the count,
   0 on a timeout or an interrupted wait, -1 at the end of input. */
int rnnlab_term_read(unsigned char *buffer, int cap, int timeout_ms);
/* Writes all of buffer to standard output; 0 on success. */
int rnnlab_term_write(const char *buffer, int length);

#endif
