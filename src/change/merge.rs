//! A merge of two accounts as a sequence of engine steps, planned from fresh reads. Pure.
//!
//! Keep user K (the native one), merge federated user F: add K to F's groups and copy the
//! attributes chosen (additive steps first, so an interruption loses nothing), delete F, then
//! link each identity F held to K (Cognito refuses to link an identity that has signed in:
//! "Merging is not currently supported"; the delete is the only way). Everything the last
//! steps need is checked before the first: a link refused after the delete would leave the
//! identity unlinked, and its next sign-in would make yet another user
//! (`../shared/duplicates-and-merge.md` §3, "Safe order").

use super::plan::Planned;
use crate::domain::{
    COGNITO_SUBJECT, IdentityProviderInfo, LinkCounts, LinkRequest, MAX_LINKED_IDENTITIES,
    MAX_SOURCE_CHARS, ProviderUserIdentifier, UserRecord, source_chars,
};

/// What the plan is made from: both users and their groups as just read, and the pool's
/// identity providers.
#[derive(Clone, Debug)]
pub struct MergeInputs {
    pub pool_id: String,
    pub keep: UserRecord,
    pub keep_groups: Vec<String>,
    pub merged: UserRecord,
    pub merged_groups: Vec<String>,
    pub providers: Vec<IdentityProviderInfo>,
    /// The pool's immutable attributes (`Mutable: false`).
    pub immutable_attributes: Vec<String>,
}

/// What the admin chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeOptions {
    pub copy_groups: bool,
    /// Attribute names to copy from F to K.
    pub copy_attributes: Vec<String>,
    /// Merge although the shared email (phone) is not verified on both sides.
    pub allow_unverified: bool,
}

/// The reviewed plan.
#[derive(Clone, Debug, PartialEq)]
pub struct MergePlan {
    pub steps: Vec<Planned>,
    /// The identities moved to K, as `Provider subject`.
    pub identities: Vec<String>,
    /// What K gains, one line each.
    pub gains: Vec<String>,
    /// What is lost for good, one line each.
    pub lost: Vec<String>,
    /// Warnings to read before confirming.
    pub warnings: Vec<String>,
    pub counts: LinkCounts,
}

/// Attributes Cognito sets itself: never copied.
const NEVER_COPIED: [&str; 2] = ["sub", "identities"];

