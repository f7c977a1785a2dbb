//! Which process wrote an intent, and whether it still runs: each process that makes changes
//! holds an exclusive lock on a file of its own in `<journal>.owners/` for its lifetime. The
//! lock goes with the process, however it ends (`kill -9` included), so "the lock can be
//! taken" means "its writer has gone" and its unanswered intents may be settled.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// This process's lock; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct OwnerLock {
    id: String,
    path: PathBuf,
    _file: File,
}

impl OwnerLock {
    pub(super) fn take(dir: &Path) -> io::Result<OwnerLock> {
        std::fs::create_dir_all(dir)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // The pid alone could be reused by a later process; with the start time it cannot.
        let id = format!("{}-{nanos}", std::process::id());
        let path = dir.join(format!("{id}.lock"));
        let file = open(&path)?;
        file.try_lock().map_err(|e| match e {
            TryLockError::Error(e) => e,
            TryLockError::WouldBlock => io::Error::other("owner lock taken by another process"),
        })?;
        Ok(OwnerLock {
            id,
            path,
            _file: file,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for OwnerLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn open(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Whether the owner `id` still holds its lock. A missing file means it has gone; a file
/// whose lock can be taken is a leftover of a process that died, and is removed.
pub(super) fn is_alive(dir: &Path, id: &str) -> bool {
    if id.contains(['/', '\\']) || id.starts_with('.') {
        return false;
    }
    let path = dir.join(format!("{id}.lock"));
    let Ok(file) = OpenOptions::new().write(true).open(&path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            drop(file);
            let _ = std::fs::remove_file(&path);
            false
        }
        Err(TryLockError::WouldBlock) => true,
        // Cannot tell: assume it runs, so its changes are never settled behind its back.
        Err(TryLockError::Error(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_is_alive_while_its_lock_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let lock = OwnerLock::take(dir.path()).unwrap();
        let id = lock.id().to_owned();
        assert!(is_alive(dir.path(), &id));
        drop(lock);
        assert!(!is_alive(dir.path(), &id));
        assert!(!is_alive(dir.path(), "4242-1"), "never seen");
        assert!(!is_alive(dir.path(), "../x"));
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_not_alive() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("77-1.lock"), "").unwrap();
        assert!(!is_alive(dir.path(), "77-1"));
        assert!(!dir.path().join("77-1.lock").exists(), "removed");
    }
}
