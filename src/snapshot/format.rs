//! The records of a snapshot file and their conversion from what Cognito answers. Pure: no
//! I/O (reading is `read.rs`, writing `sink.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::identities::{IDENTITIES_ATTRIBUTE, encode_identities};
use crate::domain::{GroupInfo, IdentityProviderInfo, LinkedIdentity, UserRecord};
use crate::journal::rfc3339_of_secs;

/// The `format` of every snapshot's header.
pub const FORMAT: &str = "coglink-snapshot";
/// The one `format_version` this coglink writes and reads. A change a version-1 reader would
/// misread (a field that changes meaning, a new kind of record) bumps it; new optional fields
/// do not (readers ignore fields they do not know).
pub const FORMAT_VERSION: u32 = 1;

/// One line of a snapshot file, told apart by its `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Header(Header),
    Provider(ProviderEntry),
    Group(GroupEntry),
    User(UserEntry),
    End(EndEntry),
}

/// The first line: which pool, where, when and by what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub pool_id: String,
    pub pool_name: Option<String>,
    pub region: Option<String>,
    /// `local` for the embedded endpoint, the URL of `--endpoint-url`, or `null` for Cognito.
    pub endpoint: Option<String>,
    /// When the listing started, ISO 8601 UTC.
    pub taken_at: String,
    pub coglink_version: String,
}

impl Header {
    pub fn new(
        pool_id: &str,
        pool_name: Option<String>,
        region: Option<String>,
        endpoint: Option<String>,
        taken_at: String,
    ) -> Header {
        Header {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            pool_id: pool_id.to_owned(),
            pool_name,
            region,
            endpoint,
            taken_at,
            coglink_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// An identity provider of the pool with its attribute mapping (never its details: they
/// hold client secrets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub provider_type: String,
    /// Pool attribute → provider claim.
    pub attribute_mapping: BTreeMap<String, String>,
}

impl From<&IdentityProviderInfo> for ProviderEntry {
    fn from(p: &IdentityProviderInfo) -> Self {
        ProviderEntry {
            name: p.name.clone(),
            provider_type: p.provider_type.as_str().to_owned(),
            attribute_mapping: p.attribute_mapping.clone(),
        }
    }
}

/// A group of the pool (its members are in each user's `groups`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupEntry {
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i32>,
    pub role_arn: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
}

impl From<&GroupInfo> for GroupEntry {
    fn from(g: &GroupInfo) -> Self {
        GroupEntry {
            name: g.name.clone(),
            description: g.description.clone(),
            precedence: g.precedence,
            role_arn: g.role_arn.clone(),
            created: g.created.map(rfc3339_of_secs),
            modified: g.modified.map(rfc3339_of_secs),
        }
    }
}

/// A user: every attribute, its identities parsed, its groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserEntry {
    pub username: String,
    pub sub: Option<String>,
    pub status: String,
    pub enabled: bool,
    pub created: Option<String>,
    pub modified: Option<String>,
    /// Every attribute but `sub` (above) and `identities` (below), by name.
    pub attributes: BTreeMap<String, String>,
    /// The `identities` attribute, parsed, every field kept (the user's own sign-in identity
    /// has `primary: true`; the others are links).
    pub identities: Vec<LinkedIdentity>,
    /// The raw `identities` value when it is not a valid identity list (then `identities`
    /// is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities_unreadable: Option<String>,
    /// Group names, sorted.
    pub groups: Vec<String>,
}

impl UserEntry {
    /// The entry of a listed user, with its groups.
    pub fn from_user(user: UserRecord, groups: Vec<String>) -> UserEntry {
        UserEntry::of(&user, groups)
    }

