//! `coglink merge`: one pair (`--keep K --merge F`) or every mergeable pair of a duplicates
//! file (`--from`). Each merge is read fresh, reviewed, snapshotted, confirmed, then made as
//! a sequence of engine steps (journaled, sent once, read back when unclear) and resumed by a
//! re-run from its snapshot; a finished merge appends `F.sub → K.sub` to the remap file.

use std::path::Path;
use std::sync::Arc;

use super::guard::refuse_if_read_only;
use super::link_unlink::{
    journal_preflight, not_recordable, outcome_not_recorded, settle_earlier_runs,
};
use super::{CmdError, with_session};
use crate::aws::TargetSpec;
use crate::aws::ops::Ops;
use crate::aws::rate::RateLimiter;
use crate::awscli::command::aws_command_json;
use crate::change::merge::{MergeInputs, MergeOptions, MergePlan, plan_merge};
use crate::change::merge_run::{MergeError, ReadProblem, execute, read_inputs, write_remap};
use crate::change::merge_snapshot::MergeSnapshot;
use crate::change::sequence::first_open_step;
use crate::change::{Engine, Planned, Quiet, RunError, Verdict};
use crate::cli::args::{GlobalArgs, MergeArgs};
use crate::domain::sanitize::sanitize;
use crate::domain::{GroupClass, check_user_pool_id};
use crate::journal::{Journal, now_rfc3339};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: MergeArgs) -> Result<(), CmdError> {
    // A merge is confirmed by typing on a terminal, or --yes, whatever the profile.
    refuse_if_read_only(global, "merge", "AdminDeleteUser", args.dry_run)?;
    let pairs = pairs(&args)?;
    let journal = Journal::default_location();
    if !args.dry_run {
        journal_preflight(&journal)?;
    }
    let remap = args.remap.clone().unwrap_or_else(crate::paths::remap_file);
    let target = global.target_spec();
    let options = MergeOptions {
        copy_groups: args.copy_groups,
        copy_attributes: args.copy_attributes.clone(),
        allow_unverified: args.allow_unverified,
    };
    with_session(global, async |_: &Session, ops: &Ops| {
        let engine = Engine::new(ops.clone(), journal.clone(), "cli")
            .paced(Arc::new(RateLimiter::new(Some(args.rate))));
        if !args.dry_run {
            settle_earlier_runs(&engine).await?;
        }
        let many = pairs.len() > 1 || args.from.is_some();
        if many && !args.dry_run && !args.yes {
            confirm_many(pairs.len())?;
        }
        let (mut merged, mut failed) = (0, 0);
        for (i, pair) in pairs.iter().enumerate() {
            if many {
                println!(
                    "[{}/{}] {} into {}",
                    i + 1,
                    pairs.len(),
                    safe(&pair.merge),
                    safe(&pair.keep)
                );
            }
            let run = Run {
                engine: &engine,
                target: &target,
                remap: &remap,
                dry_run: args.dry_run,
                confirmed: args.yes || many,
            };
            match run.merge(pair, &options).await {
                Ok(()) => merged += 1,
                Err(e) if many && e.code != crate::exit::EXIT_JOURNAL => {
                    eprintln!("{}", e.message);
                    failed += 1;
                }
                Err(e) => return Err(e),
            }
        }
        if many {
            println!(
                "Done: {merged} {}, {failed} not merged",
                if args.dry_run { "reviewed" } else { "merged" }
            );
            if failed > 0 {
                return Err(CmdError::rejected(
                    "coglink: some pairs were not merged (see above); run again to resume them",
                ));
            }
        }
        Ok(())
    })
    .await
}

/// One merge to make.
#[derive(Clone, Debug)]
struct Pair {
    pool_id: String,
    keep: String,
    merge: String,
}

fn safe(s: &str) -> String {
    sanitize(s).into_owned()
}

