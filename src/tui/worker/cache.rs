//! The worker's cache thread (`--cache`): every read and write of the cache files, one at a
//! time, on a blocking thread of its own, so the async worker never waits on the disk and a
//! session's change never races a listing's write of the same file.
//!
//! A load of a whole pool is a job: `open` reads the cache file (the table opens from it),
//! `begin` starts the new file, each page is written (and, when the table came from the
//! cache, compared with it), `finish` puts the new file in place and says what the refresh
//! found; a job dropped before it finished (a failure, a new load, the UI gone) leaves the
//! old file. A change settled meanwhile is applied to the file once the job ends, else at
//! once. When the worker has gone the thread applies what is queued, then ends.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::oneshot;

use crate::cache::store::{self, Opening, Updates, Writer, user_line};
use crate::cache::{CacheSpec, Refresh, Refreshed};
use crate::change::{Planned, Settled, Verdict};
use crate::domain::UserRecord;
use crate::snapshot::{FileLines, Header};

use crate::cache::CHUNK;

/// The reading of a cache file, as it goes.
#[derive(Debug)]
pub enum Reading {
    /// The next users of the file (none in the first, sent once the file is known to be a
    /// complete cache of the pool), and how old the cache is (since its listing started).
    Users {
        users: Vec<UserRecord>,
        age: Duration,
    },
    /// The file is read: `Ok(true)` when its users were given, `Ok(false)` when there is no
    /// file, `Err` (why) when it cannot be used, in which case the users given are not.
    End(Result<bool, String>),
}

/// How a job ended.
#[derive(Debug)]
pub struct Finished {
    /// The new file in place, with its count of users, or why it is not.
    pub saved: Result<u64, String>,
    /// What the refresh found, when the job began from a cache file.
    pub refreshed: Option<Result<Refreshed, String>>,
}

enum Op {
    Open {
        job: u64,
        path: PathBuf,
        pool_id: String,
        reading: tokio::sync::mpsc::UnboundedSender<Reading>,
    },
    Begin {
        job: u64,
        header: Box<Header>,
    },
    Page {
        job: u64,
        users: Vec<UserRecord>,
    },
    Finish {
        job: u64,
        reply: oneshot::Sender<Finished>,
    },
    Abort {
        job: u64,
    },
    Update {
        path: PathBuf,
        updates: Updates,
    },
}

/// Sends operations to the cache thread; cloned into each task that needs it.
#[derive(Clone)]
pub struct Cache {
    spec: CacheSpec,
    ops: mpsc::Sender<Op>,
}

impl Cache {
    /// Starts the thread (it ends once every handle is dropped and its queue is done).
    pub fn start(spec: CacheSpec) -> Cache {
        let (ops, queue) = mpsc::channel();
        tokio::task::spawn_blocking(move || Thread::default().run(queue));
        Cache { spec, ops }
    }

    fn send(&self, op: Op) {
        if self.ops.send(op).is_err() {
            tracing::warn!("the cache thread has stopped");
        }
    }

    /// The job of load `request_id`, a whole listing of `pool_id`.
    pub fn job(&self, request_id: u64, pool_id: &str) -> Job {
        Job {
            cache: self.clone(),
            id: request_id,
            path: self.spec.path(pool_id),
            pool_id: pool_id.to_owned(),
            ended: false,
        }
    }

    /// Puts what a settled change read back (and, for a user it deleted, its absence) in the
    /// cache file of its pool.
    pub fn settled<'a>(&self, settled: impl IntoIterator<Item = &'a Settled>) {
        let mut by_pool: std::collections::HashMap<String, Updates> = Default::default();
        for s in settled {
            let update = match (&s.planned, &s.fresh) {
                (Planned::DeleteUser { user, .. }, _) if s.verdict() == Verdict::Applied => {
                    Some((user.clone(), None))
                }
                (_, Some(fresh)) => Some((fresh.username().to_owned(), Some(fresh.clone()))),
                _ => None,
            };
            if let Some((username, user)) = update {
                let pool = by_pool.entry(s.planned.pool_id().to_owned()).or_default();
                pool.insert(username, user);
            }
        }
        for (pool_id, updates) in by_pool {
            self.send(Op::Update {
                path: self.spec.path(&pool_id),
                updates,
            });
        }
    }
}

