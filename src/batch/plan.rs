//! Planning a batch before anything is sent: every row validated, duplicates and users that
//! would pass 5 links found, rows already done (by an earlier, interrupted run) recognised.
//! Pure: the facts are read by the caller.

use std::collections::HashMap;
use std::fmt;

use super::holders::Holders;
pub use super::holders::IdentityKey;
use super::rows::BatchRow;
use crate::domain::{
    DestinationFacts, IdentityProviderInfo, Known, LinkContext, LinkRequest, MAX_LINKED_IDENTITIES,
    ProviderUserIdentifier, UserRecord, Violation, check_link,
};

pub fn identity_key(id: &ProviderUserIdentifier) -> IdentityKey {
    (id.name().to_owned(), id.value().to_owned())
}

/// A stable key of a row's request, for resuming: the request's canonical JSON.
pub fn row_key(request: &LinkRequest) -> String {
    serde_json::to_string(request).expect("requests serialize")
}

/// What an earlier run recorded for a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    Linked,
    Refused { code: String, message: String },
}

/// Facts about the pool the plan needs, read by the caller.
#[derive(Clone, Debug, Default)]
pub struct PoolFacts {
    pub providers: Vec<IdentityProviderInfo>,
    /// Destinations by identity key; `None`: looked up and not found.
    pub destinations: HashMap<IdentityKey, Option<UserRecord>>,
    /// Sources that exist as their own users (a prior federated sign-in), by identity key.
    pub source_users: HashMap<IdentityKey, Option<String>>,
    /// Outcomes recorded by earlier runs, by row key.
    pub recorded: HashMap<String, Recorded>,
    /// Who holds each source identity, from a scan of the whole pool (`--check-holders`);
    /// `None`: not scanned, so only the destinations read are known to hold identities.
    pub holders: Option<Holders>,
}

/// What will happen to a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowAction {
    Link {
        before: usize,
        after: usize,
    },
    /// The link exists already (e.g. an interrupted run made it): nothing to send.
    AlreadyDone,
    /// An earlier run recorded Cognito refusing it: not sent again.
    RefusedBefore {
        code: String,
        message: String,
    },
    Skip(Problem),
}

/// Why a row will not be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Invalid(Vec<Violation>),
    DuplicateSource { first_line: usize },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Invalid(v) => {
                let parts: Vec<String> = v.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join("; "))
            }
            Problem::DuplicateSource { first_line } => {
                write!(
                    f,
                    "SourceUser: the same identity is linked on line {first_line} already"
                )
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedRow {
    pub row: BatchRow,
    pub key: String,
    pub action: RowAction,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub rows: Vec<PlannedRow>,
    /// How many users the holder check scanned; `None`: it was not done.
    pub holders_scanned: Option<usize>,
}

impl Plan {
    pub fn to_send(&self) -> impl Iterator<Item = &PlannedRow> {
        self.rows
            .iter()
            .filter(|r| matches!(r.action, RowAction::Link { .. }))
    }

    pub fn count(&self, pred: impl Fn(&RowAction) -> bool) -> usize {
        self.rows.iter().filter(|r| pred(&r.action)).count()
    }

    /// `N to link, N already done, N refused before, N skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{} to link, {} already done, {} refused before, {} skipped",
            self.count(|a| matches!(a, RowAction::Link { .. })),
            self.count(|a| matches!(a, RowAction::AlreadyDone)),
            self.count(|a| matches!(a, RowAction::RefusedBefore { .. })),
            self.count(|a| matches!(a, RowAction::Skip(_))),
        )
    }

    /// Whether a source already linked to a user outside the file was looked for.
    pub fn holders_note(&self) -> String {
        match self.holders_scanned {
            Some(users) => format!(
                "Holders: checked: every source was looked for among the pool's {users} users"
            ),
            None => "Holders: not checked: a source already linked to a user who is not a \
                     destination in this file is refused by Cognito when sent \
                     (--check-holders scans the pool first)"
                .to_owned(),
        }
    }
}