/// The plan, or every reason it is refused (each naming the option and the rule).
pub fn plan_merge(inputs: &MergeInputs, options: &MergeOptions) -> Result<MergePlan, Vec<String>> {
    let (k, f) = (&inputs.keep, &inputs.merged);
    let mut refusals = Vec::new();
    if k.username() == f.username() {
        refusals.push("--merge: names the user to keep; name the other user".to_owned());
    }
    if !f.is_federated() {
        refusals.push(format!(
            "--merge: {} is a native user: only a federated user (made by a sign-in with an \
             identity provider) can be merged into another, as a native user cannot be a link \
             source",
            f.username()
        ));
    }
    // F's own identity first, then any linked to it.
    let mut moved: Vec<(String, String)> = f
        .identities_or_empty()
        .filter(|i| i.primary)
        .chain(f.identities_or_empty().filter(|i| !i.primary))
        .map(|i| (i.provider_name.to_owned(), i.user_id.to_owned()))
        .collect();
    if moved.is_empty() && f.is_federated() {
        refusals.push(format!(
            "--merge: {}'s identities cannot be read, so what to link after the delete is \
             unknown",
            f.username()
        ));
    }
    moved.dedup();
    let sources: Vec<ProviderUserIdentifier> = moved
        .iter()
        .map(|(p, s)| ProviderUserIdentifier::new(p, Some(COGNITO_SUBJECT), s))
        .collect();
    for source in &sources {
        if !inputs.providers.iter().any(|p| p.name == source.name()) {
            refusals.push(format!(
                "--merge: the identity provider {} of {} no longer exists in the pool: its \
                 identity could not be linked after the delete",
                source.name(),
                f.username()
            ));
        }
        if source_chars(source) > MAX_SOURCE_CHARS {
            refusals.push(format!(
                "--merge: the identity {} {} is longer than {MAX_SOURCE_CHARS} characters in \
                 all: Cognito would refuse to link it",
                source.name(),
                source.value()
            ));
        }
        if k.holds_link(source) {
            refusals.push(format!(
                "--merge: {} already holds {} {} ({} is a linked sign-in's profile): nothing \
                 to merge",
                k.username(),
                source.name(),
                source.value(),
                f.username()
            ));
        }
    }
    let before = k.link_count();
    let after = before + sources.len();
    if after > MAX_LINKED_IDENTITIES {
        refusals.push(format!(
            "--keep: {} holds {before}/{MAX_LINKED_IDENTITIES} linked identities; merging {} \
             would make it {after}/{MAX_LINKED_IDENTITIES}",
            k.username(),
            f.username()
        ));
    }
    if !options.allow_unverified
        && let Some(problem) = verification_problem(k, f)
    {
        refusals.push(problem);
    }
    for name in &options.copy_attributes {
        if NEVER_COPIED.contains(&name.as_str()) {
            refusals.push(format!(
                "--copy-attributes: {name} cannot be copied: Cognito sets it for each user"
            ));
        } else if f.attribute(name).is_none() {
            refusals.push(format!(
                "--copy-attributes: {} has no attribute {name}",
                f.username()
            ));
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }

    let pool = inputs.pool_id.clone();
    let mut steps = Vec::new();
    let groups: Vec<&String> = inputs
        .merged_groups
        .iter()
        .filter(|g| !inputs.keep_groups.contains(g))
        .collect();
    if options.copy_groups {
        for g in &groups {
            steps.push(Planned::AddToGroup {
                pool_id: pool.clone(),
                user: k.username().to_owned(),
                group: (*g).clone(),
            });
        }
    }
    let copied: Vec<(String, String)> = options
        .copy_attributes
        .iter()
        .filter_map(|n| Some((n.clone(), f.attribute(n)?.to_owned())))
        .collect();
    if !copied.is_empty() {
        steps.push(Planned::CopyAttributes {
            pool_id: pool.clone(),
            user: k.username().to_owned(),
            attributes: copied.clone(),
        });
    }
    steps.push(Planned::DeleteUser {
        pool_id: pool.clone(),
        user: f.username().to_owned(),
    });
    for (i, source) in sources.iter().enumerate() {
        steps.push(Planned::Link {
            req: LinkRequest::new(
                &pool,
                ProviderUserIdentifier::cognito_user(k.username()),
                source.clone(),
            ),
            user: k.username().to_owned(),
            counts: LinkCounts::link(before + i),
        });
    }

    let identities: Vec<String> = moved.iter().map(|(p, s)| format!("{p} {s}")).collect();
    let mut gains = vec![format!("identities: {}", identities.join(", "))];
    gains.push(match (options.copy_groups, groups.is_empty()) {
        (_, true) => "groups: none to add (F is in no group K is not in)".to_owned(),
        (true, false) => format!("groups: {}", join(&groups)),
        (false, false) => format!(
            "groups: none (without --copy-groups; {} is in {})",
            f.username(),
            join(&groups)
        ),
    });
    gains.push(if copied.is_empty() {
        "attributes: none (without --copy-attributes)".to_owned()
    } else {
        format!(
            "attributes: {}",
            copied
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    let not_copied: Vec<&str> = f
        .attributes()
        .map(|(n, _)| n)
        .filter(|n| !NEVER_COPIED.contains(n) && !options.copy_attributes.iter().any(|c| c == n))
        .collect();
    let mut lost = vec![format!(
        "{}'s sub {} (never reassigned: data an application keys on it must move to {}'s sub; \
         the remap file says from which to which)",
        f.username(),
        f.sub().unwrap_or("(unknown)"),
        k.username()
    )];
    if !not_copied.is_empty() {
        lost.push(format!("attributes not copied: {}", not_copied.join(", ")));
    }
    if !options.copy_groups && !groups.is_empty() {
        lost.push(format!("group memberships: {}", join(&groups)));
    }
    lost.push(format!(
        "{}'s creation date{}, status {}, enabled flag, and any password, MFA or remembered \
         device set on it",
        f.username(),
        f.created()
            .map(|t| format!(" ({})", crate::journal::rfc3339_of_secs(t)))
            .unwrap_or_default(),
        f.status()
    ));
    let mut warnings = vec![format!(
        "whoever controls {} will sign in as {}, with {}'s attributes and groups",
        identities.join(" or "),
        k.username(),
        k.username()
    )];
    warnings.extend(sign_in_overwrites(
        k,
        &sources,
        &inputs.providers,
        Some(&inputs.immutable_attributes),
    ));
    Ok(MergePlan {
        steps,
        identities,
        gains,
        lost,
        warnings,
        counts: LinkCounts { before, after },
    })
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the pair may not be merged without `--allow-unverified`: no email (case-folded) or
/// phone number that both hold verified (policy, `duplicates-and-merge.md` §5).
fn verification_problem(k: &UserRecord, f: &UserRecord) -> Option<String> {
    let shared = |attr: &str, verified: &str, fold: bool| {
        let norm = |u: &UserRecord| {
            u.attribute(attr)
                .map(|v| {
                    if fold {
                        v.trim().to_lowercase()
                    } else {
                        v.trim().to_owned()
                    }
                })
                .filter(|v| !v.is_empty())
        };
        norm(k).is_some()
            && norm(k) == norm(f)
            && k.attribute(verified) == Some("true")
            && f.attribute(verified) == Some("true")
    };
    if shared("email", "email_verified", true)
        || shared("phone_number", "phone_number_verified", false)
    {
        return None;
    }
    Some(format!(
        "--allow-unverified: {} and {} share no verified email or phone number: whoever got an \
         identity provider to assert {}'s email would sign in as {} (takeover risk). Check \
         they are the same person, then pass --allow-unverified",
        k.username(),
        f.username(),
        k.username(),
        k.username()
    ))
}

/// What each later sign-in of the moved identities does to K: the IdP's mapping rewrites
/// every mapped attribute on K (duplicates-and-merge.md §8), and fails when one of them is
/// immutable in the pool. `immutable`: the pool's immutable attributes, `None` when not read.
pub fn sign_in_overwrites(
    k: &UserRecord,
    sources: &[ProviderUserIdentifier],
    providers: &[IdentityProviderInfo],
    immutable: Option<&[String]>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for source in sources {
        if seen.contains(&source.name()) {
            continue;
        }
        seen.push(source.name());
        let Some(p) = providers.iter().find(|p| p.name == source.name()) else {
            continue;
        };
        if p.attribute_mapping.is_empty() {
            continue;
        }
        // `username` ← `sub` is how Cognito names the federated user, not an attribute of K.
        let list: Vec<String> = p
            .attribute_mapping
            .keys()
            .filter(|a| a.as_str() != "username")
            .map(|a| format!("{a} (now {})", k.attribute(a).unwrap_or("not set")))
            .collect();
        if list.is_empty() {
            continue;
        }
        out.push(format!(
            "each sign-in with {} rewrites on {}: {}{}",
            p.name,
            k.username(),
            list.join(", "),
            if immutable.is_none() {
                "; a mapped attribute that is immutable in the pool makes that sign-in fail"
            } else {
                ""
            }
        ));
        let stuck: Vec<&str> = p
            .attribute_mapping
            .keys()
            .map(String::as_str)
            .filter(|a| immutable.is_some_and(|im| im.iter().any(|i| i == a)))
            .collect();
        if !stuck.is_empty() {
            out.push(format!(
                "every sign-in with {} will FAIL on {}: it maps {}, immutable in this pool \
                 (Cognito cannot rewrite them); change the mapping before relying on this \
                 identity",
                p.name,
                k.username(),
                stuck.join(", ")
            ));
        }
        if p.attribute_mapping.contains_key("email")
            && k.attribute("email_verified") == Some("true")
        {
            out.push(format!(
                "{}'s email_verified becomes false at each sign-in with {} unless its \
                 verification claim is mapped to email_verified",
                k.username(),
                p.name
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
