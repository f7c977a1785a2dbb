//! `coglink diff A B` / `coglink diff A --live`: what changed in a pool between two
//! snapshots, or between a snapshot and the pool as listed now. The comparison is
//! `snapshot::diff` (pure); this reads the inputs and prints.
//!
//! Exit codes as diff(1)'s: 0 equal, 1 different, 2 not compared (bad input, or the live pool
//! could not be read), so that 1 always means "they differ".

use std::io::Write;

use serde::Serialize;

use super::output::{Output, buffered_stdout, printed};
use super::{CmdError, with_session, write_result};
use crate::aws::ops::Ops;
use crate::awscli::output::{cell, csv_record};
use crate::cli::args::{DiffArgs, GlobalArgs};
use crate::domain::sanitize::sanitize;
use crate::exit::{EXIT_BAD_INPUT, EXIT_REJECTED};
use crate::session::Session;
use crate::snapshot::diff::counts;
use crate::snapshot::{
    Against, Change, CollectError, Diff, Header, collect, open, read_after, read_before,
};

pub async fn run(global: &GlobalArgs, args: DiffArgs) -> Result<(), CmdError> {
    let output = Output::from_args(&args.output)?;
    let (mut comparison, mut earlier) = read_before(&args.before).map_err(unreadable)?;
    match &args.after {
        Some(path) => {
            let reader = open(path).map_err(unreadable)?;
            same_pool(&args, comparison.before_header(), &reader.header)?;
            read_after(reader, &mut comparison, &mut earlier).map_err(unreadable)?;
        }
        None => {
            let pool_id = comparison.before_header().pool_id.clone();
            let mut against = Against {
                comparison: &mut comparison,
                earlier: &mut earlier,
            };
            live(global, &pool_id, &mut against)
                .await
                .map_err(|e| CmdError {
                    // Not compared: 1 is kept for "they differ".
                    code: if e.code == EXIT_REJECTED {
                        EXIT_BAD_INPUT
                    } else {
                        e.code
                    },
                    ..e
                })?;
        }
    }
    let diff = comparison
        .finish(&mut earlier)
        .map_err(|e| CmdError::bad_input(sanitize(&e)))?;
    let mut out = buffered_stdout();
    let text = match &output {
        Output::Table => table(&diff),
        Output::Csv => csv(&diff.changes),
        Output::V2(writer) => {
            printed(
                writer
                    .write(&mut out, &document(&diff))
                    .and_then(|()| Ok(out.flush()?)),
            )?;
            String::new()
        }
    };
    write_result(out.write_all(text.as_bytes()).and_then(|()| out.flush()))?;
    if diff.changes.is_empty() {
        Ok(())
    } else {
        Err(CmdError::rejected(""))
    }
}

/// A file that is not a snapshot: its name and the reason, terminal-safe (a file name or a
/// username quoted in the reason may hold anything).
fn unreadable(e: crate::snapshot::SnapshotError) -> CmdError {
    CmdError::bad_input(sanitize(&e.to_string()))
}

/// Refuses snapshots of two pools unless `--across-pools`.
fn same_pool(args: &DiffArgs, a: &Header, b: &Header) -> Result<(), CmdError> {
    if a.pool_id == b.pool_id || args.across_pools {
        return Ok(());
    }
    let shown = |p: &std::path::Path| sanitize(&p.display().to_string()).into_owned();
    Err(CmdError::bad_input(format!(
        "{}: a snapshot of pool {}, and {} of pool {}: diff compares one pool over time \
         (--across-pools compares two pools, matching users by username)",
        shown(&args.before),
        sanitize(&a.pool_id),
        args.after.as_deref().map(shown).unwrap_or_default(),
        sanitize(&b.pool_id)
    )))
}

/// The pool `pool_id` listed now, as the later side of a comparison.
async fn live(
    global: &GlobalArgs,
    pool_id: &str,
    against: &mut Against<'_>,
) -> Result<(), CmdError> {
    let settings = global.listing_settings();
    with_session(global, async |_: &Session, ops: &Ops| {
        collect(ops, pool_id, settings, against, |f| {
            eprintln!("coglink: reading a page again: {}", f.summary());
        })
        .await
        .map(|_| ())
        .map_err(|e| match e {
            CollectError::Read { operation, failure } => CmdError::failure(operation, &failure),
            CollectError::Write(e) => CmdError::bad_input(format!("the live pool: {e}")),
        })
    })
    .await
}

/// A change as a row: who, what, and the values before and after when it has them.
struct Row<'a> {
    change: &'static str,
    username: &'a str,
    what: String,
    before: Option<String>,
    after: Option<String>,
}

fn row(change: &Change) -> Row<'_> {
    let mut r = Row {
        change: change.name(),
        username: "",
        what: String::new(),
        before: None,
        after: None,
    };
    match change {
        Change::ProviderAdded {
            provider,
            provider_type,
        }
        | Change::ProviderRemoved {
            provider,
            provider_type,
        } => {
            r.what = format!("{provider} ({provider_type})");
        }
        Change::ProviderMappingChanged {
            provider,
            attribute,
            before,
            after,
        } => {
            r.what = format!("{provider}: {attribute}");
            (r.before, r.after) = (before.clone(), after.clone());
        }
        Change::GroupCreated { group } | Change::GroupDeleted { group } => r.what = group.clone(),
        Change::UserAdded {
            username,
            sub,
            status,
        }
        | Change::UserRemoved {
            username,
            sub,
            status,
        } => {
            r.username = username;
            r.what = format!("sub {}, {status}", sub.as_deref().unwrap_or("(none)"));
        }
        Change::IdentityLinked {
            username,
            provider,
            user_id,
        }
        | Change::IdentityUnlinked {
            username,
            provider,
            user_id,
        } => {
            r.username = username;
            r.what = format!("{provider}:{user_id}");
        }
        Change::GroupJoined { username, group } | Change::GroupLeft { username, group } => {
            r.username = username;
            r.what = group.clone();
        }
        Change::AttributeChanged {
            username,
            attribute,
            before,
            after,
        } => {
            r.username = username;
            r.what = attribute.clone();
            (r.before, r.after) = (before.clone(), after.clone());
        }
        Change::StatusChanged {
            username,
            before,
            after,
        } => {
            r.username = username;
            r.what = "status".into();
            (r.before, r.after) = (Some(before.clone()), Some(after.clone()));
        }
        Change::EnabledChanged {
            username,
            before,
            after,
        } => {
            r.username = username;
            r.what = "enabled".into();
            (r.before, r.after) = (Some(before.to_string()), Some(after.to_string()));
        }
    }
    r
}