/// Plans every row in file order. Links planned earlier in the file count toward a
/// destination's limit, so the sixth link to one user is refused here, before sending.
pub fn plan(rows: &[BatchRow], facts: &PoolFacts) -> Plan {
    let mut planned_links: HashMap<IdentityKey, usize> = HashMap::new();
    let mut sources_seen: HashMap<IdentityKey, usize> = HashMap::new();
    let linked_to: HashMap<IdentityKey, &str> = facts
        .destinations
        .values()
        .flatten()
        .flat_map(|u| {
            u.identities_or_empty().map(move |i| {
                (
                    (i.provider_name.to_owned(), i.user_id.to_owned()),
                    u.username(),
                )
            })
        })
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let req = &row.request;
        let key = row_key(req);
        let action = plan_row(
            row,
            req,
            &key,
            facts,
            &linked_to,
            &mut planned_links,
            &mut sources_seen,
        );
        out.push(PlannedRow {
            row: row.clone(),
            key,
            action,
        });
    }
    Plan {
        rows: out,
        holders_scanned: facts.holders.as_ref().map(|h| h.users_scanned),
    }
}

fn plan_row(
    row: &BatchRow,
    req: &LinkRequest,
    key: &str,
    facts: &PoolFacts,
    linked_to: &HashMap<IdentityKey, &str>,
    planned_links: &mut HashMap<IdentityKey, usize>,
    sources_seen: &mut HashMap<IdentityKey, usize>,
) -> RowAction {
    let shape = check_link(req, &LinkContext::default());
    if !shape.is_empty() {
        return RowAction::Skip(Problem::Invalid(shape));
    }
    let source_key = identity_key(&req.source());
    if let Some(&first_line) = sources_seen.get(&source_key) {
        return RowAction::Skip(Problem::DuplicateSource { first_line });
    }
    sources_seen.insert(source_key.clone(), row.line);
    match facts.recorded.get(key) {
        Some(Recorded::Linked) => return RowAction::AlreadyDone,
        Some(Recorded::Refused { code, message }) => {
            return RowAction::RefusedBefore {
                code: code.clone(),
                message: message.clone(),
            };
        }
        None => {}
    }
    let dest_key = identity_key(&req.destination());
    let destination = facts.destinations.get(&dest_key).cloned().flatten();
    if let Some(user) = &destination
        && user
            .identities_or_empty()
            .any(|i| i.is_identified_by(&req.source()))
    {
        return RowAction::AlreadyDone;
    }
    let planned = planned_links.get(&dest_key).copied().unwrap_or(0);
    let ctx = LinkContext {
        pool_exists: Some(true),
        providers: Some(&facts.providers),
        destination: match (&destination, facts.destinations.contains_key(&dest_key)) {
            (Some(u), _) => Known::Present(DestinationFacts {
                username: u.username().to_owned(),
                link_count: u.link_count() + planned,
            }),
            (None, true) => Known::Absent,
            (None, false) => Known::Unknown,
        },
        source_as_user: match facts.source_users.get(&source_key) {
            Some(Some(u)) => Known::Present(u.clone()),
            Some(None) => Known::Absent,
            None => Known::Unknown,
        },
        source_linked_to: match (linked_to.get(&source_key), &facts.holders) {
            (Some(u), _) => Known::Present((*u).to_owned()),
            // The source's own federated user holds its identity: `source_as_user` says so.
            (None, Some(holders)) => match holders.by_identity.get(&source_key) {
                Some(u) if facts.source_users.get(&source_key) != Some(&Some(u.clone())) => {
                    Known::Present(u.clone())
                }
                _ => Known::Absent,
            },
            (None, None) => Known::Unknown,
        },
        source_attribute_names: None,
    };
    let violations = check_link(req, &ctx);
    if !violations.is_empty() {
        return RowAction::Skip(Problem::Invalid(violations));
    }
    let before = destination.as_ref().map_or(0, |u| u.link_count()) + planned;
    planned_links.insert(dest_key, planned + 1);
    debug_assert!(before < MAX_LINKED_IDENTITIES);
    RowAction::Link {
        before,
        after: before + 1,
    }
}

#[cfg(test)]
mod tests;
