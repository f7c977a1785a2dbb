//! `coglink link`: AdminLinkProviderForUser with the destination checked first.

use super::change::{
    Attempt, READ_BACK_ATTEMPTS, describe_user, finish, invalid, journal_preflight,
    read_back_pause, read_only_refusal, record, refused_locally,
};
use super::{CmdError, with_session};
use crate::aws::ops::Ops;
use crate::awscli::command::{aws_command, request_json, skeleton};
use crate::awscli::input::{LINK, resolve};
use crate::awscli::output::shell_quote;
use crate::cli::args::{GlobalArgs, LinkArgs, SkeletonKind};
use crate::domain::sanitize::sanitize;
use crate::domain::{
    CountChange, Known, LinkContext, LinkRequest, MAX_ATTRIBUTE_NAMES_PER_PROVIDER, UserRecord,
    check_link,
};
use crate::journal::{Counts, Journal, LinkAttributes, Outcome, Resolution};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: LinkArgs) -> Result<(), CmdError> {
    if args.request.generate_cli_skeleton == Some(SkeletonKind::Input) {
        println!("{}", skeleton(&LINK));
        return Ok(());
    }
    let flags = [
        args.user_pool_id.as_deref(),
        args.destination_user.as_deref(),
        args.source_user.as_deref(),
    ];
    let req: LinkRequest = resolve(&LINK, &flags, args.request.cli_input_json.as_deref())
        .map_err(CmdError::bad_input)?;
    let violations = check_link(&req, &LinkContext::default());
    if !violations.is_empty() {
        return Err(invalid(&violations));
    }
    if args.request.generate_cli_skeleton == Some(SkeletonKind::Output) {
        // The output shape of AdminLinkProviderForUser is empty: the AWS CLI prints nothing.
        return Ok(());
    }
    if global.read_only && !args.request.dry_run {
        return Err(read_only_refusal("link", LINK.operation));
    }
    let journal = Journal::default_location();
    with_session(global, async |session: &Session, ops: &Ops| {
        link(global, session, ops, &journal, &req, args.request.dry_run).await
    })
    .await
}

async fn link(
    global: &GlobalArgs,
    session: &Session,
    ops: &Ops,
    journal: &Journal,
    req: &LinkRequest,
    dry_run: bool,
) -> Result<(), CmdError> {
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
    let change = CountChange::link(dest.link_count());
    if dry_run {
        print_dry_run(global, req, change);
        return Ok(());
    }
    journal_preflight(journal)?;
    let mut attempt = Attempt {
        spec: &LINK,
        target: &session.connection.target,
        pool_id: req.pool_id(),
        request: req,
        user: Some(&dest.username),
        counts: Some(Counts {
            before: change.before,
            after: change.before,
        }),
    };
    let (result, outcome) = match ops.link(req).await {
        Ok(()) => {
            let after = refetch(ops, req).await.map(|u| u.link_count());
            let after = after.unwrap_or(change.after);
            attempt.counts = Some(Counts {
                before: change.before,
                after,
            });
            println!(
                "Linked {} to \"{}\": {} linked identities",
                describe_source(req),
                sanitize(&dest.username),
                CountChange {
                    before: change.before,
                    after
                }
            );
            (Ok(()), Outcome::Ok)
        }
        Err(f) if f.outcome_unknown() => {
            let (resolution, after) = resolve_unknown(ops, req, change.before).await;
            attempt.counts = Some(Counts {
                before: change.before,
                after: after.unwrap_or(change.before),
            });
            let result = report_unknown(&f, resolution, req);
            (
                result,
                Outcome::Unknown {
                    message: f.message.clone(),
                    resolution,
                },
            )
        }
        Err(f) => (
            Err(CmdError::failure(LINK.operation, &f)),
            Outcome::from_failure(&f),
        ),
    };
    finish(result, record(journal, &attempt, outcome))
}

fn describe_source(req: &LinkRequest) -> String {
    let s = req.source();
    format!(
        "{} {}={}",
        sanitize(s.name()),
        sanitize(s.attribute_name()),
        sanitize(s.value())
    )
}

fn print_dry_run(global: &GlobalArgs, req: &LinkRequest, change: CountChange) {
    println!("Dry run: nothing was changed.");
    println!("Linked identities of the destination: {change}");
    println!("Request (AdminLinkProviderForUser):");
    println!("{}", request_json(req));
    println!("Equivalent AWS CLI command:");
    let (dest, src) = (req.destination(), req.source());
    println!(
        "{}",
        aws_command(&LINK, global, req.pool_id(), &[&dest, &src])
    );
}

async fn refetch(ops: &Ops, req: &LinkRequest) -> Option<UserRecord> {
    let dest = req.destination();
    ops.find_destination(req.pool_id(), dest.name(), dest.value())
        .await
        .ok()
        .flatten()
}

/// Reads the destination again to learn whether a link with no clear answer was applied:
/// it was if the identity is now listed, or the count went up. A failed read is retried
/// (reads change nothing); the link itself is never resent.
async fn resolve_unknown(
    ops: &Ops,
    req: &LinkRequest,
    before: usize,
) -> (Resolution, Option<usize>) {
    let dest = req.destination();
    for attempt in 0..READ_BACK_ATTEMPTS {
        match ops
            .find_destination(req.pool_id(), dest.name(), dest.value())
            .await
        {
            Ok(Some(user)) => {
                let resolution = if user.shows_link(&req.source(), before) {
                    Resolution::Applied
                } else {
                    Resolution::NotApplied
                };
                return (resolution, Some(user.link_count()));
            }
            Ok(None) => break,
            Err(_) => read_back_pause(attempt).await,
        }
    }
    (Resolution::Unresolved, None)
}

fn report_unknown(
    f: &crate::aws::Failure,
    resolution: Resolution,
    req: &LinkRequest,
) -> Result<(), CmdError> {
    let first = format!(
        "coglink: no clear answer from AdminLinkProviderForUser ({}); read the destination again",
        f.message
    );
    match resolution {
        Resolution::Applied => {
            eprintln!("{first}: the link was applied.");
            println!(
                "Linked {} (confirmed by reading the user again)",
                describe_source(req)
            );
            Ok(())
        }
        Resolution::NotApplied => Err(CmdError::rejected(format!(
            "{first}: the link was NOT applied. Nothing was resent; run the command again to retry."
        ))),
        Resolution::Unresolved => Err(CmdError::rejected(format!(
            "{first}, which failed too: the outcome is unknown. Check the user with \
             `coglink users --user-pool-id {} --filter ...` before retrying.",
            shell_quote(req.pool_id())
        ))),
    }
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
