//! The audit journal: one JSON object per line for every change attempted (link, unlink),
//! from the CLI or the TUI, with its outcome.
//!
//! Each entry is appended with a single write of one line and flushed to disk (fsync) before
//! `record` returns, so a crash never leaves half an entry behind another one. The file is
//! created with mode 0600: it names users. Credentials are never part of an entry.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::aws::{Failure, Target};

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
    Ok,
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

/// Link counts of the user whose identities changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub before: usize,
    pub after: usize,
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
    pub counts: Option<Counts>,
}

/// A change and its outcome, as a client (the CLI or the TUI) knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub operation: String,
    pub pool_id: String,
    /// The request as sent, in the AWS JSON shape.
    pub request: serde_json::Value,
    pub outcome: Outcome,
    pub user: Option<String>,
    pub counts: Option<Counts>,
}

impl JournalEntry {
    /// The entry for `change`, stamped with the current time.
    pub fn now(client: &str, target: &Target, change: Change) -> JournalEntry {
        JournalEntry {
            time: now_rfc3339(),
            client: client.to_owned(),
            operation: change.operation,
            target: JournalTarget::from_target(target),
            pool_id: change.pool_id,
            request: change.request,
            outcome: change.outcome,
            user: change.user,
            counts: change.counts,
        }
    }
}

impl Outcome {
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
        let err = |source| JournalError::Write {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let mut opts = OpenOptions::new();
        opts.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(&self.path).map_err(err)
    }

    /// Checks that an entry could be appended (directories created, file openable), so a
    /// change is not made when it could not be recorded.
    pub fn check_writable(&self) -> Result<(), JournalError> {
        self.open().map(drop)
    }

    /// Appends one entry as one line, and syncs it to disk.
    pub fn record(&self, entry: &JournalEntry) -> Result<(), JournalError> {
        let mut line = serde_json::to_string(entry).expect("journal entries always serialize");
        line.push('\n');
        let mut file = self.open()?;
        let err = |source| JournalError::Write {
            path: self.path.clone(),
            source,
        };
        file.write_all(line.as_bytes()).map_err(err)?;
        file.sync_all().map_err(err)
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
}

/// The attribute name each identity was last linked by, as the journal knows it: a SAML/OIDC
/// identity linked by a claim (e.g. `email`) is unlinked by that same name until it signs in
/// (cognito-fidelity (b)1), and Cognito's `identities` does not record it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkAttributes(BTreeMap<(String, String, String), LinkedBy>);

/// How and when an identity was linked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedBy {
    pub attribute_name: String,
    /// The journal entry's time (RFC 3339).
    pub time: String,
}

impl LinkAttributes {
    /// From every entry, oldest first: each link that was made (`ok`, or an unclear answer
    /// resolved `applied`) sets the identity's attribute; an unlink that was made clears it.
    pub fn from_entries(entries: &[JournalEntry]) -> LinkAttributes {
        let mut map = BTreeMap::new();
        for e in entries {
            let made = matches!(
                e.outcome,
                Outcome::Ok
                    | Outcome::Unknown {
                        resolution: Resolution::Applied,
                        ..
                    }
            );
            if !made {
                continue;
            }
            let (member, linking) = match e.operation.as_str() {
                "AdminLinkProviderForUser" => ("SourceUser", true),
                "AdminDisableProviderForUser" => ("User", false),
                _ => continue,
            };
            let id = &e.request[member];
            let field = |name: &str| id[name].as_str().unwrap_or_default().to_owned();
            let key = (
                e.pool_id.clone(),
                field("ProviderName"),
                field("ProviderAttributeValue"),
            );
            if linking {
                map.insert(
                    key,
                    LinkedBy {
                        attribute_name: field("ProviderAttributeName"),
                        time: e.time.clone(),
                    },
                );
            } else {
                map.remove(&key);
            }
        }
        LinkAttributes(map)
    }

    pub fn get(&self, pool_id: &str, provider: &str, value: &str) -> Option<&LinkedBy> {
        self.0
            .get(&(pool_id.to_owned(), provider.to_owned(), value.to_owned()))
    }

    /// The distinct attribute names other than `Cognito_Subject` that the journal's links of
    /// `provider` in `pool_id` use: a lower bound of what Cognito counts toward its five
    /// names per IdP (links made outside coglink are not in it).
    pub fn names_in_use(&self, pool_id: &str, provider: &str) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for ((pool, p, _), linked) in &self.0 {
            if pool == pool_id
                && p == provider
                && linked.attribute_name != crate::domain::COGNITO_SUBJECT
                && !names.contains(&linked.attribute_name)
            {
                names.push(linked.attribute_name.clone());
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(outcome: Outcome) -> JournalEntry {
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
            counts: Some(Counts {
                before: 1,
                after: 2,
            }),
        }
    }

    #[test]
    fn link_attributes_follow_links_made_and_unlinks_made() {
        let at = |op: &str, member: &str, attr: &str, outcome: Outcome| JournalEntry {
            operation: op.into(),
            request: serde_json::json!({ member: {
                "ProviderName": "CorpSAML",
                "ProviderAttributeName": attr,
                "ProviderAttributeValue": "e-1"
            }}),
            ..entry(outcome)
        };
        let link = "AdminLinkProviderForUser";
        let unlink = "AdminDisableProviderForUser";
        let applied = Outcome::Unknown {
            message: "dropped".into(),
            resolution: Resolution::Applied,
        };
        let refused = Outcome::Rejected {
            code: "InvalidParameterException".into(),
            message: "x".into(),
        };
        let pool = entry(Outcome::Ok).pool_id;
        let of = |entries: &[JournalEntry]| {
            LinkAttributes::from_entries(entries)
                .get(&pool, "CorpSAML", "e-1")
                .map(|l| l.attribute_name.clone())
        };
        let linked = at(link, "SourceUser", "employeeNumber", Outcome::Ok);
        assert_eq!(
            of(std::slice::from_ref(&linked)).as_deref(),
            Some("employeeNumber")
        );
        let relinked = at(link, "SourceUser", "email", applied.clone());
        assert_eq!(of(&[linked.clone(), relinked]).as_deref(), Some("email"));
        let not_made = at(link, "SourceUser", "email", refused.clone());
        assert_eq!(
            of(&[linked.clone(), not_made]).as_deref(),
            Some("employeeNumber")
        );
        let unlinked = at(unlink, "User", "employeeNumber", Outcome::Ok);
        assert_eq!(of(&[linked.clone(), unlinked]), None);
        let unlink_refused = at(unlink, "User", "Cognito_Subject", refused);
        assert_eq!(
            of(&[linked, unlink_refused]).as_deref(),
            Some("employeeNumber")
        );
        assert!(
            LinkAttributes::from_entries(&[])
                .get(&pool, "CorpSAML", "e-1")
                .is_none()
        );
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
