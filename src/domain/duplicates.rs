//! Finding the people who have two (or more) users: users grouped by case-folded email and
//! by phone number, each group classified by what can safely be done about it. Pure: the
//! CLI's `duplicates` and the TUI run it over users they loaded.
//!
//! Policy (see `../shared/duplicates-and-merge.md` §5-§7, inferred): a group is
//! *mergeable* only with exactly one native user and federated users whose identities are
//! not linked yet, every member holding the matched email (phone) *verified*; a group where
//! one side is unverified is reported only (an IdP asserting someone else's address would
//! take the account over); two native users (case variants) need a person's choice, as
//! neither can be a link source; a federated user whose identity the native user already
//! holds is a linked sign-in's shadow profile, never merged.

use super::provider::MAX_LINKED_IDENTITIES;
use super::user::UserRecord;

/// What users are matched by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchBy {
    Email,
    Phone,
}

impl MatchBy {
    pub fn name(self) -> &'static str {
        match self {
            MatchBy::Email => "email",
            MatchBy::Phone => "phone",
        }
    }

    fn attribute(self) -> &'static str {
        match self {
            MatchBy::Email => "email",
            MatchBy::Phone => "phone_number",
        }
    }

    fn verified_attribute(self) -> &'static str {
        match self {
            MatchBy::Email => "email_verified",
            MatchBy::Phone => "phone_number_verified",
        }
    }

    /// The value users are compared by: a whole address, case-folded (no Gmail dot or
    /// `+tag` folding: policy, §6); a phone number as stored (E.164).
    fn key(self, value: &str) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        Some(match self {
            MatchBy::Email => v.to_lowercase(),
            MatchBy::Phone => v.to_owned(),
        })
    }
}

/// One user of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub username: String,
    pub sub: Option<String>,
    /// A federated user's own identity (provider name, subject); `None` for a native user.
    pub identity: Option<(String, String)>,
    /// The matched value as this user holds it (before case folding).
    pub value: String,
    pub verified: bool,
    pub links: usize,
    /// For a federated member: the native member of the group that already holds its
    /// identity as a link (then this user is a linked sign-in's shadow profile).
    pub linked_to: Option<String>,
}

impl Member {
    pub fn is_federated(&self) -> bool {
        self.identity.is_some()
    }
}

/// What can be done about a group, most constrained first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupClass {
    /// Every federated member's identity is linked to the native member already.
    AlreadyLinked,
    /// Two or more native users (or no native one): a person chooses which to keep.
    NeedsChoice,
    /// One side's email (phone) is not verified: reported only; merging needs an explicit
    /// override that names the takeover risk.
    Unverified,
    /// Merging every federated member would pass 5 links on the native user.
    WouldPassLimit,
    /// One native user to keep, federated users to merge into it.
    Mergeable,
}

impl GroupClass {
    pub fn name(self) -> &'static str {
        match self {
            GroupClass::AlreadyLinked => "already_linked",
            GroupClass::NeedsChoice => "needs_choice",
            GroupClass::Unverified => "unverified",
            GroupClass::WouldPassLimit => "would_pass_limit",
            GroupClass::Mergeable => "mergeable",
        }
    }
}

/// Users holding one email (phone), classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateGroup {
    pub by: MatchBy,
    /// The folded value they share.
    pub key: String,
    pub members: Vec<Member>,
    pub class: GroupClass,
    /// The user to keep (the native one), when there is exactly one.
    pub keep: Option<String>,
    /// The federated users to merge into `keep` (not already linked).
    pub merge: Vec<String>,
    /// Why the group is in its class, in a sentence.
    pub reason: String,
}

impl DuplicateGroup {
    /// A member's role: `keep`, `merge`, `shadow` (a linked sign-in's profile) or `-`.
    pub fn role_of(&self, m: &Member) -> &'static str {
        if self.keep.as_deref() == Some(m.username.as_str()) {
            "keep"
        } else if self.merge.contains(&m.username) {
            "merge"
        } else if m.linked_to.is_some() {
            "shadow"
        } else {
            "-"
        }
    }
}

/// Groups of two or more users sharing an email and/or phone number (`by`), ordered by
/// class (mergeable last), then key.
pub fn find_duplicates(users: &[UserRecord], by: &[MatchBy]) -> Vec<DuplicateGroup> {
    let mut groups = Vec::new();
    for &by in by {
        // Sorted (key, index) pairs rather than a map of buckets: one allocation for a
        // million users, and each group's users stay in the pool's order.
        let mut keyed: Vec<(String, usize)> = users
            .iter()
            .enumerate()
            .filter_map(|(i, u)| Some((by.key(u.attribute(by.attribute())?)?, i)))
            .collect();
        keyed.sort_unstable();
        for run in keyed.chunk_by(|a, b| a.0 == b.0) {
            if run.len() >= 2 {
                let holders: Vec<&UserRecord> = run.iter().map(|(_, i)| &users[*i]).collect();
                groups.push(classify(by, run[0].0.clone(), &holders));
            }
        }
    }
    groups.sort_by(|a, b| (a.class, a.by, &a.key).cmp(&(b.class, b.by, &b.key)));
    groups
}

