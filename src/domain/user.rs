//! A user as every part of coglink sees it, whatever produced it (SDK, local endpoint, file).

use super::filter::SearchAttribute;
use super::identities::{
    IDENTITIES_ATTRIBUTE, IdentitiesError, LinkedIdentity, link_count, parse_identities,
};
use super::provider::ProviderUserIdentifier;

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

/// A part of a user's text: an attribute value whose name has a code, or the name or the
/// value of an attribute whose name is kept in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Part {
    end: u32,
    kind: u8,
}

/// `Part::kind` of a name kept in the text, and of the value following it.
const OWN_NAME: u8 = u8::MAX;
const OWN_VALUE: u8 = u8::MAX - 1;
/// `UserRecord::status` when the status is kept in the text.
const OWN_STATUS: u8 = u8::MAX;

fn code_of(table: &[&str], name: &str) -> Option<u8> {
    table.iter().position(|n| *n == name).map(|i| i as u8)
}

/// A user of a pool with its attributes; `identities` is parsed once, on construction.
///
/// Compact, for pools of millions of users: the username, the status and every attribute
/// (name and value) live in one string, known attribute names and statuses are one-byte
/// codes, and a part table says where each piece ends. Reading is by accessor.
#[derive(Clone, PartialEq)]
pub struct UserRecord {
    /// The username, the status when it has no code, then each attribute: its name when it
    /// has no code, and its value.
    text: Box<str>,
    parts: Box<[Part]>,
    username_end: u32,
    /// A code of `KNOWN_STATUSES`, or `OWN_STATUS` (the text after the username).
    status: u8,
    status_end: u32,
    pub enabled: bool,
    /// Epoch seconds.
    pub created: Option<f64>,
    pub modified: Option<f64>,
    identities: Result<Box<[LinkedIdentity]>, Box<IdentitiesError>>,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("username", &self.username())
            .field("status", &self.status())
            .field("enabled", &self.enabled)
            .field("attributes", &self.attributes().collect::<Vec<_>>())
            .field("created", &self.created)
            .field("modified", &self.modified)
            .finish()
    }
}

/// An offset in a user's text. A user's text is bounded by what a ListUsers page can carry,
/// far below 4 GiB.
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl UserRecord {
    pub fn new(
        username: String,
        status: String,
        enabled: bool,
        attributes: Vec<(String, String)>,
        created: Option<f64>,
        modified: Option<f64>,
    ) -> Self {
        let identities = attributes
            .iter()
            .find(|(n, _)| n == IDENTITIES_ATTRIBUTE)
            .map(|(_, v)| parse_identities(v))
            .unwrap_or(Ok(Vec::new()))
            .map(Vec::into_boxed_slice)
            .map_err(Box::new);
        let own =
            |(n, v): &(String, String)| v.len() + code_of(&KNOWN_NAMES, n).map_or(n.len(), |_| 0);
        let mut text = String::with_capacity(
            username.len() + status.len() + attributes.iter().map(own).sum::<usize>(),
        );
        text.push_str(&username);
        let username_end = offset(text.len());
        let status_code = code_of(&KNOWN_STATUSES, &status).unwrap_or(OWN_STATUS);
        if status_code == OWN_STATUS {
            text.push_str(&status);
        }
        let status_end = offset(text.len());
        let mut parts = Vec::with_capacity(attributes.len());
        for (name, value) in &attributes {
            let kind = match code_of(&KNOWN_NAMES, name) {
                Some(code) => code,
                None => {
                    text.push_str(name);
                    parts.push(Part {
                        end: offset(text.len()),
                        kind: OWN_NAME,
                    });
                    OWN_VALUE
                }
            };
            text.push_str(value);
            parts.push(Part {
                end: offset(text.len()),
                kind,
            });
        }
        UserRecord {
            text: text.into_boxed_str(),
            parts: parts.into_boxed_slice(),
            username_end,
            status: status_code,
            status_end,
            enabled,
            created,
            modified,
            identities,
        }
    }

    fn slice(&self, start: u32, end: u32) -> &str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    pub fn username(&self) -> &str {
        self.slice(0, self.username_end)
    }

    pub fn status(&self) -> &str {
        match KNOWN_STATUSES.get(self.status as usize) {
            Some(known) => known,
            None => self.slice(self.username_end, self.status_end),
        }
    }

    /// Name/value pairs in the order the service sent them.
    pub fn attributes(&self) -> Attributes<'_> {
        Attributes {
            user: self,
            at: 0,
            start: self.status_end,
        }
    }

    /// How many attributes the user has.
    pub fn attribute_count(&self) -> usize {
        self.parts.iter().filter(|p| p.kind != OWN_NAME).count()
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        match code_of(&KNOWN_NAMES, name) {
            Some(code) => {
                let mut start = self.status_end;
                for p in self.parts.iter() {
                    if p.kind == code {
                        return Some(self.slice(start, p.end));
                    }
                    start = p.end;
                }
                None
            }
            None => self.attributes().find(|(n, _)| *n == name).map(|(_, v)| v),
        }
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
            self.created,
            self.modified,
        )
    }

    pub fn email(&self) -> Option<&str> {
        self.attribute("email")
    }

    pub fn sub(&self) -> Option<&str> {
        self.attribute("sub")
    }

    /// Parsed identities; an invalid `identities` value is an error to show, not to hide.
    pub fn identities(&self) -> Result<&[LinkedIdentity], &IdentitiesError> {
        match &self.identities {
            Ok(ids) => Ok(ids),
            Err(e) => Err(e),
        }
    }

    /// Identities, or none when the attribute could not be parsed.
    pub fn identities_or_empty(&self) -> &[LinkedIdentity] {
        self.identities().unwrap_or(&[])
    }

    /// Linked identities counted toward the limit of 5.
    pub fn link_count(&self) -> usize {
        link_count(self.identities_or_empty())
    }

    /// A user created by a federated sign-in (`Google_...`), as opposed to a native user.
    pub fn is_federated(&self) -> bool {
        self.status() == EXTERNAL_PROVIDER || self.identities_or_empty().iter().any(|i| i.primary)
    }

    /// The user's own federated identity, for federated users.
    pub fn primary_identity(&self) -> Option<&LinkedIdentity> {
        self.identities_or_empty().iter().find(|i| i.primary)
    }

    /// Whether this user lists the identity as linked to it (not as its own sign-in identity).
    pub fn holds_link(&self, identity: &ProviderUserIdentifier) -> bool {
        self.identities_or_empty()
            .iter()
            .any(|i| !i.primary && i.is_identified_by(identity))
    }

    /// Whether this user, read after a link of `source` when it had `before` links, shows the
    /// link: the identity is listed, or the count went up (an identity linked by an attribute
    /// other than its subject is listed by subject).
    pub fn shows_link(&self, source: &ProviderUserIdentifier, before: usize) -> bool {
        self.identities_or_empty()
            .iter()
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

/// A user's attributes, in order (`UserRecord::attributes`).
pub struct Attributes<'a> {
    user: &'a UserRecord,
    at: usize,
    start: u32,
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let user = self.user;
        let part = *user.parts.get(self.at)?;
        self.at += 1;
        let name = match part.kind {
            OWN_NAME => {
                let name = user.slice(self.start, part.end);
                self.start = part.end;
                let value_part = *user.parts.get(self.at)?;
                self.at += 1;
                let value = user.slice(self.start, value_part.end);
                self.start = value_part.end;
                return Some((name, value));
            }
            code => KNOWN_NAMES.get(code as usize).copied().unwrap_or_default(),
        };
        let value = user.slice(self.start, part.end);
        self.start = part.end;
        Some((name, value))
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