/// The pairs named on the command line or in the `--from` file.
fn pairs(args: &MergeArgs) -> Result<Vec<Pair>, CmdError> {
    let Some(file) = &args.from else {
        let (Some(keep), Some(merge)) = (&args.keep, &args.merge) else {
            return Err(CmdError::bad_input(
                "--keep and --merge: name the user to keep and the user to merge, or pass \
                 --from FILE (from `coglink duplicates --output json`)",
            ));
        };
        let pool_id = args.user_pool_id.clone().ok_or_else(|| {
            CmdError::bad_input("--user-pool-id: is required with --keep and --merge")
        })?;
        if let Some(v) = check_user_pool_id(&pool_id) {
            return Err(CmdError::bad_input(v));
        }
        return Ok(vec![Pair {
            pool_id,
            keep: keep.clone(),
            merge: merge.clone(),
        }]);
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| CmdError::bad_input(format!("--from: cannot read {}: {e}", file.display())))?;
    // `duplicates --output json`, or `--output yaml` (a JSON document is YAML too, but the
    // JSON parser's message is the clearer one for a JSON file).
    let yaml = file.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let doc: serde_json::Value = if yaml {
        crate::awscli::yaml::from_yaml(&text).map_err(|e| e.to_string())
    } else {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }
    .map_err(|e| {
        CmdError::bad_input(format!(
            "--from {}: not a `coglink duplicates --output json` (or yaml) file: {e}",
            safe(&file.display().to_string())
        ))
    })?;
    let pool_id = doc["pool_id"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| args.user_pool_id.clone())
        .ok_or_else(|| {
            CmdError::bad_input(format!("--from {}: pool_id: is required", file.display()))
        })?;
    if args.user_pool_id.as_ref().is_some_and(|p| *p != pool_id) {
        return Err(CmdError::bad_input(format!(
            "--user-pool-id: the file is of pool {}",
            safe(&pool_id)
        )));
    }
    let groups = doc["groups"].as_array().ok_or_else(|| {
        CmdError::bad_input(format!(
            "--from {}: groups: is required (an array)",
            file.display()
        ))
    })?;
    let mut out = Vec::new();
    for (n, g) in groups.iter().enumerate() {
        let class = g["class"].as_str().unwrap_or_default();
        let wanted = class == GroupClass::Mergeable.name()
            || (args.allow_unverified && class == GroupClass::Unverified.name());
        if !wanted {
            continue;
        }
        let Some(keep) = g["keep"].as_str() else {
            return Err(CmdError::bad_input(format!(
                "--from {}: groups[{n}].keep: is required for a {class} group",
                file.display()
            )));
        };
        for m in g["merge"].as_array().into_iter().flatten() {
            let Some(merge) = m.as_str() else { continue };
            out.push(Pair {
                pool_id: pool_id.clone(),
                keep: keep.to_owned(),
                merge: merge.to_owned(),
            });
        }
    }
    if out.is_empty() {
        return Err(CmdError::bad_input(format!(
            "--from {}: no mergeable pair in it{}",
            file.display(),
            if args.allow_unverified {
                ""
            } else {
                " (unverified groups need --allow-unverified)"
            }
        )));
    }
    Ok(out)
}

/// `--from` without `--yes`: the person types the number of merges on a terminal.
fn confirm_many(n: usize) -> Result<(), CmdError> {
    let answer = ask(&format!(
        "This deletes {n} federated users after copying what was chosen, and links their \
         identities to the users kept. Type {n} to go on: "
    ))?;
    if answer == n.to_string() {
        Ok(())
    } else {
        Err(CmdError::rejected(
            "coglink: not confirmed; nothing was changed",
        ))
    }
}

/// Reads one line from the terminal; refuses when stdin is not one.
fn ask(question: &str) -> Result<String, CmdError> {
    super::guard::ask(
        question,
        "--yes: a merge deletes a user; confirm with --yes, or run on a terminal and type the \
         confirmation",
    )
}

struct Run<'a> {
    engine: &'a Engine,
    /// Where the session connects, for the equivalent `aws` commands.
    target: &'a TargetSpec,
    remap: &'a Path,
    dry_run: bool,
    /// `--yes` (or a `--from` run confirmed as a whole).
    confirmed: bool,
}

