//! `coglink merge`: one pair (`--keep K --merge F`) or every mergeable pair of a duplicates
//! file (`--from`). Each merge is read fresh, reviewed, snapshotted, confirmed, then made as
//! a sequence of engine steps (journaled, sent once, read back when unclear) and resumed by a
//! re-run from its snapshot; a finished merge appends `F.sub → K.sub` to the remap file.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use super::link_unlink::{journal_preflight, read_only_refusal, settle_earlier_runs};
use super::{CmdError, with_session};
use crate::aws::ops::Ops;
use crate::aws::rate::RateLimiter;
use crate::awscli::command::aws_command_json;
use crate::change::merge::{MergeInputs, MergeOptions, MergePlan, plan_merge};
use crate::change::merge_snapshot::MergeSnapshot;
use crate::change::sequence::{Sequence, first_open_step, run_sequence};
use crate::change::{Engine, Planned, Policy, Quiet, RunError, Verdict};
use crate::cli::args::{GlobalArgs, MergeArgs};
use crate::domain::sanitize::sanitize;
use crate::domain::{GroupClass, check_user_pool_id};
use crate::journal::{Journal, now_rfc3339};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: MergeArgs) -> Result<(), CmdError> {
    if global.read_only && !args.dry_run {
        return Err(read_only_refusal("merge", "AdminDeleteUser"));
    }
    let pairs = pairs(&args)?;
    let journal = Journal::default_location();
    if !args.dry_run {
        journal_preflight(&journal)?;
    }
    let remap = args.remap.clone().unwrap_or_else(crate::paths::remap_file);
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
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CmdError::bad_input(format!(
            "--from {}: not a `coglink duplicates --output json` file: {e}",
            file.display()
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
    if !std::io::stdin().is_terminal() {
        return Err(CmdError::bad_input(
            "--yes: a merge deletes a user; confirm with --yes, or run on a terminal and type \
             the confirmation",
        ));
    }
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CmdError::rejected(format!("coglink: cannot read the confirmation: {e}")))?;
    Ok(line.trim().to_owned())
}

struct Run<'a> {
    engine: &'a Engine,
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
        print_review(&plan, &inputs, done, self.engine);
        if self.dry_run {
            println!("Dry run: nothing was changed.");
            return Ok(());
        }
        if done == plan.steps.len() {
            println!("Already merged (the journal shows every step applied).");
            return self.write_remap(&inputs, &snapshot, None);
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
        if !resuming {
            snapshot.write(&snapshot_path).map_err(|e| CmdError {
                code: crate::exit::EXIT_JOURNAL,
                message: format!(
                    "coglink: error: refusing to merge without a snapshot: cannot write {}: {e}",
                    snapshot_path.display()
                ),
            })?;
            println!(
                "Snapshot of {}: {}",
                safe(&pair.merge),
                snapshot_path.display()
            );
        }
        let sequence = Sequence {
            id: snapshot.sequence.clone(),
            steps: plan.steps.clone(),
        };
        let end = run_sequence(self.engine, &sequence, Policy::BATCH, &Quiet)
            .await
            .map_err(|e| match e {
                RunError::NotRecordable(e) => CmdError {
                    code: crate::exit::EXIT_JOURNAL,
                    message: format!(
                        "coglink: error: refusing to make a change that could not be recorded: {e}"
                    ),
                },
                RunError::OutcomeNotRecorded { entry, error, .. } => CmdError {
                    code: crate::exit::EXIT_JOURNAL,
                    message: format!(
                        "coglink: error: {error}\nThe entry that could not be recorded:\n{entry}"
                    ),
                },
            })?;
        for settled in &end.settled {
            let mark = if settled.verdict() == Verdict::Applied {
                "done"
            } else {
                "STOPPED"
            };
            println!("  {mark:<8}{}", settled.summary());
        }
        if !end.complete(plan.steps.len()) {
            return Err(CmdError::rejected(format!(
                "coglink: the merge of {} into {} stopped at the step above; nothing after it \
                 was sent. Run the same command again to resume (snapshot {}).",
                safe(&pair.merge),
                safe(&pair.keep),
                snapshot_path.display()
            )));
        }
        let keep_sub = end
            .settled
            .iter()
            .rev()
            .find_map(|s| s.fresh.as_ref().and_then(|u| u.sub().map(str::to_owned)));
        println!(
            "Merged {} into {}: {} linked identities",
            safe(&pair.merge),
            safe(&pair.keep),
            plan.counts
        );
        self.write_remap(&inputs, &snapshot, keep_sub)
    }

    /// Both users, their groups and the pool's providers, read now.
    async fn read_inputs(&self, pair: &Pair) -> Result<MergeInputs, CmdError> {
        let ops = self.engine.ops();
        let pool = &pair.pool_id;
        let read = |what: &str, f: crate::aws::Failure| {
            CmdError::failure_while(&format!("reading {what} before the merge"), &f)
        };
        let keep = ops
            .get_user(pool, &pair.keep)
            .await
            .map_err(|f| read("the user to keep", f))?
            .ok_or_else(|| {
                CmdError::rejected(format!(
                    "--keep: no user {} in pool {}",
                    safe(&pair.keep),
                    safe(pool)
                ))
            })?;
        let merged = ops
            .get_user(pool, &pair.merge)
            .await
            .map_err(|f| read("the user to merge", f))?
            .ok_or_else(|| {
                CmdError::rejected(format!(
                    "--merge: no user {} in pool {} (if an earlier merge deleted it, its \
                     snapshot is gone too)",
                    safe(&pair.merge),
                    safe(pool)
                ))
            })?;
        let keep_groups = ops
            .list_groups_for_user(pool, &pair.keep)
            .await
            .map_err(|f| read("the groups of the user to keep", f))?;
        let merged_groups = ops
            .list_groups_for_user(pool, &pair.merge)
            .await
            .map_err(|f| read("the groups of the user to merge", f))?;
        let providers = ops
            .list_providers(pool)
            .await
            .map_err(|f| read("the pool's identity providers", f))?;
        Ok(MergeInputs {
            pool_id: pool.clone(),
            keep,
            keep_groups,
            merged,
            merged_groups,
            providers,
        })
    }

    /// Appends `F.sub → K.sub` unless the file has it already (a re-run writes it once).
    fn write_remap(
        &self,
        inputs: &MergeInputs,
        snapshot: &MergeSnapshot,
        keep_sub: Option<String>,
    ) -> Result<(), CmdError> {
        let from_sub = inputs.merged.sub().unwrap_or_default().to_owned();
        let to_sub = keep_sub
            .or_else(|| inputs.keep.sub().map(str::to_owned))
            .unwrap_or_default();
        let existing = std::fs::read_to_string(self.remap).unwrap_or_default();
        let already = existing.lines().any(|l| {
            serde_json::from_str::<serde_json::Value>(l).is_ok_and(|v| {
                v["pool_id"] == snapshot.pool_id.as_str() && v["from"]["sub"] == from_sub.as_str()
            })
        });
        if !already {
            let line = serde_json::json!({
                "time": now_rfc3339(),
                "pool_id": snapshot.pool_id,
                "from": {"username": inputs.merged.username, "sub": from_sub},
                "to": {"username": inputs.keep.username, "sub": to_sub},
            });
            append_line(self.remap, &line.to_string()).map_err(|e| CmdError {
                code: crate::exit::EXIT_JOURNAL,
                message: format!(
                    "coglink: error: the merge is done but its remap line could not be written to \
                     {}: {e}\nThe line: {line}",
                    self.remap.display()
                ),
            })?;
        }
        println!(
            "Remap: sub {} -> {} in {}",
            safe(&from_sub),
            safe(&to_sub),
            self.remap.display()
        );
        Ok(())
    }
}

fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_all()
}

/// The review: what K gains, what is lost for good, the warnings, then the requests in order
/// (those an earlier run made marked done).
fn print_review(plan: &MergePlan, inputs: &MergeInputs, done: usize, engine: &Engine) {
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
    let target = target_spec(engine);
    for (i, step) in plan.steps.iter().enumerate() {
        let mark = if i < done { "done" } else { "" };
        println!(
            "  {:>2}. {mark:<5}{}",
            i + 1,
            aws_command_json(step.operation(), &target, &step.request_value())
        );
    }
}

/// Where the engine sends, for the equivalent `aws` commands.
fn target_spec(engine: &Engine) -> crate::aws::TargetSpec {
    let t = engine.target();
    crate::aws::TargetSpec {
        profile: t.profile.clone(),
        region: t.region.clone(),
        endpoint_url: t.endpoint_url.clone(),
        local: t.local,
        local_state: None,
    }
}
