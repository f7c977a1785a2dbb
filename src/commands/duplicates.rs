//! `coglink duplicates`: the people who have two users. Lists the pool (partitioned for a
//! large one), groups users by case-folded email and/or phone number
//! (`domain::find_duplicates`) and prints each group with its class: what can safely be done.
//!
//! Formats: `table` (a block per group, untrusted text escaped), `json` (the document
//! `coglink merge --from` reads: `{"pool_id", "groups": [...]}`), `csv` (one row per member).

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::output::{Output, buffered_stdout, printed};
use super::{CmdError, with_session, write_result};
use crate::aws::listing::{self, ListingEvent};
use crate::aws::ops::Ops;
use crate::awscli::output::{cell, csv_record};
use crate::cli::args::{DuplicatesArgs, GlobalArgs, MatchByArg};
use crate::domain::sanitize::sanitize;
use crate::domain::{
    DuplicateGroup, MAX_LINKED_IDENTITIES, MatchBy, Member, UserRecord, check_user_pool_id,
    find_duplicates,
};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: DuplicatesArgs) -> Result<(), CmdError> {
    if let Some(v) = check_user_pool_id(&args.user_pool_id) {
        return Err(CmdError::bad_input(v));
    }
    let output = Output::from_args(&args.output)?;
    let settings = global.listing_settings();
    with_session(global, async |_: &Session, ops: &Ops| {
        let users = read_pool(ops, &args.user_pool_id, settings).await?;
        let groups = find_duplicates(&users, args.by.matches());
        eprintln!(
            "{} users, {} groups of duplicates ({} mergeable)",
            users.len(),
            groups.len(),
            groups
                .iter()
                .filter(|g| g.class == crate::domain::GroupClass::Mergeable)
                .count()
        );
        let mut out = buffered_stdout();
        let done = match &output {
            Output::Table => print_table(&mut out, &groups),
            Output::Csv => print_csv(&mut out, &groups),
            Output::V2(writer) => {
                let doc = document(&args.user_pool_id, &groups);
                return printed(writer.write(&mut out, &doc).and_then(|()| Ok(out.flush()?)));
            }
        };
        write_result(done.and_then(|()| out.flush()))
    })
    .await
}

impl MatchByArg {
    pub fn matches(self) -> &'static [MatchBy] {
        match self {
            MatchByArg::Email => &[MatchBy::Email],
            MatchByArg::Phone => &[MatchBy::Phone],
            MatchByArg::Both => &[MatchBy::Email, MatchBy::Phone],
        }
    }
}

/// Every user of the pool, once (a partitioned listing may read a user twice when pages
/// overlap a partition's edge; the username decides).
pub async fn read_pool(
    ops: &Ops,
    pool_id: &str,
    settings: listing::ListingSettings,
) -> Result<Vec<UserRecord>, CmdError> {
    let (_, mut events) = listing::start_chosen(ops.clone(), pool_id, None, settings).await;
    let mut users: BTreeMap<String, UserRecord> = BTreeMap::new();
    while let Some(event) = events.recv().await {
        match event {
            ListingEvent::Page { users: page } => {
                for u in page {
                    users.insert(u.username().to_owned(), u);
                }
            }
            ListingEvent::Retrying { failure, .. } => {
                eprintln!("coglink: reading a page again: {}", failure.summary());
            }
            ListingEvent::Finished(_) => break,
            ListingEvent::Failed(f) => return Err(CmdError::failure("ListUsers", &f)),
        }
    }
    Ok(users.into_values().collect())
}

fn kind(m: &Member) -> String {
    match &m.identity {
        Some((provider, _)) => provider.clone(),
        None => "native".into(),
    }
}

fn print_table(out: &mut impl Write, groups: &[DuplicateGroup]) -> std::io::Result<()> {
    for g in groups {
        writeln!(
            out,
            "{} {}{}: {}",
            cell(g.class.name(), 17),
            cell(g.by.name(), 6),
            sanitize(&g.key),
            sanitize(&g.reason)
        )?;
        for m in &g.members {
            writeln!(
                out,
                "    {}{}{}{}{}/{MAX_LINKED_IDENTITIES}",
                cell(g.role_of(m), 7),
                cell(&m.username, 34),
                cell(&kind(m), 16),
                cell(if m.verified { "verified" } else { "unverified" }, 11),
                m.links
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    pool_id: &'a str,
    groups: Vec<JsonGroup<'a>>,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    by: &'static str,
    key: &'a str,
    class: &'static str,
    keep: Option<&'a str>,
    merge: &'a [String],
    reason: &'a str,
    members: Vec<JsonMember<'a>>,
}

#[derive(Serialize)]
struct JsonMember<'a> {
    username: &'a str,
    role: &'static str,
    sub: Option<&'a str>,
    provider: Option<&'a str>,
    subject: Option<&'a str>,
    value: &'a str,
    verified: bool,
    links: usize,
    linked_to: Option<&'a str>,
}

/// The document `coglink merge --from` reads.
fn document<'a>(pool_id: &'a str, groups: &'a [DuplicateGroup]) -> JsonDocument<'a> {
    JsonDocument {
        pool_id,
        groups: groups
            .iter()
            .map(|g| JsonGroup {
                by: g.by.name(),
                key: &g.key,
                class: g.class.name(),
                keep: g.keep.as_deref(),
                merge: &g.merge,
                reason: &g.reason,
                members: g
                    .members
                    .iter()
                    .map(|m| JsonMember {
                        username: &m.username,
                        role: g.role_of(m),
                        sub: m.sub.as_deref(),
                        provider: m.identity.as_ref().map(|(p, _)| p.as_str()),
                        subject: m.identity.as_ref().map(|(_, s)| s.as_str()),
                        value: &m.value,
                        verified: m.verified,
                        links: m.links,
                        linked_to: m.linked_to.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn print_csv(out: &mut impl Write, groups: &[DuplicateGroup]) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        csv_record(&[
            "By", "Key", "Class", "Role", "Username", "Sub", "Provider", "Subject", "Verified",
            "Links",
        ])
    )?;
    for g in groups {
        for m in &g.members {
            let (provider, subject) = m
                .identity
                .as_ref()
                .map_or(("", ""), |(p, s)| (p.as_str(), s.as_str()));
            writeln!(
                out,
                "{}",
                csv_record(&[
                    g.by.name(),
                    &g.key,
                    g.class.name(),
                    g.role_of(m),
                    &m.username,
                    m.sub.as_deref().unwrap_or(""),
                    provider,
                    subject,
                    if m.verified { "true" } else { "false" },
                    &m.links.to_string(),
                ])
            )?;
        }
    }
    Ok(())
}