impl Run<'_> {
    async fn merge(&self, pair: &Pair, options: &MergeOptions) -> Result<(), CmdError> {
        let snapshot_path =
            MergeSnapshot::path(&crate::paths::merges_dir(), &pair.pool_id, &pair.merge);
        let saved = MergeSnapshot::read(&snapshot_path)
            .map_err(|e| CmdError::rejected(format!("coglink: cannot read the snapshot: {e}")))?;
        let (snapshot, resuming) = match saved {
            Some(s) if s.keep.username == pair.keep => {
                println!(
                    "Resuming the merge of {} into {} from its snapshot {} (taken {})",
                    safe(&pair.merge),
                    safe(&pair.keep),
                    snapshot_path.display(),
                    s.time
                );
                (s, true)
            }
            Some(s) => {
                return Err(CmdError::rejected(format!(
                    "coglink: {} is being merged into {} (snapshot {}); finish that merge first",
                    safe(&pair.merge),
                    safe(&s.keep.username),
                    snapshot_path.display()
                )));
            }
            None => {
                let inputs = self.read_inputs(pair).await?;
                (MergeSnapshot::new(&inputs, options, now_rfc3339()), false)
            }
        };
        let (inputs, planned_options) = snapshot.plan_inputs();
        let plan = plan_merge(&inputs, &planned_options).map_err(|refusals| {
            CmdError::rejected(format!(
                "coglink: refused locally, nothing was sent: {} cannot be merged into {}:\n  {}",
                safe(&pair.merge),
                safe(&pair.keep),
                refusals
                    .iter()
                    .map(|r| safe(r))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ))
        })?;
        let entries = self.engine.journal().read_all().unwrap_or_default();
        let done = first_open_step(&entries, &snapshot.sequence).min(plan.steps.len());
        print_review(&plan, &inputs, done, self.target);
        if self.dry_run {
            println!("Dry run: nothing was changed.");
            return Ok(());
        }
        if done == plan.steps.len() {
            println!("Already merged (the journal shows every step applied).");
            let (from_sub, to_sub) = write_remap(self.remap, &snapshot, None).map_err(|e| {
                CmdError::rejected(format!(
                    "coglink: cannot write the remap file {}: {e}",
                    self.remap.display()
                ))
            })?;
            self.print_remap(&from_sub, &to_sub);
            return Ok(());
        }
        let delete_ahead = plan.steps[done..]
            .iter()
            .any(|s| matches!(s, Planned::DeleteUser { .. }));
        if delete_ahead && !self.confirmed {
            let typed = ask(&format!(
                "This deletes {} for good. Type its username to merge: ",
                safe(&pair.merge)
            ))?;
            if typed != pair.merge {
                return Err(CmdError::rejected(
                    "coglink: not confirmed; nothing was changed",
                ));
            }
        }
        let run = execute(
            self.engine,
            &snapshot,
            &snapshot_path,
            resuming,
            &plan,
            self.remap,
            &Quiet,
        )
        .await
        .map_err(|e| match e {
            MergeError::Snapshot(e) => CmdError {
                code: crate::exit::EXIT_JOURNAL,
                message: format!(
                    "coglink: error: refusing to merge without its snapshot and remap file: \
                     {}: {e}",
                    snapshot_path.display()
                ),
            },
            MergeError::Run(RunError::NotRecordable(e)) => not_recordable(e),
            MergeError::Run(RunError::OutcomeNotRecorded { entry, error, .. }) => {
                outcome_not_recorded("", error, &entry)
            }
        })?;
        if !resuming {
            println!(
                "Snapshot of {}: {}",
                safe(&pair.merge),
                snapshot_path.display()
            );
        }
        for settled in &run.end.settled {
            let mark = if settled.verdict() == Verdict::Applied {
                "done"
            } else {
                "STOPPED"
            };
            println!("  {mark:<8}{}", settled.summary());
        }
        let Some((from_sub, to_sub)) = run.remap else {
            return Err(CmdError::rejected(format!(
                "coglink: the merge of {} into {} stopped at the step above; nothing after it \
                 was sent. Run the same command again to resume (snapshot {}).",
                safe(&pair.merge),
                safe(&pair.keep),
                snapshot_path.display()
            )));
        };
        println!(
            "Merged {} into {}: {} linked identities",
            safe(&pair.merge),
            safe(&pair.keep),
            plan.counts
        );
        self.print_remap(&from_sub, &to_sub);
        Ok(())
    }

    /// Both users, their groups and the pool's providers, read now.
    async fn read_inputs(&self, pair: &Pair) -> Result<MergeInputs, CmdError> {
        read_inputs(self.engine.ops(), &pair.pool_id, &pair.keep, &pair.merge)
            .await
            .map_err(|p| match p {
                ReadProblem::Failed { what, failure } => {
                    CmdError::failure_while(&format!("reading {what} before the merge"), &failure)
                }
                ReadProblem::Missing {
                    keep: true,
                    username,
                } => CmdError::rejected(format!(
                    "--keep: no user {} in pool {}",
                    safe(&username),
                    safe(&pair.pool_id)
                )),
                ReadProblem::Missing {
                    keep: false,
                    username,
                } => CmdError::rejected(format!(
                    "--merge: no user {} in pool {} (if an earlier merge deleted it, its \
                     snapshot is gone too)",
                    safe(&username),
                    safe(&pair.pool_id)
                )),
            })
    }

    fn print_remap(&self, from_sub: &str, to_sub: &str) {
        println!(
            "Remap: sub {} -> {} in {}",
            safe(from_sub),
            safe(to_sub),
            self.remap.display()
        );
    }
}

/// The review: what K gains, what is lost for good, the warnings, then the requests in order
/// (those an earlier run made marked done).
fn print_review(plan: &MergePlan, inputs: &MergeInputs, done: usize, target: &TargetSpec) {
    println!(
        "Merge {} into {} ({} linked identities)",
        safe(&inputs.merged.username),
        safe(&inputs.keep.username),
        plan.counts
    );
    println!("{} gains:", safe(&inputs.keep.username));
    for g in &plan.gains {
        println!("  + {}", safe(g));
    }
    println!("Lost for good:");
    for l in &plan.lost {
        println!("  - {}", safe(l));
    }
    for w in &plan.warnings {
        println!("! {}", safe(w));
    }
    println!("Requests, in order:");
    for (i, step) in plan.steps.iter().enumerate() {
        let mark = if i < done { "done" } else { "" };
        println!(
            "  {:>2}. {mark:<5}{}",
            i + 1,
            aws_command_json(step.operation(), target, &step.request_value())
        );
    }
}
