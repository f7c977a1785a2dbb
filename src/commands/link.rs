//! `coglink link`: AdminLinkProviderForUser with the destination checked first.

use super::guard::{confirm_production, refuse_if_read_only};
use super::link_unlink::{
    apply_once, cli_input, describe_user, invalid, printed_input_skeleton, refused_locally,
    settle_earlier_runs, wants_output_skeleton,
};
use super::{CmdError, with_session};
use crate::aws::ops::Ops;
use crate::awscli::command::{aws_command, request_json};
use crate::awscli::input::{LINK, resolve};
use crate::change::merge::sign_in_overwrites;
use crate::change::{Engine, Planned};
use crate::cli::args::{GlobalArgs, LinkArgs, RequestArgs};
use crate::domain::sanitize::sanitize;
use crate::domain::{
    Known, LinkContext, LinkCounts, LinkRequest, MAX_ATTRIBUTE_NAMES_PER_PROVIDER, check_link,
};
use crate::journal::{Journal, LinkAttributes};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: LinkArgs) -> Result<(), CmdError> {
    if printed_input_skeleton(&LINK, &args.request) {
        return Ok(());
    }
    let flags = [
        args.user_pool_id.as_deref(),
        args.destination_user.as_deref(),
        args.source_user.as_deref(),
    ];
    let req: LinkRequest =
        resolve(&LINK, &flags, cli_input(&args.request)).map_err(CmdError::bad_input)?;
    let violations = check_link(&req, &LinkContext::default());
    if !violations.is_empty() {
        return Err(invalid(&violations));
    }
    if wants_output_skeleton(&args.request) {
        // The output shape of AdminLinkProviderForUser is empty: the AWS CLI prints nothing.
        return Ok(());
    }
    refuse_if_read_only(global, "link", LINK.operation, args.request.dry_run)?;
    let journal = Journal::default_location();
    with_session(global, async |_: &Session, ops: &Ops| {
        link(global, ops, &journal, &req, &args.request).await
    })
    .await
}

async fn link(
    global: &GlobalArgs,
    ops: &Ops,
    journal: &Journal,
    req: &LinkRequest,
    request: &RequestArgs,
) -> Result<(), CmdError> {
    let dry_run = request.dry_run;
    // Earlier changes left in flight first: one of them may be this very link.
    let engine = Engine::new(ops.clone(), journal.clone(), "cli");
    if !dry_run {
        settle_earlier_runs(&engine).await?;
    }
    let facts = ops.link_facts(req, Known::Unknown).await.map_err(|f| {
        CmdError::failure_while("reading the pool before AdminLinkProviderForUser", &f)
    })?;
    let violations = check_link(req, &facts.context());
    if !violations.is_empty() {
        return Err(refused_locally(LINK.operation, &violations, req.pool_id()));
    }
    let Some(dest) = facts.destination.as_ref() else {
        return Err(CmdError::rejected(
            "coglink: the destination user was not found",
        ));
    };
    println!("Destination: {}", describe_user(dest));
    for note in source_notes(req, &facts.providers, journal) {
        eprintln!("coglink: note: {}", sanitize(&note));
    }
    // What every later sign-in of the identity does to the destination.
    for note in sign_in_overwrites(dest, &[req.source()], &facts.providers, None) {
        println!("Note: {}", sanitize(&note));
    }
    let change = LinkCounts::link(dest.link_count());
    if dry_run {
        print_dry_run(global, req, change);
        return Ok(());
    }
    confirm_production(global, req.pool_id(), "link", request.yes)?;
    apply_once(&engine, &Planned::link(req.clone(), dest))
        .await
        .map(drop)
}

fn print_dry_run(global: &GlobalArgs, req: &LinkRequest, change: LinkCounts) {
    println!("Dry run: nothing was changed.");
    println!("Linked identities of the destination: {change}");
    println!("Request (AdminLinkProviderForUser):");
    println!("{}", request_json(req));
    println!("Equivalent AWS CLI command:");
    let (dest, src) = (req.destination(), req.source());
    println!(
        "{}",
        aws_command(&LINK, &global.target_spec(), req.pool_id(), &[&dest, &src])
    );
}

/// Warnings, never refusals, about a SAML/OIDC source's attribute name: outside the IdP's
/// mapping (Cognito accepts any claim), or a sixth distinct name for the IdP by the journal's
/// count (Cognito allows five; the journal knows only coglink's links, so it cannot refuse).
fn source_notes(
    req: &LinkRequest,
    providers: &[crate::domain::IdentityProviderInfo],
    journal: &Journal,
) -> Vec<String> {
    let source = req.source();
    let Some(provider) = providers.iter().find(|p| p.name == source.name()) else {
        return Vec::new();
    };
    let mut notes: Vec<String> = provider
        .attribute_warning(source.attribute_name())
        .into_iter()
        .collect();
    if !provider.provider_type.is_social()
        && source.attribute_name() != crate::domain::COGNITO_SUBJECT
    {
        let known = LinkAttributes::from_entries(&journal.read_all().unwrap_or_default());
        let in_use = known.names_in_use(req.pool_id(), source.name());
        if in_use.len() >= MAX_ATTRIBUTE_NAMES_PER_PROVIDER
            && !in_use.iter().any(|n| n == source.attribute_name())
        {
            notes.push(format!(
                "the journal shows {}'s links already using {} attribute names ({}); Cognito \
                 allows {MAX_ATTRIBUTE_NAMES_PER_PROVIDER} per identity provider and will refuse \
                 another unless some were unlinked",
                source.name(),
                in_use.len(),
                in_use.join(", ")
            ));
        }
    }
    notes
}
