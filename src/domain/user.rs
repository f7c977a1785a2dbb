//! A user as every part of coglink sees it, whatever produced it (SDK, local endpoint, file).

use super::filter::SearchAttribute;
use super::identities::{
    IDENTITIES_ATTRIBUTE, IdentitiesError, IdentityRef, counts_toward_limit, parse_identities,
};
use super::provider::ProviderUserIdentifier;
use table::{IdentitySpans, Table, Width};

mod table;

/// `UserStatus` of users created by a federated sign-in.
pub const EXTERNAL_PROVIDER: &str = "EXTERNAL_PROVIDER";

/// Attribute names a user stores as a one-byte code: Cognito's standard attributes and
/// `identities`. Any other name (`custom:…`, or one this list lacks) is kept with the
/// user's own text, so untrusted names never grow a shared table.
const KNOWN_NAMES: [&str; 21] = [
    "sub",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
    "updated_at",
    IDENTITIES_ATTRIBUTE,
];

/// `UserStatus` values stored as a one-byte code; another one is kept with the user's text.
const KNOWN_STATUSES: [&str; 8] = [
    "CONFIRMED",
    "UNCONFIRMED",
    "FORCE_CHANGE_PASSWORD",
    "RESET_REQUIRED",
    EXTERNAL_PROVIDER,
    "ARCHIVED",
    "COMPROMISED",
    "UNKNOWN",
];

/// `Part::kind` of a name kept in the text, and of the value following it.
const OWN_NAME: u8 = u8::MAX;
const OWN_VALUE: u8 = u8::MAX - 1;
/// `UserRecord::status` when the status is kept in the text.
const OWN_STATUS: u8 = u8::MAX;
/// `UserRecord::flags`: the `identities` attribute could not be parsed.
const IDENTITIES_INVALID: u8 = 1;

fn code_of(table: &[&str], name: &str) -> Option<u8> {
    table.iter().position(|n| *n == name).map(|i| i as u8)
}

/// A user of a pool with its attributes; `identities` is parsed once, on construction.
///
/// Compact, for pools of millions of users: the username, the status and every attribute
/// (name and value) live in one string, known attribute names and statuses are one-byte
/// codes, and a byte table (`table.rs`) says where each piece ends and where each parsed
/// identity's pieces are in the text (they are found in the `identities` value itself, so
/// they take no room of their own unless JSON escapes made them differ). Reading is by
/// accessor. Two allocations a user; 64 bytes of its own, with the link count kept.
#[derive(Clone)]
pub struct UserRecord {
    /// The username, the status when it has no code, then each attribute: its name when it
    /// has no code, and its value; then any identity piece not found in what precedes.
    text: Box<str>,
    table: Box<[u8]>,
    username_end: u32,
    status_end: u32,
    parts: u32,
    /// A code of `KNOWN_STATUSES`, or `OWN_STATUS` (the text after the username).
    status: u8,
    flags: u8,
    /// `link_count()`, or `u8::MAX` when it must be counted (255 or more).
    links: u8,
    pub enabled: bool,
    /// Epoch seconds; NaN when unknown.
    created: f64,
    modified: f64,
}

impl PartialEq for UserRecord {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.table == other.table
            && (self.username_end, self.status_end, self.parts)
                == (other.username_end, other.status_end, other.parts)
            && (self.status, self.flags, self.links, self.enabled)
                == (other.status, other.flags, other.links, other.enabled)
            && self.created.to_bits() == other.created.to_bits()
            && self.modified.to_bits() == other.modified.to_bits()
    }
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("username", &self.username())
            .field("status", &self.status())
            .field("enabled", &self.enabled)
            .field("attributes", &self.attributes().collect::<Vec<_>>())
            .field("created", &self.created())
            .field("modified", &self.modified())
            .finish()
    }
}

/// An offset in a user's text. A user's text is bounded by what a ListUsers page can carry,
/// far below 4 GiB.
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Where `piece` is in `text`: any place holding the same bytes, else appended to it.
fn locate(text: &mut String, piece: &str) -> (usize, usize) {
    match text.find(piece) {
        Some(at) => (at, at + piece.len()),
        None => {
            let at = text.len();
            text.push_str(piece);
            (at, text.len())
        }
    }
}

fn time(t: Option<f64>) -> f64 {
    t.unwrap_or(f64::NAN)
}

