#ifndef RNNLAB_CFILESYSTEM_H
#define RNNLAB_CFILESYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE): after it, each name
/// refers to what the other did, and no reader ever sees neither. 0 on success, else -1 with
/// errno set (EINVAL or ENOSYS where the file system or kernel cannot exchange).
int rnnlab_exchange(const char *a, const char *b);

/// Takes an exclusive advisory lock on `path` (created if missing, never through a symlink),
/// waiting for it; returns the descriptor to pass to rnnlab_unlock, or -1 with errno set.
int rnnlab_lock(const char *path);
void rnnlab_unlock(int fd);

#endif
