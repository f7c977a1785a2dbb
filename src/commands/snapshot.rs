//! `coglink snapshot`: the whole pool as JSON lines (format: `snapshot/mod.rs`), to stdout or
//! a file written atomically with mode 0600, and optionally its links as a `batch` CSV file.
//! Users stream page by page from the partitioned listing.

use std::io::{BufWriter, Write};
use std::path::Path;

use super::{CmdError, with_session, write_result};
use crate::atomic_file::{Access, AtomicFile};
use crate::aws::ops::Ops;
use crate::cli::args::{GlobalArgs, SnapshotArgs};
use crate::domain::check_user_pool_id;
use crate::domain::sanitize::sanitize;
use crate::journal::{Journal, LinkAttributes};
use crate::session::Session;
use crate::snapshot::{CollectError, Collected, JsonLines, LinksCsv, RecordSink, Tee, collect};

pub async fn run(global: &GlobalArgs, args: SnapshotArgs) -> Result<(), CmdError> {
    if let Some(v) = check_user_pool_id(&args.user_pool_id) {
        return Err(CmdError::bad_input(v));
    }
    if args.output_file.is_some() && args.output_file == args.links_as_batch {
        return Err(CmdError::bad_input(
            "-o and --links-as-batch: name the same file; they are two files (a snapshot and a \
             batch CSV)",
        ));
    }
    // Both files are opened before any request, so a path that cannot be written fails at
    // once; neither replaces an existing file until the listing completed.
    let mut snapshot_file = open_private("-o", args.output_file.as_deref())?;
    let mut links_file = open_private("--links-as-batch", args.links_as_batch.as_deref())?;
    let settings = global.listing_settings();
    let pool_id = args.user_pool_id.clone();
    with_session(global, async |_: &Session, ops: &Ops| {
        let stdout = std::io::stdout();
        let snapshot_out: Option<Box<dyn Write + '_>> = match (&mut snapshot_file, &links_file) {
            (Some(file), _) => Some(Box::new(file)),
            (None, None) => Some(Box::new(BufWriter::with_capacity(
                256 * 1024,
                stdout.lock(),
            ))),
            (None, Some(_)) => None,
        };
        let mut snapshot_sink = snapshot_out.map(JsonLines);
        let mut links_sink = match &mut links_file {
            Some(file) => {
                let journal = Journal::default_location().read_all().unwrap_or_default();
                let known = LinkAttributes::from_entries(&journal);
                Some(LinksCsv::new(file, &pool_id, known).map_err(|e| write_error(&args, e))?)
            }
            None => None,
        };
        let mut sinks: Vec<&mut dyn RecordSink> = Vec::new();
        if let Some(s) = &mut snapshot_sink {
            sinks.push(s);
        }
        if let Some(s) = &mut links_sink {
            sinks.push(s);
        }
        let collected = collect(ops, &pool_id, settings, &mut Tee(sinks), |f| {
            eprintln!("coglink: reading a page again: {}", f.summary());
        })
        .await;
        let links = links_sink.map(|s| ((s.rows, s.attribute_unknown), s.into_inner()));
        let flushed = snapshot_sink.map(|mut s| s.0.flush());
        let collected = match collected {
            Ok(c) => c,
            Err(CollectError::Read { operation, failure }) => {
                return Err(CmdError::failure(operation, &failure));
            }
            Err(CollectError::Write(e)) if args.output_file.is_none() && links.is_none() => {
                return write_result(Err(e)).map(|()| None);
            }
            Err(CollectError::Write(e)) => return Err(write_error(&args, e)),
        };
        match flushed {
            Some(Err(e)) if args.output_file.is_some() => return Err(write_error(&args, e)),
            Some(Err(e)) => return write_result(Err(e)).map(|()| None),
            _ => {}
        }
        let link_rows = match links {
            Some((rows, Ok(_))) => Some(rows),
            Some((_, Err(e))) => return Err(write_error(&args, e)),
            None => None,
        };
        Ok(Some((collected, link_rows)))
    })
    .await
    .and_then(|done| {
        // Stdout closed early (`| head`): nothing more to say.
        let Some((collected, link_rows)) = done else {
            return Ok(());
        };
        commit("-o", snapshot_file)?;
        commit("--links-as-batch", links_file)?;
        summarize(&args, &collected, link_rows);
        Ok(())
    })
}

fn open_private(option: &str, path: Option<&Path>) -> Result<Option<AtomicFile>, CmdError> {
    path.map(|p| {
        if p.is_dir() {
            return Err(CmdError::bad_input(format!(
                "{option} {}: is a folder: name the file to write",
                sanitize(&p.display().to_string())
            )));
        }
        AtomicFile::create(p, Access::Private).map_err(|e| {
            let shown = sanitize(&p.display().to_string()).into_owned();
            CmdError::bad_input(format!("{option} {shown}: cannot be created: {e}"))
        })
    })
    .transpose()
}

fn commit(option: &str, file: Option<AtomicFile>) -> Result<(), CmdError> {
    match file {
        None => Ok(()),
        Some(f) => {
            let shown = sanitize(&f.target().display().to_string()).into_owned();
            f.commit().map_err(|e| {
                CmdError::rejected(format!("coglink: {option} {shown}: cannot be written: {e}"))
            })
        }
    }
}

fn write_error(args: &SnapshotArgs, e: std::io::Error) -> CmdError {
    let files: Vec<String> = [&args.output_file, &args.links_as_batch]
        .into_iter()
        .flatten()
        .map(|p| sanitize(&p.display().to_string()).into_owned())
        .collect();
    CmdError::rejected(format!(
        "coglink: cannot write {}: {e} (nothing was replaced)",
        files.join(" or ")
    ))
}

fn summarize(args: &SnapshotArgs, c: &Collected, link_rows: Option<(u64, u64)>) {
    let counts = &c.counts;
    let place = match &args.output_file {
        Some(p) => format!(" to {} (mode 0600)", sanitize(&p.display().to_string())),
        None if args.links_as_batch.is_some() => " (snapshot not written: no -o)".into(),
        None => String::new(),
    };
    let listing = match c.partitions {
        1 => "sequential".to_owned(),
        n => format!("{n} partitions"),
    };
    eprintln!(
        "Snapshot of {}: {} users, {} groups, {} identity providers{place} ({listing}, {} \
         pages, {} throttled, {:.1} s)",
        sanitize(&args.user_pool_id),
        counts.users,
        counts.groups,
        counts.providers,
        c.pages,
        c.throttles,
        c.elapsed.as_secs_f64()
    );
    if let (Some((rows, unknown)), Some(path)) = (link_rows, &args.links_as_batch) {
        let path = sanitize(&path.display().to_string()).into_owned();
        eprintln!(
            "{rows} links written to {path} (mode 0600); to make them in another pool holding \
             the same users: coglink batch {path} --user-pool-id <POOL>"
        );
        if unknown > 0 {
            eprintln!(
                "note: {unknown} SAML/OIDC links are written with Cognito_Subject: Cognito does \
                 not record the attribute a link was made by, and no coglink run journaled \
                 these; a link made by a claim (e.g. email) matches that claim only, so edit \
                 such rows' SourceProviderAttributeName"
            );
        }
    }
}
