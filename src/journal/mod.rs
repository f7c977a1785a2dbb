//! The audit journal: one JSON object per line for every change attempted (link, unlink),
//! from the CLI, `batch` or the TUI, with its outcome.
//!
//! It is written ahead: before a change is sent, an *intent* (outcome `pending`, with a
//! `change_id`) is appended; once it is settled, its outcome is appended with the same id.
//! An intent with no outcome is a change whose process died with the request in flight; a
//! later run reads the user back and appends the resolution (`change::recover`). Intents
//! carry their writer's `owner` id, held as a file lock while the process lives
//! ([`OwnerLock`]), so a run never settles the change another live process is making.
//!
//! Each entry is appended with a single write of one line and flushed to disk (fsync) before
//! `record` returns, so a crash never leaves half an entry behind another one. The file is
//! created with mode 0600: it names users. Credentials are never part of an entry.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::aws::{Failure, Target};
use crate::domain::LinkCounts;

mod link_attributes;
mod owner;

pub use link_attributes::{LinkAttributes, LinkedBy};
pub use owner::OwnerLock;

/// An append-only journal file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journal {
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write the journal {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the journal {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("journal {path}, line {line}: not a journal entry: {reason}")]
    Corrupt {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Where a change was sent. No credentials: profile name, region and endpoint only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// The embedded local endpoint (`--local`).
    #[serde(default)]
    pub local: bool,
}

impl JournalTarget {
    /// Whether a change journaled against `self` went where `other` goes, so that a run
    /// against `other` can read it back. The embedded endpoint's port changes every run; its
    /// pool is the same.
    pub fn same_place(&self, other: &JournalTarget) -> bool {
        self.profile == other.profile
            && self.region == other.region
            && self.local == other.local
            && (self.local || self.endpoint_url == other.endpoint_url)
    }

    pub fn from_target(target: &Target) -> Self {
        JournalTarget {
            profile: target.profile.clone(),
            region: target.region.clone(),
            endpoint_url: target.endpoint_url.clone(),
            local: target.label.as_deref() == Some("local"),
        }
    }
}

/// How a change an outcome unknown at first turned out, once the user was read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Applied,
    NotApplied,
    /// Reading the user again failed too: nobody knows yet.
    Unresolved,
}

/// What happened to a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The intent, written before sending: the outcome follows in an entry with the same
    /// `change_id`.
    Pending,
    Ok,
    /// Cognito refused it as done already (a link "already linked"), and reading the user
    /// showed the pool as asked: nothing was changed, nothing is left to do.
    AlreadyDone {
        code: String,
        message: String,
    },
    /// The service refused it.
    Rejected {
        code: String,
        message: String,
    },
    /// It never reached the service (no connection, no credentials): not applied.
    Failed {
        message: String,
    },
    /// No clear answer (timeout, dropped connection, internal error), then resolved by
    /// reading the user again.
    Unknown {
        message: String,
        resolution: Resolution,
    },
}

/// One journal line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// `cli` or `tui`.
    pub client: String,
    /// `AdminLinkProviderForUser` or `AdminDisableProviderForUser`.
    pub operation: String,
    pub target: JournalTarget,
    pub pool_id: String,
    /// The request as sent, in the AWS JSON shape.
    pub request: serde_json::Value,
    pub outcome: Outcome,
    /// The user whose identities changed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<LinkCounts>,
    /// Pairs an intent with its outcome (entries written before the journal was written
    /// ahead have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_id: Option<String>,
    /// The process that wrote the intent (see [`OwnerLock`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The change's place in a sequence of steps (a merge), when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepRef>,
}

/// One step of a sequence of changes: the sequence's id and the step's index in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    pub sequence: String,
    pub index: usize,
}

impl JournalEntry {
    /// Whether this entry is an intent with no outcome among `later` entries.
    pub fn is_intent(&self) -> bool {
        self.outcome == Outcome::Pending && self.change_id.is_some()
    }
}

