//! `coglink unlink`: AdminDisableProviderForUser, with the user holding the identity found
//! first (a scan of the pool: Cognito cannot search by linked identity).

use super::link_unlink::{
    apply_once, cli_input, describe_user, invalid, printed_input_skeleton, refused_locally,
    settle_earlier_runs, wants_output_skeleton,
};
use crate::awscli::command::{aws_command, request_json};
use std::io::IsTerminal;

use super::guard::{confirm_production, refuse_if_read_only};
use super::{CmdError, with_session};
use crate::aws::listing::{self, ListingEvent, ListingSettings};
use crate::aws::ops::Ops;
use crate::awscli::input::{UNLINK, resolve};
use crate::change::{Engine, Planned};
use crate::cli::args::{GlobalArgs, RequestArgs, UnlinkArgs};
use crate::domain::sanitize::sanitize;
use crate::domain::{
    COGNITO, COGNITO_SUBJECT, IdentityProviderInfo, Known, LinkCounts, ProviderUserIdentifier,
    UnlinkRequest, UserRecord, check_unlink,
};
use crate::journal::{Journal, LinkAttributes};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: UnlinkArgs) -> Result<(), CmdError> {
    if printed_input_skeleton(&UNLINK, &args.request) {
        return Ok(());
    }
    let flags = [args.user_pool_id.as_deref(), args.user.as_deref()];
    let req: UnlinkRequest =
        resolve(&UNLINK, &flags, cli_input(&args.request)).map_err(CmdError::bad_input)?;
    let violations = check_unlink(&req, None, None, &Known::Unknown);
    if !violations.is_empty() {
        return Err(invalid(&violations));
    }
    if wants_output_skeleton(&args.request) {
        return Ok(());
    }
    refuse_if_read_only(global, "unlink", UNLINK.operation, args.request.dry_run)?;
    match (
        req.disables_password_sign_in(),
        args.disable_password_sign_in,
    ) {
        (true, false) if !args.request.dry_run => {
            return Err(CmdError::bad_input(format!(
                "User.ProviderName: Cognito removes no linked identity. {} Pass \
                 --disable-password-sign-in to do that, or --dry-run to review it.",
                req.password_sign_in_warning()
            )));
        }
        (false, true) => {
            return Err(CmdError::bad_input(
                "--disable-password-sign-in: only with User.ProviderName=Cognito",
            ));
        }
        _ => {}
    }
    let journal = Journal::default_location();
    with_session(global, async |_: &Session, ops: &Ops| {
        unlink(global, ops, &journal, &req, &args.request).await
    })
    .await
}

async fn unlink(
    global: &GlobalArgs,
    ops: &Ops,
    journal: &Journal,
    req: &UnlinkRequest,
    request: &RequestArgs,
) -> Result<(), CmdError> {
    let dry_run = request.dry_run;
    // Earlier changes left in flight first: one of them may be this very unlink.
    let engine = Engine::new(ops.clone(), journal.clone(), "cli");
    if !dry_run {
        settle_earlier_runs(&engine).await?;
    }
    let pool = req.pool_id();
    let providers = ops
        .list_providers(pool)
        .await
        .map_err(|f| CmdError::failure("ListIdentityProviders", &f))?;
    let violations = check_unlink(req, Some(true), Some(&providers), &Known::Unknown);
    if !violations.is_empty() {
        return Err(refused_locally(UNLINK.operation, &violations, pool));
    }
    let req = &with_link_attribute(req, &providers, journal)?;
    let identity = req.user();
    let holder = find_holder(ops, pool, &identity, global.listing_settings()).await?;
    match &holder {
        Some(user) if req.disables_password_sign_in() => {
            println!("User: {}", describe_user(user));
        }
        None if req.disables_password_sign_in() => {
            return Err(CmdError::rejected(format!(
                "User.ProviderAttributeValue: names no user of pool {}",
                sanitize(pool)
            )));
        }
        Some(user) => println!("Linked to: {}", describe_user(user)),
        None if identity.name() != COGNITO
            && matches!(identity.attribute_name(), "" | COGNITO_SUBJECT) =>
        {
            let violations = check_unlink(req, Some(true), Some(&providers), &Known::Absent);
            return Err(refused_locally(UNLINK.operation, &violations, pool));
        }
        None => println!(
            "Linked to: no user lists this identity by its value; Cognito decides (SAML/OIDC \
             identities linked by an attribute are stored under their subject)"
        ),
    }
    let change = holder
        .as_ref()
        .filter(|_| !req.disables_password_sign_in())
        .map(|u| LinkCounts::unlink(u.link_count()));
    if dry_run {
        print_dry_run(global, req, change);
        return Ok(());
    }
    confirm_production(global, req.pool_id(), "unlink", request.yes)?;
    let planned = Planned::Unlink {
        req: req.clone(),
        user: holder.as_ref().map(|u| u.username.clone()),
        counts: change,
        destination: None,
    };
    apply_once(&engine, &planned).await.map(drop)
}

