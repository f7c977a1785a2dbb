//! Opaque pagination tokens.
//!
//! A token records what it lists (`kind`), where (`scope`, e.g. the pool id) and the last key
//! returned. The next page starts strictly after that key, so users created or deleted between
//! pages never make an existing user appear twice or go missing: every user that exists for
//! the whole walk is returned exactly once. Hex keeps the token within Cognito's `[\S]+`.

use std::collections::BTreeMap;
use std::collections::btree_map::Range;
use std::ops::Bound;

use crate::domain::CognitoError;

/// What a token pages through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Users,
    Pools,
    Providers,
    Groups,
    /// The members of one group (ListUsersInGroup).
    GroupMembers,
    /// The groups of one user (AdminListGroupsForUser).
    UserGroups,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Users => "u1",
            Kind::Pools => "p1",
            Kind::Providers => "i1",
            Kind::Groups => "g1",
            Kind::GroupMembers => "m1",
            Kind::UserGroups => "ug1",
        }
    }
}

pub fn encode(kind: Kind, scope: &str, last_key: &str) -> String {
    let raw = format!("{}\0{scope}\0{last_key}", kind.tag());
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The last key of a token issued by [`encode`] for the same kind and scope.
/// The entries of `map` after the key a page token names (all of them without a token), in
/// key order: a page never repeats or skips an entry that exists throughout, whatever is
/// created or deleted between pages.
pub fn resume<'a, V>(
    map: &'a BTreeMap<String, V>,
    kind: Kind,
    scope: &str,
    token: Option<&str>,
) -> Result<Range<'a, String, V>, CognitoError> {
    let start = match token.map(|t| decode(kind, scope, t)).transpose()? {
        Some(k) => Bound::Excluded(k),
        None => Bound::Unbounded,
    };
    Ok(map.range((start, Bound::Unbounded)))
}

pub fn decode(kind: Kind, scope: &str, token: &str) -> Result<String, CognitoError> {
    let bad = CognitoError::invalid_pagination_token;
    if !token.len().is_multiple_of(2) || !token.is_ascii() {
        return Err(bad());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token[i..i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| bad())?;
    let raw = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = raw.splitn(3, '\0');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(tag), Some(s), Some(last)) if tag == kind.tag() && s == scope => Ok(last.to_owned()),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_key() {
        for key in ["alice", "Google_1178", "ünï cödé", "", "a\0b"] {
            let t = encode(Kind::Users, "us-east-1_X", key);
            assert!(t.chars().all(|c| c.is_ascii_hexdigit()));
            assert_eq!(decode(Kind::Users, "us-east-1_X", &t).unwrap(), key);
        }
    }

    #[test]
    fn refuses_tokens_of_another_pool_or_kind() {
        let t = encode(Kind::Users, "us-east-1_X", "alice");
        assert!(decode(Kind::Users, "us-east-1_Y", &t).is_err());
        assert!(decode(Kind::Providers, "us-east-1_X", &t).is_err());
    }

    #[test]
    fn refuses_garbage() {
        for t in ["zz", "abc", "é", "00", "7531"] {
            let e = decode(Kind::Users, "p", t).unwrap_err();
            assert_eq!(e.message, "Invalid pagination token.");
        }
    }
}