fn known_time(t: f64) -> Option<f64> {
    (!t.is_nan()).then_some(t)
}

impl UserRecord {
    /// A user as listed. A time that is NaN is taken as unknown.
    pub fn new(
        username: String,
        status: String,
        enabled: bool,
        attributes: Vec<(String, String)>,
        created: Option<f64>,
        modified: Option<f64>,
    ) -> Self {
        let pairs: Vec<(&str, &str)> = attributes
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        UserRecord::from_parts(&username, &status, enabled, &pairs, created, modified)
    }

    /// [`UserRecord::new`] from borrowed text (a listing's page, without a copy of each piece
    /// first).
    pub fn from_parts(
        username: &str,
        status: &str,
        enabled: bool,
        attributes: &[(&str, &str)],
        created: Option<f64>,
        modified: Option<f64>,
    ) -> Self {
        let own = |(n, v): &(&str, &str)| v.len() + code_of(&KNOWN_NAMES, n).map_or(n.len(), |_| 0);
        let mut text = String::with_capacity(
            username.len() + status.len() + attributes.iter().map(own).sum::<usize>(),
        );
        text.push_str(username);
        let username_end = offset(text.len());
        let status_code = code_of(&KNOWN_STATUSES, status).unwrap_or(OWN_STATUS);
        if status_code == OWN_STATUS {
            text.push_str(status);
        }
        let status_end = offset(text.len());
        let mut parts = Vec::with_capacity(attributes.len());
        let mut identities_value = None;
        for &(name, value) in attributes {
            let kind = match code_of(&KNOWN_NAMES, name) {
                Some(code) => code,
                None => {
                    text.push_str(name);
                    parts.push((text.len(), OWN_NAME));
                    OWN_VALUE
                }
            };
            let start = text.len();
            text.push_str(value);
            if name == IDENTITIES_ATTRIBUTE && identities_value.is_none() {
                identities_value = Some((start, text.len()));
            }
            parts.push((text.len(), kind));
        }
        let parsed = identities_value
            .map(|(start, end)| parse_identities(&text[start..end]))
            .unwrap_or(Ok(Vec::new()));
        let flags = if parsed.is_err() {
            IDENTITIES_INVALID
        } else {
            0
        };
        let spans: Vec<IdentitySpans> = parsed
            .unwrap_or_default()
            .iter()
            .map(|i| IdentitySpans {
                user_id: locate(&mut text, &i.user_id),
                provider_name: locate(&mut text, &i.provider_name),
                provider_type: locate(&mut text, &i.provider_type),
                issuer: i.issuer.as_deref().map_or((0, 0), |s| locate(&mut text, s)),
                flags: if i.primary { table::PRIMARY } else { 0 }
                    | if i.issuer.is_some() {
                        table::HAS_ISSUER
                    } else {
                        0
                    },
                date_created: i.date_created,
            })
            .collect();
        let links = spans
            .iter()
            .filter(|s| counts_toward_limit(s.flags & table::PRIMARY != 0))
            .count();
        let width = Width::for_text(text.len());
        UserRecord {
            links: u8::try_from(links).unwrap_or(u8::MAX),
            table: table::encode(width, &parts, &spans),
            text: text.into_boxed_str(),
            username_end,
            status_end,
            parts: offset(parts.len()),
            status: status_code,
            flags,
            enabled,
            created: time(created),
            modified: time(modified),
        }
    }

    fn slice(&self, (start, end): (usize, usize)) -> &str {
        self.text.get(start..end).unwrap_or_default()
    }

