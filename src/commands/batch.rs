//! `coglink batch FILE`: plan every row first, then link at the quota rate with progress,
//! recording each outcome in the progress file and the journal; a re-run resumes.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::guard::{confirm_production, refuse_if_read_only};
use super::link_unlink::{
    journal_preflight, not_recordable, outcome_not_recorded, settle_earlier_runs,
};
use super::{CmdError, with_session};
use crate::aws::ops::Ops;
use crate::aws::rate::{RateLimiter, paced_read};
use crate::awscli::input::LINK;
use crate::batch::plan::{Plan, PlannedRow, PoolFacts, RowAction, identity_key, plan};
use crate::batch::progress::{ProgressLog, default_path};
use crate::batch::rows::{BatchRow, parse_rows};
use crate::batch::run::{self, RowOutcome, RunEvent, RunOptions};
use crate::change::Engine;
use crate::cli::args::{BatchArgs, GlobalArgs};
use crate::domain::provider::{destination_username, federated_username};
use crate::domain::sanitize::sanitize;
use crate::domain::{COGNITO, LinkRequest, check_username};
use crate::journal::Journal;
use crate::session::Session;

/// Lookups made at the same time while reading the pool before planning.
const READ_CONCURRENCY: usize = 8;
/// Sends of one planning read before its transient failures (throttling, 5xx, lost
/// connections) stop the batch.
const READ_ATTEMPTS: u32 = 8;

pub async fn run(global: &GlobalArgs, args: BatchArgs) -> Result<(), CmdError> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| {
        CmdError::bad_input(format!("FILE: cannot read {}: {e}", args.file.display()))
    })?;
    let rows = parse_rows(&text, args.user_pool_id.as_deref())
        .map_err(|e| CmdError::bad_input(format!("FILE {}: {e}", args.file.display())))?;
    let pools: HashSet<&str> = rows.iter().map(|r| r.request.pool_id()).collect();
    if pools.contains("") {
        return Err(CmdError::bad_input(
            "UserPoolId: is required: pass --user-pool-id or give every row a UserPoolId column",
        ));
    }
    if pools.len() > 1 {
        return Err(CmdError::bad_input(
            "UserPoolId: every row of a batch must name the same pool",
        ));
    }
    refuse_if_read_only(global, "run a batch", LINK.operation, args.dry_run)?;
    let journal = Journal::default_location();
    if !args.dry_run {
        journal_preflight(&journal)?;
    }
    let progress_path = args
        .progress
        .clone()
        .unwrap_or_else(|| default_path(&args.file));
    with_session(global, async |_: &Session, ops: &Ops| {
        batch(global, ops, &journal, &rows, &args, &progress_path).await
    })
    .await
}