/// One load's use of the cache; dropped before [`Job::finish`], it leaves the old file.
pub struct Job {
    cache: Cache,
    id: u64,
    path: PathBuf,
    pool_id: String,
    ended: bool,
}

impl Job {
    /// Reads the cache file: its users, then how the reading ended.
    pub fn open(&self) -> tokio::sync::mpsc::UnboundedReceiver<Reading> {
        let (reading, read) = tokio::sync::mpsc::unbounded_channel();
        self.cache.send(Op::Open {
            job: self.id,
            path: self.path.clone(),
            pool_id: self.pool_id.clone(),
            reading,
        });
        read
    }

    /// Starts the new file with `header`.
    pub fn begin(&self, header: Header) {
        self.cache.send(Op::Begin {
            job: self.id,
            header: Box::new(header),
        });
    }

    pub fn page(&self, users: Vec<UserRecord>) {
        self.cache.send(Op::Page {
            job: self.id,
            users,
        });
    }

    /// Asks for the new file to be put in place (at once: the answer may be awaited later).
    pub fn finish(mut self) -> oneshot::Receiver<Finished> {
        self.ended = true;
        let (reply, answer) = oneshot::channel();
        self.cache.send(Op::Finish {
            job: self.id,
            reply,
        });
        answer
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if !self.ended {
            self.cache.send(Op::Abort { job: self.id });
        }
    }
}

/// The thread's state: the job writing a file, and changes waiting for it to end.
#[derive(Default)]
struct Thread {
    job: Option<Running>,
    waiting: Vec<(PathBuf, Updates)>,
}

struct Running {
    id: u64,
    path: PathBuf,
    writer: Option<Writer>,
    /// Why the new file will not be written, once something failed.
    unwritten: Option<String>,
    /// The refresh against the cache file the table opened from.
    refresh: Option<(Refresh, FileLines)>,
    compare_failed: Option<String>,
}

impl Thread {
    fn run(mut self, queue: mpsc::Receiver<Op>) {
        while let Ok(op) = queue.recv() {
            self.handle(op);
        }
        self.end_job();
        tracing::debug!("cache thread stopped");
    }

    fn current(&mut self, job: u64) -> Option<&mut Running> {
        self.job.as_mut().filter(|r| r.id == job)
    }