    fn table(&self) -> Table<'_> {
        Table {
            bytes: &self.table,
            width: Width::for_text(self.text.len()),
            parts: self.parts as usize,
        }
    }

    pub fn username(&self) -> &str {
        self.slice((0, self.username_end as usize))
    }

    pub fn status(&self) -> &str {
        match KNOWN_STATUSES.get(self.status as usize) {
            Some(known) => known,
            None => self.slice((self.username_end as usize, self.status_end as usize)),
        }
    }

    /// When the user was created, in epoch seconds.
    pub fn created(&self) -> Option<f64> {
        known_time(self.created)
    }

    /// When the user was last modified, in epoch seconds.
    pub fn modified(&self) -> Option<f64> {
        known_time(self.modified)
    }

    /// Name/value pairs in the order the service sent them.
    pub fn attributes(&self) -> Attributes<'_> {
        Attributes {
            user: self,
            table: self.table(),
            at: 0,
            start: self.status_end as usize,
        }
    }

    /// How many attributes the user has.
    pub fn attribute_count(&self) -> usize {
        let table = self.table();
        (0..table.parts)
            .filter_map(|i| table.part(i))
            .filter(|(_, kind)| *kind != OWN_NAME)
            .count()
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        match code_of(&KNOWN_NAMES, name) {
            Some(code) => {
                let table = self.table();
                let mut start = self.status_end as usize;
                for (end, kind) in (0..table.parts).filter_map(|i| table.part(i)) {
                    if kind == code {
                        return Some(self.slice((start, end)));
                    }
                    start = end;
                }
                None
            }
            None => self.attributes().find(|(n, _)| *n == name).map(|(_, v)| v),
        }
    }

    /// The values of the attributes of `set`, in its order, read in one pass.
    pub fn attributes_of<const N: usize>(&self, set: &AttributeSet<N>) -> [Option<&str>; N] {
        let mut out = [None; N];
        let table = self.table();
        let mut start = self.status_end as usize;
        let mut own_name: Option<&str> = None;
        for (end, kind) in (0..table.parts).filter_map(|i| table.part(i)) {
            let value = self.slice((start, end));
            start = end;
            let slot = match kind {
                OWN_NAME => {
                    own_name = Some(value);
                    continue;
                }
                OWN_VALUE => own_name
                    .take()
                    .and_then(|name| set.names.iter().position(|n| *n == name)),
                code => set.codes.iter().position(|c| *c == Some(code)),
            };
            if let Some(slot) = slot.and_then(|j| out.get_mut(j))
                && slot.is_none()
            {
                *slot = Some(value);
            }
        }
        out
    }

    /// The same user with `status` instead of its own (a builder for tests).
    #[cfg(test)]
    pub fn with_status(&self, status: &str) -> UserRecord {
        self.rebuilt(status, self.owned_attributes())
    }

    /// The same user with its attributes changed by `edit` (a builder for tests).
    #[cfg(test)]
    pub fn with_attributes(&self, edit: impl FnOnce(&mut Vec<(String, String)>)) -> UserRecord {
        let mut attributes = self.owned_attributes();
        edit(&mut attributes);
        self.rebuilt(self.status(), attributes)
    }

    /// The same user with other times (a builder for tests).
    #[cfg(test)]
    pub fn with_times(&self, created: Option<f64>, modified: Option<f64>) -> UserRecord {
        UserRecord {
            created: time(created),
            modified: time(modified),
            ..self.clone()
        }
    }

    /// The attributes as owned pairs.
    pub fn owned_attributes(&self) -> Vec<(String, String)> {
        self.attributes()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    }

    #[cfg(test)]
    fn rebuilt(&self, status: &str, attributes: Vec<(String, String)>) -> UserRecord {
        UserRecord::new(
            self.username().to_owned(),
            status.to_owned(),
            self.enabled,
            attributes,
            self.created(),
            self.modified(),
        )
    }

    pub fn email(&self) -> Option<&str> {
        self.attribute("email")
    }

    pub fn sub(&self) -> Option<&str> {
        self.attribute("sub")
    }

    /// Parsed identities; an invalid `identities` value is an error to show, not to hide.
    pub fn identities(&self) -> Result<Identities<'_>, IdentitiesError> {
        if self.flags & IDENTITIES_INVALID != 0 {
            let raw = self.attribute(IDENTITIES_ATTRIBUTE).unwrap_or_default();
            return Err(parse_identities(raw)
                .err()
                .unwrap_or_else(|| IdentitiesError {
                    reason: "unreadable".into(),
                }));
        }
        Ok(self.identities_or_empty())
    }

    /// Identities, or none when the attribute could not be parsed.
    pub fn identities_or_empty(&self) -> Identities<'_> {
        let table = self.table();
        Identities {
            user: self,
            table,
            at: 0,
            count: table.identity_count(),
        }
    }

    /// Linked identities counted toward the limit of 5.
    pub fn link_count(&self) -> usize {
        if self.links < u8::MAX {
            return self.links.into();
        }
        self.identities_or_empty()
            .filter(|i| counts_toward_limit(i.primary))
            .count()
    }

    /// A user created by a federated sign-in (`Google_...`), as opposed to a native user.
    pub fn is_federated(&self) -> bool {
        self.status() == EXTERNAL_PROVIDER || self.identities_or_empty().any(|i| i.primary)
    }

    /// The user's own federated identity, for federated users.
    pub fn primary_identity(&self) -> Option<IdentityRef<'_>> {
        self.identities_or_empty().find(|i| i.primary)
    }

    /// Whether this user lists the identity as linked to it (not as its own sign-in identity).
    pub fn holds_link(&self, identity: &ProviderUserIdentifier) -> bool {
        self.identities_or_empty()
            .any(|i| !i.primary && i.is_identified_by(identity))
    }

    /// Whether this user, read after a link of `source` when it had `before` links, shows the
    /// link: the identity is listed, or the count went up (an identity linked by an attribute
    /// other than its subject is listed by subject).
    pub fn shows_link(&self, source: &ProviderUserIdentifier, before: usize) -> bool {
        self.identities_or_empty()
            .any(|i| i.is_identified_by(source))
            || self.link_count() > before
    }

    /// The value ListUsers filters compare for this attribute.
    pub fn search_value(&self, attribute: SearchAttribute) -> Option<&str> {
        search_value(
            attribute,
            self.username(),
            self.status(),
            self.enabled,
            |name| self.attribute(name),
        )
    }
}