async fn batch(
    global: &GlobalArgs,
    ops: &Ops,
    journal: &Journal,
    rows: &[BatchRow],
    args: &BatchArgs,
    progress_path: &Path,
) -> Result<(), CmdError> {
    let listing = global.listing_settings();
    let (mut progress, recorded) = if args.dry_run && !progress_path.exists() {
        (None, Default::default())
    } else {
        let (log, recorded) = ProgressLog::open(progress_path).map_err(|e| {
            if e.is_busy() {
                CmdError::rejected(format!("coglink: error: {e}"))
            } else {
                CmdError::bad_input(e.to_string())
            }
        })?;
        (Some(log), recorded)
    };
    let engine = Engine::new(ops.clone(), journal.clone(), "cli");
    if !args.dry_run {
        // Rows an earlier run left in flight are settled before planning reads the pool.
        settle_earlier_runs(&engine).await?;
    }
    eprintln!("reading the pool for {} rows...", rows.len());
    let mut facts = read_facts(ops, rows, args.read_rate).await?;
    facts.recorded = recorded;
    if args.check_holders {
        let pool_id = rows[0].request.pool_id();
        facts.holders = Some(super::batch_holders::scan(ops, pool_id, rows, listing).await?);
    }
    let plan = plan(rows, &facts);
    print_plan(&plan);
    if args.dry_run {
        return Ok(());
    }
    let to_send = plan.to_send().count();
    if to_send == 0 {
        return finish_exit(&plan, 0, 0, 0, 0);
    }
    let pool_id = rows[0].request.pool_id();
    confirm_production(global, pool_id, &format!("send {to_send} links"), args.yes)?;
    let progress = progress.as_mut().expect("opened when not a dry run");
    eprintln!("progress file: {}", progress.path().display());
    let handle = run::start(
        engine,
        &plan,
        RunOptions {
            max_rps: Some(args.rate),
            concurrency: usize::from(args.concurrency),
        },
    );
    let stop = handle.stop.clone();
    let mut events = handle.events;
    let mut bar = ProgressBar::new(to_send);
    let (mut linked, mut refused, mut unresolved) = (0, 0, 0);
    // Rows Cognito refused as "already linked" that the destination holds: done.
    let mut found_done = 0;
    let mut journal_error = None;
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    loop {
        let event = tokio::select! {
            e = events.recv() => e,
            _ = &mut interrupted, if !stop.load(Ordering::Relaxed) => {
                stop.store(true, Ordering::Relaxed);
                bar.note("interrupted: finishing the requests in flight; run again to resume");
                continue;
            }
        };
        let Some(event) = event else { break };
        match event {
            RunEvent::Row { row, outcome } => {
                match &outcome {
                    RowOutcome::Linked | RowOutcome::Confirmed { .. } => linked += 1,
                    RowOutcome::AlreadyLinked => found_done += 1,
                    RowOutcome::Refused { .. } => refused += 1,
                    RowOutcome::Unresolved { .. } => unresolved += 1,
                }
                if let Some(r) = outcome.recorded() {
                    progress
                        .record(&row.key, row.row.line, &r)
                        .map_err(|e| CmdError::rejected(e.to_string()))?;
                }
                bar.row(&row, &outcome);
            }
            RunEvent::Throttled { rate } => {
                bar.set_rate_note(format!("throttled: slowing to {rate:.1} req/s"))
            }
            RunEvent::JournalFailed { message, entry } => {
                stop.store(true, Ordering::Relaxed);
                journal_error.get_or_insert(match entry {
                    Some(entry) => outcome_not_recorded("", message, &entry),
                    None => not_recordable(message),
                });
            }
            RunEvent::Resolved { row, applied, .. } => {
                bar.note(&format!(
                    "line {}: outcome unknown, read back: {}",
                    row.row.line,
                    if applied {
                        "linked"
                    } else {
                        "not linked, sending again"
                    }
                ));
            }
            RunEvent::Finished { sent, elapsed } => {
                bar.finish(sent, elapsed);
                break;
            }
        }
    }
    if let Some(e) = journal_error {
        return Err(e);
    }
    finish_exit(&plan, linked + found_done, refused, unresolved, found_done)
}

/// The closing line and exit code. `found_done` of the `linked` rows were found linked as
/// asked when sent (by someone else meanwhile): counted as already done.
fn finish_exit(
    plan: &Plan,
    linked: usize,
    refused: usize,
    unresolved: usize,
    found_done: usize,
) -> Result<(), CmdError> {
    let done = plan.count(|a| matches!(a, RowAction::AlreadyDone)) + found_done;
    let skipped = plan.count(|a| matches!(a, RowAction::Skip(_) | RowAction::RefusedBefore { .. }));
    let not_sent = plan.to_send().count() - linked - refused - unresolved;
    let linked = linked - found_done;
    println!(
        "Done: {linked} linked, {done} already done, {refused} refused, {unresolved} unresolved, {skipped} skipped{}",
        if not_sent > 0 {
            format!(", {not_sent} not sent (interrupted)")
        } else {
            String::new()
        }
    );
    if refused + unresolved + skipped + not_sent == 0 {
        Ok(())
    } else {
        Err(CmdError::rejected(
            "coglink: some rows were not linked (see above); fix them and run again: finished rows are not repeated",
        ))
    }
}