fn member(by: MatchBy, user: &UserRecord) -> Member {
    let identity = user
        .primary_identity()
        .map(|i| (i.provider_name.to_owned(), i.user_id.to_owned()))
        .or_else(|| {
            // EXTERNAL_PROVIDER without a readable `identities`: the username's form
            // `<Provider>_<subject>` (§7), split at the first `_` (UNVERIFIED for provider
            // names holding `_`; `identities`, when readable, is used instead).
            (user.status() == "EXTERNAL_PROVIDER")
                .then(|| user.username().split_once('_'))
                .flatten()
                .filter(|(p, s)| !p.is_empty() && !s.is_empty())
                .map(|(p, s)| (p.to_owned(), s.to_owned()))
        });
    Member {
        username: user.username().to_owned(),
        sub: user.sub().map(str::to_owned),
        identity,
        value: user
            .attribute(by.attribute())
            .unwrap_or_default()
            .to_owned(),
        verified: user.attribute(by.verified_attribute()) == Some("true"),
        links: user.link_count(),
        linked_to: None,
    }
}

fn classify(by: MatchBy, key: String, holders: &[&UserRecord]) -> DuplicateGroup {
    let mut members: Vec<Member> = holders.iter().map(|u| member(by, u)).collect();
    members.sort_by(|a, b| (a.is_federated(), &a.username).cmp(&(b.is_federated(), &b.username)));
    let natives: Vec<&UserRecord> = holders
        .iter()
        .copied()
        .filter(|u| member_is_native(u))
        .collect();
    for m in members.iter_mut() {
        if let Some((provider, subject)) = &m.identity {
            m.linked_to = natives
                .iter()
                .find(|n| {
                    n.identities_or_empty()
                        .any(|i| !i.primary && i.provider_name == provider && i.user_id == subject)
                })
                .map(|n| n.username().to_owned());
        }
    }
    let native_members: Vec<&Member> = members.iter().filter(|m| !m.is_federated()).collect();
    let to_merge: Vec<&Member> = members
        .iter()
        .filter(|m| m.is_federated() && m.linked_to.is_none())
        .collect();
    let what = by.name();
    let any_federated = members.iter().any(Member::is_federated);
    let (class, keep, reason) = if to_merge.is_empty() && any_federated {
        (
            GroupClass::AlreadyLinked,
            native_members.first().map(|m| m.username.clone()),
            "every federated user's identity is already linked to the native user (their \
             profiles are linked sign-ins' shadows)"
                .to_owned(),
        )
    } else if native_members.len() != 1 {
        let reason = if native_members.is_empty() {
            format!(
                "no native user holds this {what}: choose which federated user to keep (it \
                 becomes the destination; its own sub stays)"
            )
        } else {
            format!(
                "{} native users hold this {what} (neither can be a link source): choose one",
                native_members.len()
            )
        };
        (GroupClass::NeedsChoice, None, reason)
    } else {
        let keep = native_members[0];
        let unverified: Vec<&str> = std::iter::once(keep)
            .chain(to_merge.iter().copied())
            .filter(|m| !m.verified)
            .map(|m| m.username.as_str())
            .collect();
        // Each merged user's own identity and every identity linked to it move to `keep`.
        let after = keep.links + to_merge.iter().map(|m| 1 + m.links).sum::<usize>();
        if !unverified.is_empty() {
            (
                GroupClass::Unverified,
                Some(keep.username.clone()),
                format!(
                    "the {what} is not verified for {}: whoever got an identity provider to \
                     assert this {what} would sign in as {} (takeover risk); merge only with \
                     --allow-unverified",
                    unverified.join(", "),
                    keep.username
                ),
            )
        } else if after > MAX_LINKED_IDENTITIES {
            (
                GroupClass::WouldPassLimit,
                Some(keep.username.clone()),
                format!(
                    "{} holds {}/{MAX_LINKED_IDENTITIES} links; merging would make it \
                     {after}/{MAX_LINKED_IDENTITIES}",
                    keep.username, keep.links
                ),
            )
        } else {
            (
                GroupClass::Mergeable,
                Some(keep.username.clone()),
                format!(
                    "merge {} into {} ({}/{MAX_LINKED_IDENTITIES} -> {after}/{MAX_LINKED_IDENTITIES})",
                    to_merge
                        .iter()
                        .map(|m| m.username.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    keep.username,
                    keep.links
                ),
            )
        }
    };
    let merge = match class {
        GroupClass::AlreadyLinked | GroupClass::NeedsChoice => Vec::new(),
        _ => to_merge.iter().map(|m| m.username.clone()).collect(),
    };
    DuplicateGroup {
        by,
        key,
        members,
        class,
        keep,
        merge,
        reason,
    }
}

/// A native user: not `EXTERNAL_PROVIDER` and no primary identity of its own.
fn member_is_native(user: &UserRecord) -> bool {
    !user.is_federated()
}

#[cfg(test)]
mod tests;
