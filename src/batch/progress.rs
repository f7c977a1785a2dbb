//! The progress file of a batch run: one JSON line per row outcome, written (and fsynced)
//! as each row finishes, so a run interrupted at any point resumes without repeating a row
//! Cognito answered, nor losing one. A row sent but not answered (crash mid-call) has no
//! line; on resume the planner reads the destination again and sees whether it was linked.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::Recorded;

#[derive(Debug, Serialize, Deserialize)]
struct Line {
    key: String,
    line: usize,
    outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("progress file {path}: {source}")]
pub struct ProgressError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// An append-only progress file.
#[derive(Debug)]
pub struct ProgressLog {
    path: PathBuf,
    file: File,
}

/// The default progress file of a batch file: `<file>.progress.jsonl` beside it.
pub fn default_path(batch_file: &Path) -> PathBuf {
    let mut name = batch_file.file_name().unwrap_or_default().to_os_string();
    name.push(".progress.jsonl");
    batch_file.with_file_name(name)
}

/// Cuts a last line that has no newline (a write cut short), so the next line starts clean.
fn drop_torn_tail(path: &Path, file: &File) -> std::io::Result<()> {
    let bytes = std::fs::read(path)?;
    if bytes.last().is_some_and(|&b| b != b'\n') {
        let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        file.set_len(keep as u64)?;
        file.sync_data()?;
    }
    Ok(())
}

impl ProgressError {
    /// Another run holds the file.
    pub fn is_busy(&self) -> bool {
        self.source.kind() == std::io::ErrorKind::WouldBlock
    }
}

impl ProgressLog {
    /// Opens (creating) the file, locked for this run, and returns it with the outcomes
    /// recorded so far. A torn last line (crash mid-write) is ignored: that row is re-checked
    /// by the planner. A file another run holds is refused ([`ProgressError::is_busy`]).
    pub fn open(path: &Path) -> Result<(ProgressLog, HashMap<String, Recorded>), ProgressError> {
        let err = |source| ProgressError {
            path: path.to_owned(),
            source,
        };
        // Mode 0600 like the journal: its keys name users and their identities.
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(path).map_err(err)?;
        // One run per progress file: two runs of one batch would both send every row.
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(err(std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "another coglink batch is running with this progress file; wait for it \
                     to finish (a second run would send its rows again)",
                )));
            }
            Err(TryLockError::Error(e)) => return Err(err(e)),
        }
        let mut recorded = HashMap::new();
        let reader = BufReader::new(File::open(path).map_err(err)?);
        for line in reader.lines() {
            let line = line.map_err(err)?;
            let Ok(entry) = serde_json::from_str::<Line>(&line) else {
                continue;
            };
            let outcome = match entry.outcome.as_str() {
                "linked" => Recorded::Linked,
                "refused" => Recorded::Refused {
                    code: entry.code.unwrap_or_default(),
                    message: entry.message.unwrap_or_default(),
                },
                _ => continue,
            };
            recorded.insert(entry.key, outcome);
        }
        drop_torn_tail(path, &file).map_err(err)?;
        Ok((
            ProgressLog {
                path: path.to_owned(),
                file,
            },
            recorded,
        ))
    }

    /// Appends one outcome durably (a single write of a whole line, then fsync).
    pub fn record(
        &mut self,
        key: &str,
        line: usize,
        outcome: &Recorded,
    ) -> Result<(), ProgressError> {
        let (outcome_name, code, message) = match outcome {
            Recorded::Linked => ("linked", None, None),
            Recorded::Refused { code, message } => {
                ("refused", Some(code.clone()), Some(message.clone()))
            }
        };
        let entry = Line {
            key: key.to_owned(),
            line,
            outcome: outcome_name.into(),
            code,
            message,
        };
        let mut text = serde_json::to_string(&entry).expect("progress lines serialize");
        text.push('\n');
        let err = |source| ProgressError {
            path: self.path.clone(),
            source,
        };
        self.file.write_all(text.as_bytes()).map_err(err)?;
        self.file.sync_data().map_err(err)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_survive_reopening_and_torn_lines_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv.progress.jsonl");
        let (mut log, recorded) = ProgressLog::open(&path).unwrap();
        assert!(recorded.is_empty());
        log.record("k1", 2, &Recorded::Linked).unwrap();
        let refused = Recorded::Refused {
            code: "LimitExceededException".into(),
            message: "m".into(),
        };
        log.record("k2", 3, &refused).unwrap();
        drop(log);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"key\":\"k3\",\"line\":4,\"outc").unwrap();
        let (mut log, recorded) = ProgressLog::open(&path).unwrap();
        assert_eq!(recorded.len(), 2);
        log.record("k4", 5, &Recorded::Linked).unwrap();
        drop(log); // one run at a time
        let (_, recorded) = ProgressLog::open(&path).unwrap();
        assert_eq!(recorded.len(), 3, "a line after a torn one is read");
        assert_eq!(recorded["k1"], Recorded::Linked);
        assert_eq!(recorded["k2"], refused);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_progress_file_is_private_like_the_journal() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv.progress.jsonl");
        let (log, _) = ProgressLog::open(&path).unwrap();
        drop(log);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn a_second_run_cannot_open_a_progress_file_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv.progress.jsonl");
        let (first, _) = ProgressLog::open(&path).unwrap();
        let busy = ProgressLog::open(&path).unwrap_err();
        assert!(busy.is_busy());
        assert!(
            busy.to_string()
                .contains("another coglink batch is running"),
            "{busy}"
        );
        drop(first);
        assert!(
            ProgressLog::open(&path).is_ok(),
            "free once the first run ends"
        );
    }

    #[test]
    fn default_path_sits_beside_the_batch_file() {
        assert_eq!(
            default_path(Path::new("/x/links.csv")),
            PathBuf::from("/x/links.csv.progress.jsonl")
        );
    }
}