/// A SAML/OIDC identity is unlinked by the attribute it was linked by, until it signs in
/// (cognito-fidelity (b)1): an empty `ProviderAttributeName` is filled in from the journal;
/// with no record, the likely names are offered; a name other than the journal's gets a note.
fn with_link_attribute(
    req: &UnlinkRequest,
    providers: &[IdentityProviderInfo],
    journal: &Journal,
) -> Result<UnlinkRequest, CmdError> {
    let id = req.user();
    let Some(provider) = providers.iter().find(|p| p.name == id.name()) else {
        return Ok(req.clone());
    };
    if provider.provider_type.is_social() {
        return Ok(req.clone());
    }
    // An unreadable journal only means coglink cannot help here; the journal check before
    // sending still refuses to send without a writable journal.
    let known = LinkAttributes::from_entries(&journal.read_all().unwrap_or_default());
    let linked_by = known.get(req.pool_id(), id.name(), id.value());
    let safe = |s: &str| sanitize(s).into_owned();
    match (id.attribute_name(), linked_by) {
        ("", Some(l)) => {
            println!(
                "ProviderAttributeName: {} (as it was linked, journal {})",
                safe(&l.attribute_name),
                safe(&l.time)
            );
            let user = ProviderUserIdentifier::new(id.name(), Some(&l.attribute_name), id.value());
            Ok(UnlinkRequest::new(req.pool_id(), user))
        }
        ("", None) => Err(CmdError::bad_input(format!(
            "User.ProviderAttributeName: is required for a {} identity: name the attribute it \
             was linked by (until it signs in, Cognito unlinks it only by that name). The \
             journal has no link of it; likely: {}",
            provider.provider_type,
            provider.suggested_attribute_names().join(", ")
        ))),
        (given, Some(l)) if given != l.attribute_name => {
            eprintln!(
                "coglink: note: the journal says this {} identity was linked by {} ({}); until \
                 it signs in, Cognito unlinks it only by that name, not by {}.",
                safe(id.name()),
                safe(&l.attribute_name),
                safe(&l.time),
                safe(given)
            );
            Ok(req.clone())
        }
        _ => Ok(req.clone()),
    }
}

fn print_dry_run(global: &GlobalArgs, req: &UnlinkRequest, change: Option<LinkCounts>) {
    println!("Dry run: nothing was changed.");
    if req.disables_password_sign_in() {
        let warning = req.password_sign_in_warning();
        if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            println!("\x1b[1;31m{warning}\x1b[0m");
        } else {
            println!("{warning}");
        }
        println!("Sending it needs --disable-password-sign-in.");
    }
    if let Some(change) = change {
        println!("Linked identities of the user: {change}");
    }
    println!("Request (AdminDisableProviderForUser):");
    println!("{}", request_json(req));
    println!("Equivalent AWS CLI command:");
    let user = req.user();
    println!(
        "{}",
        aws_command(&UNLINK, &global.target_spec(), req.pool_id(), &[&user])
    );
}

/// The user the identity is linked to: the native user itself for `Cognito`, otherwise the
/// first user listing it, found by paging through the pool.
async fn find_holder(
    ops: &Ops,
    pool: &str,
    identity: &ProviderUserIdentifier,
    listing: ListingSettings,
) -> Result<Option<UserRecord>, CmdError> {
    if identity.name() == COGNITO {
        return ops
            .get_user(pool, identity.value())
            .await
            .map_err(|f| CmdError::failure("AdminGetUser", &f));
    }
    let (_, mut events) = listing::start_chosen(ops.clone(), pool, None, listing).await;
    while let Some(event) = events.recv().await {
        match event {
            ListingEvent::Page { users } => {
                if let Some(user) = users.into_iter().find(|u| u.holds_link(identity)) {
                    return Ok(Some(user));
                }
            }
            ListingEvent::Retrying { .. } => {}
            ListingEvent::Finished(_) => return Ok(None),
            ListingEvent::Failed(f) => return Err(CmdError::failure("ListUsers", &f)),
        }
    }
    Ok(None)
}