fn source(h: &Header) -> String {
    let when = if h.taken_at.is_empty() {
        "now"
    } else {
        &h.taken_at
    };
    sanitize(&format!("{} at {when}", h.pool_id)).into_owned()
}

/// Fixed columns sized to the content (untrusted text escaped), then a summary line.
fn table(diff: &Diff) -> String {
    let (a, b, changes) = (&diff.before, &diff.after, diff.changes.as_slice());
    if changes.is_empty() {
        return format!("No differences between {} and {}.\n", source(a), source(b));
    }
    let rows: Vec<Row> = changes.iter().map(row).collect();
    let width = |f: &dyn Fn(&Row) -> usize, title: &str| {
        rows.iter().map(f).max().unwrap_or(0).max(title.len())
    };
    let text_width = |s: &str| unicode_width::UnicodeWidthStr::width(sanitize(s).as_ref());
    let change_w = width(&|r| r.change.len(), "CHANGE") + 1;
    let user_w = width(&|r| text_width(r.username), "USERNAME").min(40) + 1;
    let mut out = format!(
        "{}{}DETAIL\n",
        cell("CHANGE", change_w),
        cell("USERNAME", user_w)
    );
    let value = |v: &Option<String>| match v {
        Some(v) => format!("\"{}\"", sanitize(v)),
        None => "(unset)".into(),
    };
    for r in &rows {
        let mut detail = sanitize(&r.what).into_owned();
        if r.before.is_some() || r.after.is_some() {
            detail.push_str(&format!(": {} -> {}", value(&r.before), value(&r.after)));
        }
        let username = if r.username.is_empty() {
            "-"
        } else {
            r.username
        };
        out.push_str(&format!(
            "{}{}{detail}\n",
            cell(r.change, change_w),
            cell(username, user_w)
        ));
    }
    let summary: Vec<String> = counts(changes)
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    out.push_str(&format!(
        "{} changes from {} to {}: {}\n",
        changes.len(),
        source(a),
        source(b),
        summary.join(", ")
    ));
    out
}

#[derive(Serialize)]
struct DiffJson<'a> {
    equal: bool,
    before: &'a Header,
    after: &'a Header,
    counts: serde_json::Map<String, serde_json::Value>,
    changes: &'a [Change],
}

/// The diff as the v2 formats print it (and `--query` sees it).
fn document(diff: &Diff) -> DiffJson<'_> {
    let (a, b, changes) = (&diff.before, &diff.after, diff.changes.as_slice());
    DiffJson {
        equal: changes.is_empty(),
        before: a,
        after: b,
        counts: counts(changes)
            .into_iter()
            .map(|(name, n)| (name.to_owned(), n.into()))
            .collect(),
        changes,
    }
}

fn csv(changes: &[Change]) -> String {
    let mut out = "change,username,what,before,after\n".to_owned();
    for r in changes.iter().map(row) {
        let fields = [
            r.change.to_owned(),
            r.username.to_owned(),
            r.what,
            r.before.unwrap_or_default(),
            r.after.unwrap_or_default(),
        ];
        out.push_str(&csv_record(&fields));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(changes: Vec<Change>) -> Diff {
        let header = Header::new("p_1", None, None, None, "2026-12-01T10:00:00Z".into());
        Diff {
            before: header.clone(),
            after: header,
            changes,
        }
    }

    #[test]
    fn the_table_escapes_pool_text_and_sizes_the_username_column() {
        let changes = vec![
            Change::IdentityLinked {
                username: "ev\x1b[31mil".into(),
                provider: "Google".into(),
                user_id: "1".into(),
            },
            Change::AttributeChanged {
                username: "ann".into(),
                attribute: "name".into(),
                before: None,
                after: Some("A\u{202e}B".into()),
            },
        ];
        let text = table(&of(changes));
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}'),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].find("DETAIL"), lines[1].find("Google:1"), "{text}");
        assert!(
            lines[2].ends_with(r#"name: (unset) -> "A\u{202e}B""#),
            "{text}"
        );
        assert!(
            lines[3].starts_with("2 changes from p_1 at 2026-12-01T10:00:00Z"),
            "{text}"
        );
    }

    #[test]
    fn json_and_csv_hold_every_change() {
        let changes = vec![Change::GroupJoined {
            username: "a,b".into(),
            group: "fans".into(),
        }];
        let diff = of(changes.clone());
        let v = serde_json::to_value(document(&diff)).unwrap();
        assert_eq!(v["equal"], false);
        assert_eq!(v["counts"]["group_joined"], 1);
        assert_eq!(v["changes"][0]["change"], "group_joined");
        assert_eq!(v["changes"][0]["username"], "a,b");
        assert_eq!(
            csv(&changes),
            "change,username,what,before,after\ngroup_joined,\"a,b\",fans,,\n"
        );
        let equal = table(&of(vec![]));
        assert!(equal.starts_with("No differences"), "{equal}");
    }
}
