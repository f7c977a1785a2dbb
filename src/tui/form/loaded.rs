//! What the loaded users say about a link, for validating the form on every keystroke
//! without asking Cognito: the destination's link count, the source already linked or
//! signed in as its own user. What is not loaded stays unknown.

use crate::domain::provider::federated_username;
use crate::domain::{
    COGNITO, DestinationFacts, IdentityProviderInfo, Known, LinkContext, LinkRequest,
    ProviderUserIdentifier, UserRecord,
};
use crate::tui::users::UserTable;

/// The user a loaded identifier names: `Cognito` + username, or a federated user by its
/// own identity or its `<Provider>_<id>` username (any case: some pools lower-case it).
fn loaded_user<'a>(users: &'a UserTable, id: &ProviderUserIdentifier) -> Option<&'a UserRecord> {
    if id.value().is_empty() {
        return None;
    }
    if id.is_cognito() {
        return users.find(id.value());
    }
    let username = federated_username(id.name(), id.value());
    users.all().find(|u| {
        u.username().eq_ignore_ascii_case(&username)
            || u.primary_identity().is_some_and(|p| p.is_identified_by(id))
    })
}

/// Facts for the rules from what the UI has loaded. What is not loaded stays unknown (the
/// table may hold a filtered part of the pool), so only conflicts seen are reported.
pub fn loaded_context<'a>(
    users: &UserTable,
    providers: Option<&'a [IdentityProviderInfo]>,
    req: &LinkRequest,
) -> LinkContext<'a> {
    let source = req.source();
    let destination = match loaded_user(users, &req.destination()) {
        Some(u) => Known::Present(DestinationFacts {
            username: u.username().to_owned(),
            link_count: u.link_count(),
        }),
        None => Known::Unknown,
    };
    let source_as_user = match source.name() {
        "" | COGNITO => Known::Unknown,
        _ => loaded_user(users, &source)
            .map_or(Known::Unknown, |u| Known::Present(u.username().to_owned())),
    };
    LinkContext {
        pool_exists: None,
        providers,
        destination,
        source_as_user,
        source_linked_to: linked_to(users, &source),
        source_attribute_names: None,
    }
}

/// The loaded user the identity is linked to, if any.
pub fn linked_to(users: &UserTable, identity: &ProviderUserIdentifier) -> Known<String> {
    if identity.value().is_empty() {
        return Known::Unknown;
    }
    users
        .all()
        .find(|u| u.holds_link(identity))
        .map_or(Known::Unknown, |u| Known::Present(u.username().to_owned()))
}
