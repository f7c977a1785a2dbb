//! What changed between two views of a pool. Pure: no I/O, no printing (`commands/diff.rs`
//! prints).
//!
//! Users are matched by username. A user whose `sub` changed was deleted and another made
//! with its name: that is a user removed and a user added, not a change. For users in both
//! views the diff lists identities linked and unlinked (the user's own sign-in identity is
//! not a link), groups joined and left, and changes of attributes, status and enabled.
//! Changes of the pool's identity providers and groups come first. Last-modified times are
//! not compared: every change moves them. `compare.rs` runs these rules over two snapshots
//! as they stream.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::format::{GroupEntry, ProviderEntry, UserEntry};

/// A pool's identity providers and groups, by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolParts {
    pub providers: BTreeMap<String, ProviderEntry>,
    pub groups: BTreeMap<String, GroupEntry>,
}

/// One difference, worded for JSON by its `change` tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    ProviderAdded {
        provider: String,
        provider_type: String,
    },
    ProviderRemoved {
        provider: String,
        provider_type: String,
    },
    /// A pool attribute's mapped claim (`None`: not mapped).
    ProviderMappingChanged {
        provider: String,
        attribute: String,
        before: Option<String>,
        after: Option<String>,
    },
    GroupCreated {
        group: String,
    },
    GroupDeleted {
        group: String,
    },
    UserAdded {
        username: String,
        sub: Option<String>,
        status: String,
    },
    UserRemoved {
        username: String,
        sub: Option<String>,
        status: String,
    },
    IdentityLinked {
        username: String,
        provider: String,
        user_id: String,
    },
    IdentityUnlinked {
        username: String,
        provider: String,
        user_id: String,
    },
    GroupJoined {
        username: String,
        group: String,
    },
    GroupLeft {
        username: String,
        group: String,
    },
    /// `None`: the attribute is not set on that side.
    AttributeChanged {
        username: String,
        attribute: String,
        before: Option<String>,
        after: Option<String>,
    },
    StatusChanged {
        username: String,
        before: String,
        after: String,
    },
    EnabledChanged {
        username: String,
        before: bool,
        after: bool,
    },
}

impl Change {
    /// The user it is about; `None` for a change of the pool itself.
    pub fn username(&self) -> Option<&str> {
        match self {
            Change::ProviderAdded { .. }
            | Change::ProviderRemoved { .. }
            | Change::ProviderMappingChanged { .. }
            | Change::GroupCreated { .. }
            | Change::GroupDeleted { .. } => None,
            Change::UserAdded { username, .. }
            | Change::UserRemoved { username, .. }
            | Change::IdentityLinked { username, .. }
            | Change::IdentityUnlinked { username, .. }
            | Change::GroupJoined { username, .. }
            | Change::GroupLeft { username, .. }
            | Change::AttributeChanged { username, .. }
            | Change::StatusChanged { username, .. }
            | Change::EnabledChanged { username, .. } => Some(username),
        }
    }

    /// The change's name as JSON writes it (`identity_linked`).
    pub fn name(&self) -> &'static str {
        match self {
            Change::ProviderAdded { .. } => "provider_added",
            Change::ProviderRemoved { .. } => "provider_removed",
            Change::ProviderMappingChanged { .. } => "provider_mapping_changed",
            Change::GroupCreated { .. } => "group_created",
            Change::GroupDeleted { .. } => "group_deleted",
            Change::UserAdded { .. } => "user_added",
            Change::UserRemoved { .. } => "user_removed",
            Change::IdentityLinked { .. } => "identity_linked",
            Change::IdentityUnlinked { .. } => "identity_unlinked",
            Change::GroupJoined { .. } => "group_joined",
            Change::GroupLeft { .. } => "group_left",
            Change::AttributeChanged { .. } => "attribute_changed",
            Change::StatusChanged { .. } => "status_changed",
            Change::EnabledChanged { .. } => "enabled_changed",
        }
    }
}

/// The changes of the pool itself (identity providers, then groups).
pub fn pool_changes(before: &PoolParts, after: &PoolParts) -> Vec<Change> {
    let mut changes = Vec::new();
    providers(before, after, &mut changes);
    for name in only_in(&before.groups, &after.groups) {
        changes.push(Change::GroupDeleted {
            group: name.clone(),
        });
    }
    for name in only_in(&after.groups, &before.groups) {
        changes.push(Change::GroupCreated {
            group: name.clone(),
        });
    }
    changes
}