    /// [`UserEntry::from_user`] of a user the caller keeps.
    pub fn of(user: &UserRecord, mut groups: Vec<String>) -> UserEntry {
        groups.sort();
        let identities = user
            .identities()
            .map(|ids| ids.map(|i| i.to_linked()).collect::<Vec<_>>())
            .map_err(|_| ());
        let mut sub = None;
        let mut identities_unreadable = None;
        let mut attributes = BTreeMap::new();
        for (name, value) in user.attributes() {
            match name {
                "sub" => sub = Some(value.to_owned()),
                IDENTITIES_ATTRIBUTE => {
                    if identities.is_err() {
                        identities_unreadable = Some(value.to_owned());
                    }
                }
                _ => {
                    attributes.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        UserEntry {
            username: user.username().to_owned(),
            sub,
            status: user.status().to_owned(),
            enabled: user.enabled,
            created: user.created().map(rfc3339_of_secs),
            modified: user.modified().map(rfc3339_of_secs),
            attributes,
            identities: identities.unwrap_or_default(),
            identities_unreadable,
            groups,
        }
    }

    /// The identities linked to this user (not its own sign-in identity).
    pub fn links(&self) -> impl Iterator<Item = &LinkedIdentity> {
        self.identities.iter().filter(|i| !i.primary)
    }

    /// The user as a listing would have it (the TUI's cache opens its table from these):
    /// `sub` first, then the attributes by name, then `identities` as Cognito stores them
    /// (the raw value when it was unreadable). Groups are not a user attribute: dropped.
    pub fn to_user(&self) -> UserRecord {
        let mut attributes = Vec::with_capacity(self.attributes.len() + 2);
        if let Some(sub) = &self.sub {
            attributes.push(("sub".to_owned(), sub.clone()));
        }
        attributes.extend(
            self.attributes
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        let identities = match &self.identities_unreadable {
            Some(raw) => Some(raw.clone()),
            None if self.identities.is_empty() => None,
            None => Some(encode_identities(&self.identities)),
        };
        if let Some(value) = identities {
            attributes.push((IDENTITIES_ATTRIBUTE.to_owned(), value));
        }
        UserRecord::new(
            self.username.clone(),
            self.status.clone(),
            self.enabled,
            attributes,
            self.created.as_deref().and_then(secs_of_rfc3339),
            self.modified.as_deref().and_then(secs_of_rfc3339),
        )
    }
}

/// Epoch seconds of an ISO 8601 time as [`rfc3339_of_secs`] writes it.
fn secs_of_rfc3339(text: &str) -> Option<f64> {
    use aws_smithy_types::date_time::{DateTime, Format};
    DateTime::from_str(text, Format::DateTime)
        .ok()
        .map(|t| t.as_secs_f64())
}

/// The last line: what the file holds, so a file cut short is told from a complete one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndEntry {
    pub providers: u64,
    pub groups: u64,
    pub users: u64,
}

/// One record as its line (no newline). Characters that must not reach a terminal are
/// `\u` escapes, so `cat` of a snapshot is safe; a JSON reader reads the same value back.
pub fn to_line(record: &Record) -> String {
    let json = serde_json::to_string(record).expect("snapshot records always serialize");
    crate::awscli::output::into_terminal_safe(json)
}

/// Reads one line as a record; the error says why it is not one.
pub fn parse_line(line: &str) -> Result<Record, String> {
    serde_json::from_str(line).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINKED: &str = r#"[{"userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":false,"dateCreated":1700000000000}]"#;

    fn listed(identities: &str) -> UserRecord {
        UserRecord::new(
            "diego".into(),
            "CONFIRMED".into(),
            true,
            vec![
                ("sub".into(), "s-1".into()),
                ("identities".into(), identities.into()),
                ("email".into(), "d@x.io".into()),
            ],
            Some(1_700_000_000.5),
            None,
        )
    }

    #[test]
    fn a_user_keeps_every_attribute_its_identities_parsed_and_sorted_groups() {
        let e = UserEntry::from_user(listed(LINKED), vec!["b".into(), "a".into()]);
        assert_eq!(e.sub.as_deref(), Some("s-1"));
        assert_eq!(e.attributes.keys().collect::<Vec<_>>(), ["email"]);
        assert_eq!(e.identities[0].user_id, "1");
        assert_eq!(e.identities_unreadable, None);
        assert_eq!(e.groups, ["a", "b"]);
        assert_eq!(e.created.as_deref(), Some("2023-11-14T22:13:20.5Z"));
        assert_eq!(e.links().count(), 1);
    }

    #[test]
    fn an_entry_reads_back_as_the_user_it_was_made_from() {
        for identities in [LINKED, "[oops", ""] {
            let user = listed(identities);
            let entry = UserEntry::from_user(user.clone(), vec!["g".into()]);
            let back = entry.to_user();
            assert_eq!(back.username(), "diego");
            assert_eq!(back.attribute("sub"), Some("s-1"));
            assert_eq!(back.email(), Some("d@x.io"));
            assert_eq!(back.created(), user.created());
            assert_eq!(back.link_count(), user.link_count());
            assert_eq!(back.identities().is_ok(), user.identities().is_ok());
            // And its entry again is the same, groups aside: nothing lost either way.
            assert_eq!(
                UserEntry::from_user(back, vec!["g".into()]),
                entry,
                "{identities}"
            );
        }
    }

    #[test]
    fn an_unreadable_identities_value_is_kept_raw() {
        let e = UserEntry::from_user(listed("[oops"), vec![]);
        assert!(e.identities.is_empty());
        assert_eq!(e.identities_unreadable.as_deref(), Some("[oops"));
    }

    #[test]
    fn a_record_reads_back_as_written_and_its_line_is_terminal_safe() {
        let mut e = UserEntry::from_user(listed(LINKED), vec![]);
        e.attributes
            .insert("name".into(), "ev\x1b[31mil\u{202e}".into());
        let record = Record::User(e);
        let line = to_line(&record);
        assert!(line.starts_with(r#"{"kind":"user","#), "{line}");
        assert!(
            !line.contains('\x1b') && !line.contains('\u{202e}'),
            "{line}"
        );
        assert_eq!(parse_line(&line).unwrap(), record);
        let header = Record::Header(Header::new("p_1", None, None, None, "t".into()));
        assert_eq!(parse_line(&to_line(&header)).unwrap(), header);
    }

    #[test]
    fn a_line_of_another_kind_is_refused_with_the_reason() {
        let e = parse_line(r#"{"kind":"pool","id":"x"}"#).unwrap_err();
        assert!(e.contains("unknown variant `pool`"), "{e}");
    }
}
