//! Files written atomically and durably: the content goes to a temporary file in the same
//! folder, which is fsynced, renamed over the target and the folder fsynced. A crash or an
//! error leaves either the old file or the new one, never a torn one, and no temporary file.
//!
//! [`AtomicFile`] streams (a snapshot of a large pool is written as it is listed);
//! [`write_atomic`] and [`write_atomic_private`] write bytes already in memory. Used by the
//! local endpoint's state file, merge snapshots and pool snapshots.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Who may read the file once written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The process's umask decides (e.g. 0644).
    Default,
    /// Mode 0600: only the owner (the file holds personal data).
    Private,
}

/// A file being written: write to it, then [`AtomicFile::commit`]. Dropped without a commit,
/// it removes its temporary file and leaves the target as it was.
pub struct AtomicFile {
    target: PathBuf,
    dir: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file beside `target` (whose folder must exist).
    pub fn create(target: &Path, access: Access) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = open_temporary(&tmp, access)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            dir,
            tmp,
            out: Some(BufWriter::with_capacity(256 * 1024, file)),
            committed: false,
        })
    }

    /// The target path (for messages).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, fsyncs, renames over the target and fsyncs the folder.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.out.take().expect("committed once");
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        sync_dir(&self.dir)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            drop(self.out.take());
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn open_temporary(tmp: &Path, access: Access) -> io::Result<File> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if access == Access::Private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(tmp)?;
    #[cfg(unix)]
    if access == Access::Private {
        // A leftover temporary file keeps its old mode when opened: set it.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = access;
    Ok(file)
}

/// Writes `bytes` to `path` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_all_as(path, bytes, Access::Default)
}

/// [`write_atomic`] for a file only its owner may read (mode 0600: it holds personal data,
/// like a merge's snapshot).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_all_as(path, bytes, Access::Private)
}

fn write_all_as(path: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    let mut file = AtomicFile::create(path, access)?;
    file.write_all(bytes)?;
    file.commit()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing here; the rename itself is atomic.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            names(dir.path()),
            vec![std::ffi::OsString::from("state.json")]
        );
    }

    #[test]
    fn atomic_write_into_a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("state.json");
        assert!(write_atomic(&path, b"x").is_err());
    }

    #[test]
    fn a_file_dropped_before_its_commit_leaves_the_old_content_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snap.jsonl");
        write_atomic(&path, b"old").unwrap();
        let mut file = AtomicFile::create(&path, Access::Private).unwrap();
        file.write_all(b"half of the new").unwrap();
        file.flush().unwrap();
        assert_eq!(
            names(dir.path()).len(),
            2,
            "the temporary file is beside it"
        );
        drop(file);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(
            names(dir.path()),
            vec![std::ffi::OsString::from("snap.jsonl")]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_mode_0600_even_over_a_readable_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snap.jsonl");
        write_atomic(&path, b"readable").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let mut file = AtomicFile::create(&path, Access::Private).unwrap();
        file.write_all(b"private").unwrap();
        file.commit().unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(fs::read(&path).unwrap(), b"private");
    }
}
