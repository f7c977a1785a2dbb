//! Two snapshots compared as they stream. Pure: records in, changes out.
//!
//! The earlier snapshot is held whole, its users as their record lines (the most compact
//! form that keeps every field); the later one is compared user by user as it is read or
//! listed, so only one pool is ever in memory. A user whose line is byte for byte the same
//! is unchanged without being parsed again.

use std::collections::{HashMap, HashSet};

use super::diff::{Change, PoolParts, pool_changes, user_changes};
use super::format::{Header, Record, UserEntry, parse_line};

/// What changed from one snapshot to the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    pub before: Header,
    pub after: Header,
    /// Pool-level changes first, then by username.
    pub changes: Vec<Change>,
}

/// A comparison being fed: the earlier snapshot's records, then the later one's.
#[derive(Debug)]
pub struct Comparison {
    before: Header,
    before_parts: PoolParts,
    /// Username → its record line.
    before_users: HashMap<String, String>,
    after: Option<Header>,
    after_parts: PoolParts,
    after_users: HashSet<String>,
    user_changes: Vec<Change>,
}

fn twice(kind: &str, name: &str) -> String {
    format!("{kind} {name:?} appears twice: a name is unique in a pool")
}

/// Adds `record` to `parts` (false: not a provider or group).
fn add_part(parts: &mut PoolParts, record: &Record) -> Result<bool, String> {
    let fresh = match record {
        Record::Provider(p) => parts.providers.insert(p.name.clone(), p.clone()).is_none(),
        Record::Group(g) => parts.groups.insert(g.name.clone(), g.clone()).is_none(),
        _ => return Ok(false),
    };
    match record {
        Record::Provider(p) if !fresh => Err(twice("identity provider", &p.name)),
        Record::Group(g) if !fresh => Err(twice("group", &g.name)),
        _ => Ok(true),
    }
}

fn not_a_user_or_part(record: &Record) -> String {
    match record {
        Record::Header(_) => "a second header: a snapshot holds one pool".into(),
        _ => "an end record is read by the reader, not compared".into(),
    }
}

/// A user of the earlier snapshot, from its line (which was read as a user record).
fn user_of(line: &str) -> Result<UserEntry, String> {
    match parse_line(line) {
        Ok(Record::User(u)) => Ok(u),
        _ => Err("a user record of the earlier snapshot no longer reads as one".into()),
    }
}

impl Comparison {
    pub fn new(before: Header) -> Comparison {
        Comparison {
            before,
            before_parts: PoolParts::default(),
            before_users: HashMap::new(),
            after: None,
            after_parts: PoolParts::default(),
            after_users: HashSet::new(),
            user_changes: Vec::new(),
        }
    }

    pub fn before_header(&self) -> &Header {
        &self.before
    }

    /// A record of the earlier snapshot and its line; the error names the rule it breaks.
    pub fn add_before(&mut self, record: Record, line: &str) -> Result<(), String> {
        if add_part(&mut self.before_parts, &record)? {
            return Ok(());
        }
        let Record::User(u) = record else {
            return Err(not_a_user_or_part(&record));
        };
        if self.before_users.contains_key(&u.username) {
            return Err(twice("user", &u.username));
        }
        self.before_users.insert(u.username, line.to_owned());
        Ok(())
    }

    /// The later snapshot's header, before its records.
    pub fn start_after(&mut self, header: Header) {
        self.after = Some(header);
    }

    /// A record of the later snapshot and its line, compared at once when it is a user.
    pub fn add_after(&mut self, record: &Record, line: &str) -> Result<(), String> {
        if add_part(&mut self.after_parts, record)? {
            return Ok(());
        }
        let Record::User(after) = record else {
            return Err(not_a_user_or_part(record));
        };
        if !self.after_users.insert(after.username.clone()) {
            return Err(twice("user", &after.username));
        }
        match self.before_users.remove(&after.username) {
            Some(before) if before == line => {}
            Some(before) => {
                let before = user_of(&before)?;
                self.user_changes
                    .extend(user_changes(Some(&before), Some(after)));
            }
            None => self.user_changes.extend(user_changes(None, Some(after))),
        }
        Ok(())
    }

    /// Every change: the pool's, then the users' by username (the earlier snapshot's users
    /// the later one lacks are removed).
    pub fn finish(mut self) -> Result<Diff, String> {
        for line in self.before_users.values() {
            let before = user_of(line)?;
            self.user_changes.extend(user_changes(Some(&before), None));
        }
        // Stable: a user's changes keep their order (removed before added, links first).
        self.user_changes
            .sort_by(|a, b| a.username().cmp(&b.username()));
        let mut changes = pool_changes(&self.before_parts, &self.after_parts);
        changes.append(&mut self.user_changes);
        let after = self.after.unwrap_or_else(|| self.before.clone());
        Ok(Diff {
            before: self.before,
            after,
            changes,
        })
    }
}