/// The changes of one username: added, removed, made again (another sub), or changed.
pub fn user_changes(before: Option<&UserEntry>, after: Option<&UserEntry>) -> Vec<Change> {
    let mut changes = Vec::new();
    match (before, after) {
        (Some(b), Some(a)) if b.sub == a.sub => changed(b, a, &mut changes),
        (b, a) => {
            if let Some(b) = b {
                changes.push(Change::UserRemoved {
                    username: b.username.clone(),
                    sub: b.sub.clone(),
                    status: b.status.clone(),
                });
            }
            if let Some(a) = a {
                changes.push(Change::UserAdded {
                    username: a.username.clone(),
                    sub: a.sub.clone(),
                    status: a.status.clone(),
                });
            }
        }
    }
    changes
}

fn only_in<'a, T>(
    these: &'a BTreeMap<String, T>,
    not_those: &'a BTreeMap<String, T>,
) -> impl Iterator<Item = &'a String> {
    these.keys().filter(|k| !not_those.contains_key(*k))
}

fn providers(before: &PoolParts, after: &PoolParts, changes: &mut Vec<Change>) {
    for (name, p) in &before.providers {
        match after.providers.get(name) {
            None => changes.push(Change::ProviderRemoved {
                provider: name.clone(),
                provider_type: p.provider_type.clone(),
            }),
            Some(a) => {
                for (attribute, before, after) in
                    changed_values(&p.attribute_mapping, &a.attribute_mapping)
                {
                    changes.push(Change::ProviderMappingChanged {
                        provider: name.clone(),
                        attribute,
                        before,
                        after,
                    });
                }
            }
        }
    }
    for (name, p) in &after.providers {
        if !before.providers.contains_key(name) {
            changes.push(Change::ProviderAdded {
                provider: name.clone(),
                provider_type: p.provider_type.clone(),
            });
        }
    }
}

/// Keys whose value differs (or is set on one side only), in key order.
fn changed_values(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<(String, Option<String>, Option<String>)> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (b, a) = (before.get(k), after.get(k));
            (b != a).then(|| (k.clone(), b.cloned(), a.cloned()))
        })
        .collect()
}

fn changed(before: &UserEntry, after: &UserEntry, changes: &mut Vec<Change>) {
    let username = || after.username.clone();
    let links = |u: &UserEntry| -> BTreeSet<(String, String)> {
        u.links()
            .map(|i| (i.provider_name.clone(), i.user_id.clone()))
            .collect()
    };
    let (was, now) = (links(before), links(after));
    for (provider, user_id) in was.difference(&now) {
        changes.push(Change::IdentityUnlinked {
            username: username(),
            provider: provider.clone(),
            user_id: user_id.clone(),
        });
    }
    for (provider, user_id) in now.difference(&was) {
        changes.push(Change::IdentityLinked {
            username: username(),
            provider: provider.clone(),
            user_id: user_id.clone(),
        });
    }
    let groups = |u: &UserEntry| -> BTreeSet<String> { u.groups.iter().cloned().collect() };
    let (was, now) = (groups(before), groups(after));
    for group in was.difference(&now) {
        changes.push(Change::GroupLeft {
            username: username(),
            group: group.clone(),
        });
    }
    for group in now.difference(&was) {
        changes.push(Change::GroupJoined {
            username: username(),
            group: group.clone(),
        });
    }
    let mut attributes = changed_values(&before.attributes, &after.attributes);
    if before.identities_unreadable != after.identities_unreadable {
        attributes.push((
            "identities".into(),
            before.identities_unreadable.clone(),
            after.identities_unreadable.clone(),
        ));
    }
    for (attribute, before, after) in attributes {
        changes.push(Change::AttributeChanged {
            username: username(),
            attribute,
            before,
            after,
        });
    }
    if before.status != after.status {
        changes.push(Change::StatusChanged {
            username: username(),
            before: before.status.clone(),
            after: after.status.clone(),
        });
    }
    if before.enabled != after.enabled {
        changes.push(Change::EnabledChanged {
            username: username(),
            before: before.enabled,
            after: after.enabled,
        });
    }
}

/// Every change name, in the order the enum lists them (the order of the counts).
pub const CHANGE_NAMES: [&str; 14] = [
    "provider_added",
    "provider_removed",
    "provider_mapping_changed",
    "group_created",
    "group_deleted",
    "user_added",
    "user_removed",
    "identity_linked",
    "identity_unlinked",
    "group_joined",
    "group_left",
    "attribute_changed",
    "status_changed",
    "enabled_changed",
];

/// How many changes of each kind there are, kinds without changes left out.
pub fn counts(changes: &[Change]) -> Vec<(&'static str, usize)> {
    CHANGE_NAMES
        .iter()
        .map(|name| (*name, changes.iter().filter(|c| c.name() == *name).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests;
