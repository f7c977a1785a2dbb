//! The cache directory as `coglink cache list` and `coglink cache clear` see it: coglink's
//! cache files (and the temporary files of writes that were cut short), nothing else.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{is_cache_file, pool_part, pool_part_of};
use crate::snapshot::format::parse_line;
use crate::snapshot::{Record, open};

/// One cache file, as `cache list` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub path: PathBuf,
    /// From the header; the file's name when the header cannot be read.
    pub pool_id: String,
    /// When its listing started (ISO 8601), from the header.
    pub taken_at: Option<String>,
    /// From the end record; `None` for a file that is not complete (it is not used).
    pub users: Option<u64>,
    pub bytes: u64,
    /// Why the file would not be used, if it would not.
    pub problem: Option<String>,
}

/// The cache files in `dir` (none when it does not exist), by name.
pub fn cache_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_file() && (is_cache_file(&path) || is_leftover(&path)) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A temporary file of a cache write that did not finish (`.<cache file>.tmp-<pid>`).
fn is_leftover(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix('.'))
        .and_then(|n| n.rsplit_once(".tmp-"))
        .is_some_and(|(name, pid)| {
            pool_part_of(name).is_some()
                && !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
        })
}

/// The cache file's pool part (a leftover's too).
fn pool_part_of_path(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    let name = match name.strip_prefix('.').and_then(|n| n.rsplit_once(".tmp-")) {
        Some((name, _)) => name,
        None => name,
    };
    pool_part_of(name)
}

/// Removes coglink's cache files in `dir` (those of `pool_id` only, when given); returns
/// the paths removed.
pub fn clear(dir: &Path, pool_id: Option<&str>) -> io::Result<Vec<PathBuf>> {
    let wanted = pool_id.map(pool_part);
    let mut removed = Vec::new();
    for path in cache_files(dir)? {
        if let Some(wanted) = &wanted
            && pool_part_of_path(&path) != Some(wanted.as_str())
        {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    }
    Ok(removed)
}

/// What `path` holds, from its first and last lines (the users are not read).
pub fn summary(path: &Path) -> Summary {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let from_name = || pool_part_of_path(path).unwrap_or("?").to_owned();
    let mut summary = Summary {
        path: path.to_path_buf(),
        pool_id: from_name(),
        taken_at: None,
        users: None,
        bytes,
        problem: None,
    };
    if is_leftover(path) {
        summary.problem = Some("a write that did not finish".into());
        return summary;
    }
    match open(path) {
        Ok(reader) => {
            summary.pool_id = reader.header.pool_id.clone();
            summary.taken_at = Some(reader.header.taken_at.clone());
        }
        Err(e) => {
            summary.problem = Some(e.reason);
            return summary;
        }
    }
    match last_line(path).map(|l| parse_line(&l)) {
        Ok(Ok(Record::End(end))) => summary.users = Some(end.users),
        _ => summary.problem = Some("no end record: incomplete, not used".into()),
    }
    summary
}

/// The last line of a file (an end record is short: the last 4 KiB hold it).
pub(super) fn last_line(path: &Path) -> io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(4096)))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let tail = String::from_utf8_lossy(&tail);
    Ok(tail
        .trim_end_matches(['\n', '\r'])
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::store::{Writer, user_line};
    use crate::domain::UserRecord;
    use crate::snapshot::Header;

    const ID: &str = "0123456789abcdef";

    fn cache(dir: &Path, pool: &str, users: usize) -> PathBuf {
        let path = dir.join(crate::cache::file_name(pool, ID));
        let header = Header::new(pool, None, None, None, "2026-01-02T03:04:05Z".into());
        let mut w = Writer::create(&path, &header).unwrap();
        for i in 0..users {
            let u = UserRecord::new(
                format!("u{i}"),
                "CONFIRMED".into(),
                true,
                vec![],
                None,
                None,
            );
            w.user(&user_line(&u).1).unwrap();
        }
        w.commit().unwrap();
        path
    }

    #[test]
    fn clear_removes_cache_files_and_leftovers_only_and_one_pool_s_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        assert!(clear(&dir.path().join("none"), None).unwrap().is_empty());
        let a = cache(dir.path(), "us-east-1_A", 1);
        let b = cache(dir.path(), "us-east-1_B", 2);
        let leftover = dir.path().join(format!(".us-east-1_A-{ID}.jsonl.tmp-123"));
        std::fs::write(&leftover, "x").unwrap();
        let mine = dir.path().join("notes.txt");
        std::fs::write(&mine, "keep me").unwrap();
        assert_eq!(
            clear(dir.path(), Some("us-east-1_A")).unwrap(),
            vec![leftover.clone(), a.clone()]
        );
        assert!(b.exists() && mine.exists());
        assert_eq!(clear(dir.path(), None).unwrap(), vec![b]);
        assert!(mine.exists());
        assert!(clear(dir.path(), None).unwrap().is_empty());
    }

    #[test]
    fn a_summary_reads_the_header_and_the_end_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = cache(dir.path(), "us-east-1_A", 3);
        let s = summary(&path);
        assert_eq!(s.pool_id, "us-east-1_A");
        assert_eq!(s.taken_at.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(s.users, Some(3));
        assert_eq!(s.problem, None);
        assert!(s.bytes > 0);
        let text = std::fs::read_to_string(&path).unwrap();
        let cut = text.lines().take(2).collect::<Vec<_>>().join("\n");
        std::fs::write(&path, cut).unwrap();
        let s = summary(&path);
        assert_eq!(s.users, None);
        assert_eq!(
            s.problem.as_deref(),
            Some("no end record: incomplete, not used")
        );
        std::fs::write(&path, "junk").unwrap();
        assert!(
            summary(&path)
                .problem
                .unwrap()
                .contains("not a coglink snapshot")
        );
    }
}