    fn handle(&mut self, op: Op) {
        match op {
            Op::Open {
                job,
                path,
                pool_id,
                reading,
            } => {
                // A new load replaces any other: its file is left as it was.
                self.end_job();
                let started = std::time::Instant::now();
                let now = now_secs();
                let given = store::read(&path, &pool_id, CHUNK, |header, users| {
                    let age = store::age(&header.taken_at, now);
                    (reading.send(Reading::Users { users, age }))
                        .map_err(|_| "the table has gone".to_owned())
                });
                let (end, refresh) = match given {
                    Ok(Some(opening)) => {
                        let Opening {
                            users,
                            baseline,
                            lines,
                            ..
                        } = opening;
                        tracing::info!(
                            users,
                            elapsed = ?started.elapsed(),
                            path = %path.display(),
                            "table opened from the cache"
                        );
                        (Ok(true), Some((Refresh::new(baseline), lines)))
                    }
                    Ok(None) => (Ok(false), None),
                    Err(reason) if reading.is_closed() => {
                        tracing::debug!("cache file read stopped: {reason}");
                        (Err(reason), None)
                    }
                    Err(reason) => {
                        tracing::warn!("cache file not used: {reason}");
                        (Err(reason), None)
                    }
                };
                self.job = Some(Running {
                    id: job,
                    path,
                    writer: None,
                    unwritten: None,
                    refresh,
                    compare_failed: None,
                });
                let _ = reading.send(Reading::End(end));
            }
            Op::Begin { job, header } => {
                if let Some(running) = self.current(job) {
                    match Writer::create(&running.path, &header) {
                        Ok(writer) => running.writer = Some(writer),
                        Err(e) => running.fail_write(e),
                    }
                }
            }
            Op::Page { job, users } => {
                if let Some(running) = self.current(job) {
                    running.page(users);
                }
            }
            Op::Finish { job, reply } => {
                if self.job.as_ref().is_some_and(|r| r.id == job) {
                    let running = self.job.take().expect("checked");
                    let path = running.path.clone();
                    let finished = running.finish();
                    if let Ok(users) = &finished.saved {
                        tracing::info!(users, path = %path.display(), "cache file written");
                    }
                    let _ = reply.send(finished);
                    self.apply_waiting(&path);
                }
            }
            Op::Abort { job } => {
                if self.job.as_ref().is_some_and(|r| r.id == job) {
                    self.end_job();
                }
            }
            Op::Update { path, updates } => {
                let writing = self
                    .job
                    .as_ref()
                    .is_some_and(|r| r.path == path && r.writer.is_some());
                if writing {
                    self.waiting.push((path, updates));
                } else {
                    apply(&path, &updates);
                }
            }
        }
    }

    /// Drops the running job (its new file with it) and applies the changes that waited.
    fn end_job(&mut self) {
        if let Some(running) = self.job.take() {
            let path = running.path.clone();
            drop(running);
            self.apply_waiting(&path);
        }
        for (path, updates) in std::mem::take(&mut self.waiting) {
            apply(&path, &updates);
        }
    }

    fn apply_waiting(&mut self, path: &std::path::Path) {
        let (mine, others) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(p, _)| p == path);
        self.waiting = others;
        let mut merged = Updates::new();
        for (_, updates) in mine {
            merged.extend(updates);
        }
        if !merged.is_empty() {
            apply(path, &merged);
        }
    }
}

impl Running {
    fn fail_write(&mut self, e: std::io::Error) {
        let reason = format!("{}: {e}", self.path.display());
        tracing::warn!("cache file not written: {reason}");
        self.unwritten.get_or_insert(reason);
        self.writer = None;
    }

    fn page(&mut self, users: Vec<UserRecord>) {
        for user in users {
            let (entry, line) = user_line(&user);
            if let Some(writer) = &mut self.writer
                && let Err(e) = writer.user(&line)
            {
                self.fail_write(e);
            }
            if let (Some((refresh, lines)), None) = (&mut self.refresh, &self.compare_failed)
                && let Err(e) = refresh.listed(&user, &entry, &line, lines)
            {
                tracing::warn!("the refresh cannot be compared with the cache: {e}");
                self.compare_failed = Some(e);
            }
        }
    }

    fn finish(mut self) -> Finished {
        let saved = match (self.writer.take(), self.unwritten.take()) {
            (_, Some(reason)) => Err(reason),
            (Some(writer), None) => writer
                .commit()
                .map_err(|e| format!("{}: {e}", self.path.display())),
            (None, None) => Err("the listing ended before the file was begun".into()),
        };
        let refreshed =
            self.refresh
                .take()
                .map(|(refresh, mut lines)| match self.compare_failed.take() {
                    Some(e) => Err(e),
                    None => refresh.finish(&mut lines),
                });
        Finished { saved, refreshed }
    }
}

/// A session's changes to the file at `path` (logged: nothing waits for them).
fn apply(path: &std::path::Path, updates: &Updates) {
    match store::apply_updates(path, updates) {
        Ok(true) => tracing::info!(
            users = updates.len(),
            path = %path.display(),
            "cache file updated with the session's change"
        ),
        Ok(false) => {}
        Err(e) => tracing::warn!("cache file not updated: {e}"),
    }
}

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