/// Reads what planning needs: providers, every destination, and whether each source
/// already signed in as its own user. Lookups run a few at a time under a read rate.
async fn read_facts(ops: &Ops, rows: &[BatchRow], read_rps: f64) -> Result<PoolFacts, CmdError> {
    let pool_id = rows[0].request.pool_id().to_owned();
    let providers = ops
        .list_providers(&pool_id)
        .await
        .map_err(|f| CmdError::failure_while("reading the pool's identity providers", &f))?;
    let mut facts = PoolFacts {
        providers,
        ..Default::default()
    };
    let mut lookups: Vec<(bool, (String, String))> = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        for (is_dest, id) in [
            (true, row.request.destination()),
            (false, row.request.source()),
        ] {
            let key = identity_key(&id);
            if !key.0.is_empty() && !key.1.is_empty() && seen.insert((is_dest, key.clone())) {
                lookups.push((is_dest, key));
            }
        }
    }
    // A sliding window: a new lookup starts as soon as one ends (not chunk by chunk, which
    // waited for the slowest of each chunk), so the reads run at `read_rps`.
    let limiter = std::sync::Arc::new(RateLimiter::new(Some(read_rps)));
    let mut queue = lookups.into_iter();
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        while tasks.len() < READ_CONCURRENCY
            && let Some((is_dest, key)) = queue.next()
        {
            let (ops, pool_id, limiter) = (ops.clone(), pool_id.clone(), limiter.clone());
            tasks.spawn(async move {
                let read = |name: String| {
                    let (ops, pool_id, limiter) = (&ops, &pool_id, &limiter);
                    async move {
                        paced_read(
                            limiter,
                            READ_ATTEMPTS,
                            || ops.get_user(pool_id, &name),
                            |_| (),
                        )
                        .await
                    }
                };
                let found = if is_dest {
                    read(destination_username(&key.0, &key.1)).await
                } else {
                    let name = federated_username(&key.0, &key.1);
                    if key.0 == COGNITO || check_username(&name).is_some() {
                        Ok(None) // nothing to read: no request, no slot
                    } else {
                        read(name).await
                    }
                };
                (is_dest, key, found)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (is_dest, key, found) =
            joined.map_err(|e| CmdError::rejected(format!("coglink: lookup failed: {e}")))?;
        let user = found
            .map_err(|f| CmdError::failure_while("reading the users named in the batch", &f))?;
        if is_dest {
            facts.destinations.insert(key, user);
        } else {
            facts.source_users.insert(key, user.map(|u| u.username));
        }
    }
    Ok(facts)
}

fn describe(req: &LinkRequest) -> String {
    let (s, d) = (req.source(), req.destination());
    format!(
        "{}:{} -> {}{}",
        sanitize(s.name()),
        sanitize(s.value()),
        if d.name() == COGNITO {
            String::new()
        } else {
            format!("{}:", sanitize(d.name()))
        },
        sanitize(d.value())
    )
}

fn print_plan(plan: &Plan) {
    let mut out = std::io::stdout().lock();
    for r in &plan.rows {
        let what = describe(&r.row.request);
        let line = match &r.action {
            RowAction::Link { before, after } => {
                format!("link     {what} ({before}/5 -> {after}/5)")
            }
            RowAction::AlreadyDone => format!("done     {what} (already linked)"),
            RowAction::RefusedBefore { code, message } => {
                format!(
                    "refused  {what}: earlier run: {code}: {}",
                    sanitize(message)
                )
            }
            RowAction::Skip(p) => format!("skip     {what}: {}", sanitize(&p.to_string())),
        };
        let _ = writeln!(out, "line {:<5} {line}", r.row.line);
    }
    let _ = writeln!(out, "Plan: {}", plan.summary());
    let _ = writeln!(out, "{}", plan.holders_note());
}

/// Progress on stderr: a redrawn bar on a terminal, a line per 10% otherwise.
struct ProgressBar {
    total: usize,
    done: usize,
    started: Instant,
    tty: bool,
    last_tenth: usize,
    rate_note: Option<String>,
}

impl ProgressBar {
    fn new(total: usize) -> Self {
        ProgressBar {
            total,
            done: 0,
            started: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            last_tenth: 0,
            rate_note: None,
        }
    }

    fn row(&mut self, row: &PlannedRow, outcome: &RowOutcome) {
        self.done += 1;
        let what = describe(&row.row.request);
        let line = match outcome {
            RowOutcome::Linked => format!("linked   {what}"),
            RowOutcome::AlreadyLinked => format!(
                "done     {what} (Cognito: already linked; reading the user shows it linked as asked)"
            ),
            RowOutcome::Confirmed { .. } => {
                format!("linked   {what} (no clear answer; confirmed by reading the user)")
            }
            RowOutcome::Refused { code, message } => {
                format!("refused  {what}: {code}: {}", sanitize(message))
            }
            RowOutcome::Unresolved { reason, .. } => {
                format!("unresolved {what}: {}", sanitize(reason))
            }
        };
        self.clear();
        println!("line {:<5} {line}", row.row.line);
        self.draw();
    }

    fn note(&mut self, note: &str) {
        self.clear();
        eprintln!("{note}");
        self.draw();
    }

    fn set_rate_note(&mut self, note: String) {
        self.rate_note = Some(note);
        self.draw();
    }

    fn clear(&self) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }

    fn draw(&mut self) {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = self.done as f64 / secs;
        let status = format!(
            "{}/{} rows · {rate:.1} rows/s{}",
            self.done,
            self.total,
            self.rate_note
                .as_deref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default()
        );
        if self.tty {
            let width = 30;
            let filled = (self.done * width).checked_div(self.total).unwrap_or(width);
            eprint!(
                "\r[{}{}] {status}",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            let _ = std::io::stderr().flush();
        } else {
            let tenth = (self.done * 10).checked_div(self.total).unwrap_or(10);
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                eprintln!("{status}");
            }
        }
    }

    fn finish(&mut self, sent: u64, elapsed: Duration) {
        self.clear();
        eprintln!(
            "{} rows in {:.1} s ({sent} requests, {:.1} rows/s)",
            self.done,
            elapsed.as_secs_f64(),
            self.done as f64 / elapsed.as_secs_f64().max(0.001)
        );
    }
}
