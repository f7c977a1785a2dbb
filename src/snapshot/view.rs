//! A whole pool in memory, keyed for comparing: what `diff` compares, built from a snapshot
//! file or from a live listing. Pure.

use std::collections::BTreeMap;

use super::format::{GroupEntry, Header, ProviderEntry, Record, UserEntry};

/// A pool as a snapshot describes it, each kind keyed by name.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolView {
    pub header: Header,
    pub providers: BTreeMap<String, ProviderEntry>,
    pub groups: BTreeMap<String, GroupEntry>,
    pub users: BTreeMap<String, UserEntry>,
}

impl PoolView {
    pub fn new(header: Header) -> PoolView {
        PoolView {
            header,
            providers: BTreeMap::new(),
            groups: BTreeMap::new(),
            users: BTreeMap::new(),
        }
    }

    /// Adds a provider, group or user; the error names the rule it breaks (a name twice, a
    /// header or end record, which the reader handles).
    pub fn add(&mut self, record: Record) -> Result<(), String> {
        let (kind, name, fresh) = match record {
            Record::Provider(p) => {
                let name = p.name.clone();
                (
                    "identity provider",
                    name.clone(),
                    insert(&mut self.providers, name, p),
                )
            }
            Record::Group(g) => {
                let name = g.name.clone();
                ("group", name.clone(), insert(&mut self.groups, name, g))
            }
            Record::User(u) => {
                let name = u.username.clone();
                ("user", name.clone(), insert(&mut self.users, name, u))
            }
            Record::Header(_) => return Err("a second header: a snapshot holds one pool".into()),
            Record::End(_) => return Err("an end record is handled by the reader".into()),
        };
        if fresh {
            Ok(())
        } else {
            Err(format!(
                "{kind} {name:?} appears twice: a name is unique in a pool"
            ))
        }
    }
}

fn insert<T>(map: &mut BTreeMap<String, T>, key: String, value: T) -> bool {
    use std::collections::btree_map::Entry;
    match map.entry(key) {
        Entry::Vacant(v) => {
            v.insert(value);
            true
        }
        Entry::Occupied(_) => false,
    }
}