impl Outcome {
    /// Whether the pool is as the change asked (made now, or found so).
    pub fn applied(&self) -> bool {
        matches!(
            self,
            Outcome::Ok
                | Outcome::AlreadyDone { .. }
                | Outcome::Unknown {
                    resolution: Resolution::Applied,
                    ..
                }
        )
    }

    /// The outcome of a failed call whose outcome is known: refused by the service when it
    /// answered with a code, otherwise it never reached it.
    pub fn from_failure(f: &Failure) -> Outcome {
        match &f.code {
            Some(code) => Outcome::Rejected {
                code: code.clone(),
                message: f.message.clone(),
            },
            None => Outcome::Failed {
                message: f.message.clone(),
            },
        }
    }
}

/// The current time in RFC 3339, UTC (e.g. `2026-11-03T10:00:00.123Z`).
pub fn now_rfc3339() -> String {
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now());
    now.fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| format!("{}", now.secs()))
}

/// Epoch seconds in RFC 3339, UTC.
pub fn rfc3339_of_secs(secs: f64) -> String {
    let t = aws_smithy_types::DateTime::from_secs_f64(secs);
    t.fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| format!("{secs}"))
}

impl Journal {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Journal { path: path.into() }
    }

    /// The journal at its usual place (`paths::journal_file`).
    pub fn default_location() -> Self {
        Journal::new(crate::paths::journal_file())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open(&self) -> Result<std::fs::File, JournalError> {
        open_append(&self.path).map_err(|source| JournalError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Checks that an entry could be appended (directories created, file openable), so a
    /// change is not made when it could not be recorded.
    pub fn check_writable(&self) -> Result<(), JournalError> {
        self.open().map(drop)
    }

    /// Appends one entry as one line, and syncs it to disk.
    pub fn record(&self, entry: &JournalEntry) -> Result<(), JournalError> {
        let line = serde_json::to_string(entry).expect("journal entries always serialize");
        append_line(&self.path, &line).map_err(|source| JournalError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Every entry, oldest first. A missing journal has no entries.
    pub fn read_all(&self) -> Result<Vec<JournalEntry>, JournalError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(JournalError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| JournalError::Corrupt {
                    path: self.path.clone(),
                    line: i + 1,
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// The intents that have no outcome yet, oldest first.
    pub fn unanswered(&self) -> Result<Vec<JournalEntry>, JournalError> {
        Ok(unanswered(self.read_all()?))
    }

    /// Takes this process's owner lock (see [`OwnerLock`]).
    pub fn take_owner(&self) -> Result<OwnerLock, JournalError> {
        OwnerLock::take(&self.owners_dir()).map_err(|source| JournalError::Write {
            path: self.owners_dir(),
            source,
        })
    }

    /// Whether the process that wrote intents as `owner` still runs.
    pub fn owner_alive(&self, owner: &str) -> bool {
        owner::is_alive(&self.owners_dir(), owner)
    }

    fn owners_dir(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".owners");
        self.path.with_file_name(name)
    }
}

/// Opens `path` to append (creating it and its folders, mode 0600: append-only files of
/// coglink name users).
fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Appends `line` and a newline to `path` with one write, synced to disk before it returns
/// (the journal; the merge remap file).
pub fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut file = open_append(path)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_all()
}

/// The intents among `entries` that no later entry answers (same `change_id`).
pub fn unanswered(entries: Vec<JournalEntry>) -> Vec<JournalEntry> {
    let answered: std::collections::HashSet<String> = entries
        .iter()
        .filter(|e| e.outcome != Outcome::Pending)
        .filter_map(|e| e.change_id.clone())
        .collect();
    entries
        .into_iter()
        .filter(|e| e.is_intent() && !answered.contains(e.change_id.as_deref().unwrap_or("")))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn entry(outcome: Outcome) -> JournalEntry {
        JournalEntry {
            time: now_rfc3339(),
            client: "cli".into(),
            operation: "AdminLinkProviderForUser".into(),
            target: JournalTarget {
                profile: Some("prod".into()),
                region: Some("eu-west-1".into()),
                endpoint_url: None,
                local: false,
            },
            pool_id: "eu-west-1_abc".into(),
            request: serde_json::json!({"UserPoolId": "eu-west-1_abc"}),
            outcome,
            user: Some("diego".into()),
            counts: Some(LinkCounts {
                before: 1,
                after: 2,
            }),
            change_id: None,
            owner: None,
            step: None,
        }
    }

    #[test]
    fn intents_without_an_outcome_are_unanswered() {
        let with = |id: &str, outcome: Outcome| JournalEntry {
            change_id: Some(id.into()),
            ..entry(outcome)
        };
        let entries = vec![
            with("a", Outcome::Pending),
            with("b", Outcome::Pending),
            with("a", Outcome::Ok),
            entry(Outcome::Pending), // no id: not an intent of the engine
            with("c", Outcome::Pending),
        ];
        let ids: Vec<_> = unanswered(entries)
            .into_iter()
            .map(|e| e.change_id.unwrap())
            .collect();
        assert_eq!(ids, ["b", "c"]);
    }

    #[test]
    fn the_embedded_endpoint_is_the_same_place_whatever_its_port() {
        let at = |url: &str, local: bool| JournalTarget {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(url.into()),
            local,
        };
        assert!(at("http://127.0.0.1:1", true).same_place(&at("http://127.0.0.1:2", true)));
        assert!(!at("http://127.0.0.1:1", false).same_place(&at("http://127.0.0.1:2", false)));
        assert!(at("http://h:1", false).same_place(&at("http://h:1", false)));
        assert!(!at("http://h:1", true).same_place(&at("http://h:1", false)));
    }

    #[test]
    fn appends_lines_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("a/b/journal.jsonl"));
        assert_eq!(journal.read_all().unwrap(), vec![]);
        let first = entry(Outcome::Ok);
        let second = entry(Outcome::Rejected {
            code: "LimitExceededException".into(),
            message: "limit".into(),
        });
        journal.record(&first).unwrap();
        journal.record(&second).unwrap();
        let text = std::fs::read_to_string(journal.path()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.ends_with('\n'));
        assert_eq!(journal.read_all().unwrap(), vec![first, second]);
    }

    #[test]
    fn outcome_shapes() {
        let v = serde_json::to_value(entry(Outcome::Unknown {
            message: "timeout".into(),
            resolution: Resolution::Applied,
        }))
        .unwrap();
        assert_eq!(
            v["outcome"],
            serde_json::json!({"status": "unknown", "message": "timeout", "resolution": "applied"})
        );
        assert_eq!(v["counts"], serde_json::json!({"before": 1, "after": 2}));
        assert_eq!(v["target"]["profile"], "prod");
        let v = serde_json::to_value(entry(Outcome::Ok)).unwrap();
        assert_eq!(v["outcome"], serde_json::json!({"status": "ok"}));
    }

    #[test]
    fn time_is_rfc3339_utc() {
        let t = now_rfc3339();
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
        assert!(t.starts_with("20"), "{t}");
    }

    #[test]
    fn unwritable_journals_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let journal = Journal::new(blocker.join("journal.jsonl"));
        let e = journal.check_writable().unwrap_err();
        assert!(e.to_string().starts_with("cannot write the journal"), "{e}");
        assert!(journal.record(&entry(Outcome::Ok)).is_err());
    }

    #[test]
    fn corrupt_lines_are_reported_with_their_number() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("j.jsonl"));
        journal.record(&entry(Outcome::Ok)).unwrap();
        let mut f = OpenOptions::new()
            .append(true)
            .open(journal.path())
            .unwrap();
        f.write_all(b"{oops\n").unwrap();
        let e = journal.read_all().unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn local_targets_are_marked() {
        let t = Target {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:1".into()),
            label: Some("local".into()),
        };
        assert!(JournalTarget::from_target(&t).local);
    }
}
