//! Cache files on disk: read (whole or not at all), written as a listing streams, rewritten
//! with the users a session changed. Blocking I/O: the TUI's worker runs these on a thread
//! of their own.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::atomic_file::{Access, AtomicFile};
use crate::domain::UserRecord;
use crate::snapshot::format::{EndEntry, parse_line, to_line};
use crate::snapshot::{FileLines, Header, JsonLines, Record, UserEntry, UserIndex, open};

/// A cache file read and checked: its header, how many users it gave, and what a refresh
/// compares with.
#[derive(Debug)]
pub struct Opening {
    pub header: Header,
    pub users: usize,
    pub baseline: UserIndex,
    /// The file, open, for the lines a refresh reads again (still readable once a new file
    /// has been renamed over it).
    pub lines: FileLines,
}

/// The cache file at `path` for `pool_id`, its users handed to `each` in chunks of `chunk`
/// (the first call, with none, comes as soon as the header is checked), so a table fills at
/// once whatever the pool's size. `Ok(None)` when there is no file. An error (the file and
/// line, and why) when it is not a complete cache of this pool: before any call of `each`
/// for a file cut short (no end record), of another format version or of another pool; after
/// some, for a line that is not a record in the middle of the file, in which case what `each`
/// was given must not be used. `each` may stop the reading with an error of its own.
pub fn read(
    path: &Path,
    pool_id: &str,
    chunk: usize,
    mut each: impl FnMut(&Header, Vec<UserRecord>) -> Result<(), String>,
) -> Result<Option<Opening>, String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let reader = open(path).map_err(|e| e.to_string())?;
    if reader.header.pool_id != pool_id {
        return Err(format!(
            "{}: holds pool {:?}, not {pool_id:?}",
            path.display(),
            reader.header.pool_id
        ));
    }
    // A file cut short is refused before its first user is given out.
    let ends = super::files::last_line(path)
        .ok()
        .is_some_and(|l| matches!(parse_line(&l), Ok(Record::End(_))));
    if !ends {
        return Err(format!(
            "{}: no end record: the cache is incomplete (its listing was cut short)",
            path.display()
        ));
    }
    let header = reader.header.clone();
    let mut lines = FileLines::open(path).map_err(|e| e.to_string())?;
    let mut baseline = UserIndex::default();
    let mut users = Vec::with_capacity(chunk);
    let mut count = 0;
    each(&header, Vec::new())?;
    reader
        .read_records(|record, line, at| {
            if let Record::User(entry) = record {
                baseline.add(&entry.username, line, at);
                users.push(entry.to_user());
                count += 1;
                if users.len() == chunk {
                    each(
                        &header,
                        std::mem::replace(&mut users, Vec::with_capacity(chunk)),
                    )?;
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    if !users.is_empty() {
        each(&header, users)?;
    }
    baseline
        .seal(&mut lines)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(Opening {
        header,
        users: count,
        baseline,
        lines,
    }))
}

/// How long ago `taken_at` (ISO 8601 UTC) was, by `now` (epoch seconds); zero for a time
/// that cannot be read or is ahead.
pub fn age(taken_at: &str, now: f64) -> Duration {
    use aws_smithy_types::date_time::{DateTime, Format};
    DateTime::from_str(taken_at, Format::DateTime)
        .ok()
        .map(|t| Duration::from_secs_f64((now - t.as_secs_f64()).max(0.0)))
        .unwrap_or_default()
}

/// Creates the cache directory (mode 0700: the files hold personal data).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A cache file being written as the pool is listed: committed whole (renamed over the old
/// one) by [`Writer::commit`], or dropped, leaving the old one.
pub struct Writer {
    out: JsonLines<AtomicFile>,
    counts: EndEntry,
}

impl Writer {
    /// Starts the file at `path` (its directory made if needed) with `header`.
    pub fn create(path: &Path, header: &Header) -> io::Result<Writer> {
        if let Some(dir) = path.parent() {
            create_dir(dir)?;
        }
        let mut out = JsonLines(AtomicFile::create(path, Access::Private)?);
        out.line(&to_line(&Record::Header(header.clone())))?;
        Ok(Writer {
            out,
            counts: EndEntry::default(),
        })
    }

    /// A user's line, as [`user_line`] makes it.
    pub fn user(&mut self, line: &str) -> io::Result<()> {
        self.counts.users += 1;
        self.out.line(line)
    }

    /// Writes the end record and puts the file in place; returns how many users it holds.
    pub fn commit(mut self) -> io::Result<u64> {
        let users = self.counts.users;
        self.out.line(&to_line(&Record::End(self.counts)))?;
        self.out.0.commit()?;
        Ok(users)
    }
}

/// A user's entry and line in a cache file (groups are not listed by the table: none).
pub fn user_line(user: &UserRecord) -> (UserEntry, String) {
    let entry = UserEntry::of(user, Vec::new());
    let line = to_line(&Record::User(entry.clone()));
    (entry, line)
}

/// What a session changed, by username: the user as read back, or `None` when deleted.
pub type Updates = HashMap<String, Option<UserRecord>>;

/// Rewrites the cache file at `path` with `updates` (each user's line replaced, removed, or
/// added before the end record when the file lacks it); `Ok(false)` when there is no file to
/// update. The file is replaced atomically: a reader sees the old one or the new one.
pub fn apply_updates(path: &Path, updates: &Updates) -> Result<bool, String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        _ => {}
    }
    let reader = open(path).map_err(|e| e.to_string())?;
    let failed = |e: io::Error| format!("{}: cannot be rewritten: {e}", path.display());
    let mut out = JsonLines(AtomicFile::create(path, Access::Private).map_err(failed)?);
    out.line(&to_line(&Record::Header(reader.header.clone())))
        .map_err(failed)?;
    let mut counts = EndEntry::default();
    let mut seen = std::collections::HashSet::new();
    let mut write = |out: &mut JsonLines<AtomicFile>, line: &str, record: &Record| {
        match record {
            Record::Provider(_) => counts.providers += 1,
            Record::Group(_) => counts.groups += 1,
            _ => counts.users += 1,
        }
        out.line(line).map_err(|e| e.to_string())
    };
    reader
        .read_records(|record, line, _| {
            let Record::User(entry) = &record else {
                return write(&mut out, line, &record);
            };
            match updates.get(&entry.username) {
                None => write(&mut out, line, &record),
                Some(update) => {
                    seen.insert(entry.username.clone());
                    match update {
                        Some(user) => {
                            let (entry, line) = user_line(user);
                            write(&mut out, &line, &Record::User(entry))
                        }
                        None => Ok(()),
                    }
                }
            }
        })
        .map_err(|e| e.to_string())?;
    for (username, update) in updates {
        if let (false, Some(user)) = (seen.contains(username), update) {
            let (entry, line) = user_line(user);
            write(&mut out, &line, &Record::User(entry))?;
        }
    }
    out.line(&to_line(&Record::End(counts))).map_err(failed)?;
    out.0.commit().map_err(failed)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read whole, for the tests.
    #[derive(Debug)]
    struct Opened {
        header: Header,
        users: Vec<UserRecord>,
        baseline: UserIndex,
    }

    fn read(path: &Path, pool_id: &str) -> Result<Option<Opened>, String> {
        let mut users = Vec::new();
        let mut calls = 0;
        let opening = super::read(path, pool_id, 2, |_, chunk| {
            calls += 1;
            users.extend(chunk);
            Ok(())
        })?;
        Ok(opening.map(|o| {
            assert_eq!(o.users, users.len());
            // The header's call, then chunks of 2.
            assert_eq!(calls, 1 + users.len().div_ceil(2));
            Opened {
                header: o.header,
                users,
                baseline: o.baseline,
            }
        }))
    }

    fn user(name: &str, email: &str) -> UserRecord {
        UserRecord::new(
            name.into(),
            "CONFIRMED".into(),
            true,
            vec![
                ("sub".into(), format!("s-{name}")),
                ("email".into(), email.into()),
            ],
            Some(1_700_000_000.0),
            None,
        )
    }

    fn header() -> Header {
        Header::new(
            "p_1",
            Some("pool".into()),
            None,
            Some("local".into()),
            "t".into(),
        )
    }

    fn write(path: &Path, users: &[UserRecord]) {
        let mut w = Writer::create(path, &header()).unwrap();
        for u in users {
            w.user(&user_line(u).1).unwrap();
        }
        assert_eq!(w.commit().unwrap(), users.len() as u64);
    }

    fn names(opened: &Opened) -> Vec<(String, Option<String>)> {
        opened
            .users
            .iter()
            .map(|u| (u.username().to_owned(), u.email().map(str::to_owned)))
            .collect()
    }

    #[test]
    fn a_file_naming_a_user_twice_is_refused_naming_the_user() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p_1-0123456789abcdef.jsonl");
        write(
            &path,
            &[
                user("ann", "a@x.io"),
                user("bob", "b@x.io"),
                user("ann", "c@x.io"),
            ],
        );
        let err = read(&path, "p_1").unwrap_err();
        assert!(
            err.ends_with("user \"ann\" appears twice: a name is unique in a pool"),
            "{err}"
        );
    }

    #[test]
    fn a_written_file_reads_back_whole_private_in_a_private_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join("coglink")
            .join("p_1-0123456789abcdef.jsonl");
        assert!(read(&path, "p_1").unwrap().is_none(), "no file yet");
        write(&path, &[user("ann", "a@x.io"), user("bob", "b@x.io")]);
        let opened = read(&path, "p_1").unwrap().unwrap();
        assert_eq!(opened.header.pool_name.as_deref(), Some("pool"));
        assert_eq!(
            names(&opened),
            [
                ("ann".to_owned(), Some("a@x.io".to_owned())),
                ("bob".to_owned(), Some("b@x.io".to_owned()))
            ]
        );
        assert_eq!(opened.baseline.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        // Another pool's name for the same file: not used.
        let other = read(&path, "p_2").unwrap_err();
        assert!(
            other.ends_with("holds pool \"p_1\", not \"p_2\""),
            "{other}"
        );
    }

    #[test]
    fn a_file_cut_short_or_of_another_version_is_refused_never_half_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p_1-0123456789abcdef.jsonl");
        write(&path, &[user("ann", "a@x.io"), user("bob", "b@x.io")]);
        let text = std::fs::read_to_string(&path).unwrap();
        let cut: Vec<&str> = text.lines().take(2).collect();
        std::fs::write(&path, cut.join("\n")).unwrap();
        let mut given = 0;
        let e = super::read(&path, "p_1", 1, |_, _| {
            given += 1;
            Ok(())
        })
        .err()
        .unwrap();
        assert!(
            e.ends_with("no end record: the cache is incomplete (its listing was cut short)"),
            "{e}"
        );
        assert_eq!(given, 0, "nothing of a file cut short is given out");
        // A bad line in the middle: found at its line, after what came before it.
        let lines: Vec<&str> = text.lines().collect();
        let broken = [lines[0], lines[1], "{oops", lines[3]].join("\n");
        std::fs::write(&path, broken).unwrap();
        let e = read(&path, "p_1").unwrap_err();
        assert!(e.contains(":3: not a snapshot record"), "{e}");
        let v2 = text.replace(r#""format_version":1"#, r#""format_version":2"#);
        std::fs::write(&path, v2).unwrap();
        let e = read(&path, "p_1").unwrap_err();
        assert!(e.contains("format_version 2"), "{e}");
        std::fs::write(&path, "garbage\n").unwrap();
        let e = read(&path, "p_1").unwrap_err();
        assert!(e.contains("not a coglink snapshot"), "{e}");
    }

    #[test]
    fn a_writer_dropped_before_its_commit_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p_1-0123456789abcdef.jsonl");
        write(&path, &[user("ann", "a@x.io")]);
        let mut w = Writer::create(&path, &header()).unwrap();
        w.user(&user_line(&user("zed", "z@x.io")).1).unwrap();
        drop(w);
        let opened = read(&path, "p_1").unwrap().unwrap();
        assert_eq!(opened.users.len(), 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn updates_replace_remove_and_add_users_and_keep_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p_1-0123456789abcdef.jsonl");
        let mut updates = Updates::new();
        updates.insert("ann".into(), Some(user("ann", "new@x.io")));
        assert!(!apply_updates(&path, &updates).unwrap(), "no file: nothing");
        assert!(!path.exists());
        write(
            &path,
            &[
                user("ann", "a@x.io"),
                user("bob", "b@x.io"),
                user("cid", "c@x.io"),
            ],
        );
        updates.insert("bob".into(), None);
        updates.insert("dan".into(), Some(user("dan", "d@x.io")));
        assert!(apply_updates(&path, &updates).unwrap());
        let opened = read(&path, "p_1").unwrap().unwrap();
        assert_eq!(opened.header, header());
        assert_eq!(
            names(&opened),
            [
                ("ann".to_owned(), Some("new@x.io".to_owned())),
                ("cid".to_owned(), Some("c@x.io".to_owned())),
                ("dan".to_owned(), Some("d@x.io".to_owned())),
            ]
        );
    }

    #[test]
    fn the_age_is_from_the_listing_time() {
        assert_eq!(
            age("2023-11-14T22:13:20Z", 1_700_000_000.0 + 3.0 * 3600.0),
            Duration::from_secs(3 * 3600)
        );
        assert_eq!(age("not a time", 1e9), Duration::ZERO);
        assert_eq!(age("2023-11-14T22:13:20Z", 0.0), Duration::ZERO);
    }
}