/// Attribute names looked up together (`UserRecord::attributes_of`), their codes found once.
#[derive(Clone, Debug)]
pub struct AttributeSet<const N: usize> {
    names: [&'static str; N],
    codes: [Option<u8>; N],
}

impl<const N: usize> AttributeSet<N> {
    pub fn new(names: [&'static str; N]) -> Self {
        AttributeSet {
            names,
            codes: names.map(|n| code_of(&KNOWN_NAMES, n)),
        }
    }
}

/// A user's attributes, in order (`UserRecord::attributes`).
pub struct Attributes<'a> {
    user: &'a UserRecord,
    table: Table<'a>,
    at: usize,
    start: usize,
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let (end, kind) = self.table.part(self.at)?;
        self.at += 1;
        let name = match kind {
            OWN_NAME => {
                let name = self.user.slice((self.start, end));
                let (value_end, _) = self.table.part(self.at)?;
                self.at += 1;
                let value = self.user.slice((end, value_end));
                self.start = value_end;
                return Some((name, value));
            }
            code => KNOWN_NAMES.get(code as usize).copied().unwrap_or_default(),
        };
        let value = self.user.slice((self.start, end));
        self.start = end;
        Some((name, value))
    }
}

/// A user's parsed identities, in the attribute's order (`UserRecord::identities`).
#[derive(Clone)]
pub struct Identities<'a> {
    user: &'a UserRecord,
    table: Table<'a>,
    at: usize,
    count: usize,
}

impl<'a> Iterator for Identities<'a> {
    type Item = IdentityRef<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.count {
            return None;
        }
        let spans = self.table.identity(self.at)?;
        self.at += 1;
        let user = self.user;
        Some(IdentityRef {
            user_id: user.slice(spans.user_id),
            provider_name: user.slice(spans.provider_name),
            provider_type: user.slice(spans.provider_type),
            issuer: (spans.flags & table::HAS_ISSUER != 0).then(|| user.slice(spans.issuer)),
            primary: spans.flags & table::PRIMARY != 0,
            date_created: spans.date_created,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count.saturating_sub(self.at);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Identities<'_> {}

impl std::fmt::Debug for Identities<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// The value ListUsers filters compare, for any user representation: `username`,
/// `cognito:user_status` and `status` (`Enabled`/`Disabled`) come from the user itself, the
/// others from its attributes (`attribute` looks one up by name).
pub fn search_value<'a>(
    attribute: SearchAttribute,
    username: &'a str,
    status: &'a str,
    enabled: bool,
    attribute_value: impl FnOnce(&str) -> Option<&'a str>,
) -> Option<&'a str> {
    match attribute {
        SearchAttribute::Username => Some(username),
        SearchAttribute::UserStatus => Some(status),
        SearchAttribute::Status => Some(if enabled { "Enabled" } else { "Disabled" }),
        other => attribute_value(other.as_str()),
    }
}

#[cfg(test)]
mod tests;
