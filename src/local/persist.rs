//! Shared state and its durability: atomic state-file writes with group commit.
//!
//! A change is made under the lock and bumps the state version; the handler then waits until
//! a write covering that version has reached the disk before it answers. One writer task
//! writes whole snapshots: changes that arrive while a write is in flight are all covered by
//! the next write (group commit), so a burst of N changes costs far fewer than N writes.
//!
//! A write goes through `atomic_file`: a temporary file in the same directory, fsynced,
//! renamed over the state file, and the directory fsynced: a crash leaves either the old or
//! the new file, never a torn one.

use std::path::PathBuf;
use std::sync::{PoisonError, RwLock};

use tokio::sync::{Notify, watch};

use super::store::State;
use crate::domain::CognitoError;

/// How far the state file has caught up.
#[derive(Clone, Debug, Default)]
struct Durable {
    /// Highest version known to be on disk.
    written: u64,
    /// Highest version whose write failed (its waiters get an error).
    failed: u64,
    error: Option<String>,
}

struct Persister {
    path: PathBuf,
    /// Completed writes, for tests and measurements.
    writes: std::sync::atomic::AtomicU64,
    wake: Notify,
    durable: watch::Sender<Durable>,
}

/// The state every handler shares.
pub struct Shared {
    state: RwLock<State>,
    persister: Option<Persister>,
}

impl Shared {
    /// `path`: the state file, already holding `state` (None: memory only).
    pub fn new(state: State, path: Option<PathBuf>) -> Shared {
        let written = state.version();
        Shared {
            state: RwLock::new(state),
            persister: path.map(|path| Persister {
                path,
                writes: Default::default(),
                wake: Notify::new(),
                durable: watch::channel(Durable {
                    written,
                    ..Durable::default()
                })
                .0,
            }),
        }
    }

    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs a change. On `Ok` the state version is bumped and returned with the result: pass it
    /// to [`Shared::durable`] before answering. `f` must not change anything when it fails.
    pub fn write<R>(
        &self,
        f: impl FnOnce(&mut State) -> Result<R, CognitoError>,
    ) -> Result<(R, u64), CognitoError> {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let r = f(&mut state)?;
        Ok((r, state.bump()))
    }

    /// Waits until `version` is on disk (at once without a state file).
    pub async fn durable(&self, version: u64) -> Result<(), CognitoError> {
        let Some(p) = &self.persister else {
            return Ok(());
        };
        let mut rx = p.durable.subscribe();
        p.wake.notify_one();
        let d = rx
            .wait_for(|d| d.written >= version || d.failed >= version)
            .await
            .map_err(|_| CognitoError::internal())?
            .clone();
        if d.written >= version {
            Ok(())
        } else {
            tracing::error!(error = ?d.error, "local state write failed");
            Err(CognitoError::internal())
        }
    }

    /// Waits until every change so far is on disk.
    pub async fn flush(&self) -> Result<(), CognitoError> {
        let v = self.read(State::version);
        self.durable(v).await
    }

    /// State-file writes completed so far.
    pub fn write_count(&self) -> u64 {
        self.persister
            .as_ref()
            .map_or(0, |p| p.writes.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The writer loop; run it as one task for the lifetime of the server.
    pub async fn run_writer(self: std::sync::Arc<Self>) {
        let Some(p) = &self.persister else { return };
        loop {
            p.wake.notified().await;
            loop {
                let written = p.durable.borrow().written;
                let Some(snapshot) = self.read(|s| (s.version() > written).then(|| s.snapshot()))
                else {
                    break;
                };
                let version = snapshot.version;
                let path = p.path.clone();
                let result =
                    tokio::task::spawn_blocking(move || write_atomic(&path, &snapshot.to_json()))
                        .await;
                match result {
                    Ok(Ok(())) => {
                        p.writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        p.durable
                            .send_modify(|d| d.written = d.written.max(version))
                    }
                    other => {
                        let error = match other {
                            Ok(Err(e)) => e.to_string(),
                            Err(e) => e.to_string(),
                            Ok(Ok(())) => unreachable!(),
                        };
                        p.durable.send_modify(|d| {
                            d.failed = d.failed.max(version);
                            d.error = Some(error);
                        });
                        // Waiting for the next change avoids spinning on a full disk.
                        break;
                    }
                }
            }
        }
    }
}

use crate::atomic_file::write_atomic;

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::local::store::{Pool, PoolData};

    fn state_with_pool() -> State {
        let mut s = State::default();
        s.insert_pool(
            Pool::new(PoolData {
                id: "us-east-1_P".into(),
                name: "p".into(),
                created_ms: 0,
                modified_ms: 0,
                username_case_sensitive: false,
                users: Default::default(),
                providers: Default::default(),
                groups: Default::default(),
            })
            .unwrap(),
        );
        s
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_changes_are_durable_and_grouped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let shared = Arc::new(Shared::new(state_with_pool(), Some(path.clone())));
        let writer = tokio::spawn(shared.clone().run_writer());
        let done = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..200 {
            let shared = shared.clone();
            let done = done.clone();
            let path = path.clone();
            tasks.push(tokio::spawn(async move {
                let (_, v) = shared
                    .write(|s| {
                        let p = s.pool_mut("us-east-1_P").unwrap();
                        p.data_mut().name = format!("name-{i}");
                        Ok(())
                    })
                    .unwrap();
                shared.durable(v).await.unwrap();
                // Once answered, the file holds this change or a later one.
                let on_disk = State::from_json(&fs::read_to_string(&path).unwrap()).unwrap();
                let name = on_disk.pool("us-east-1_P").unwrap().data().name.clone();
                assert!(name.starts_with("name-"), "{name}");
                done.fetch_add(1, Ordering::SeqCst);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(done.load(Ordering::SeqCst), 200);
        shared.flush().await.unwrap();
        let final_name = shared.read(|s| s.pool("us-east-1_P").unwrap().data().name.clone());
        let on_disk = State::from_json(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(on_disk.pool("us-east-1_P").unwrap().data().name, final_name);
        let writes = shared.write_count();
        assert!(
            (1..200).contains(&writes),
            "{writes} writes for 200 changes"
        );
        writer.abort();
    }

    #[tokio::test]
    async fn failed_writes_answer_internal_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone").join("state.json");
        let shared = Arc::new(Shared::new(state_with_pool(), Some(path)));
        let writer = tokio::spawn(shared.clone().run_writer());
        let (_, v) = shared
            .write(|s| {
                s.pool_mut("us-east-1_P").unwrap().data_mut().name = "x".into();
                Ok(())
            })
            .unwrap();
        let e = shared.durable(v).await.unwrap_err();
        assert_eq!(e.kind, crate::domain::ErrorKind::InternalError);
        writer.abort();
    }

    #[tokio::test]
    async fn memory_only_state_is_durable_at_once() {
        let shared = Shared::new(state_with_pool(), None);
        let (_, v) = shared.write(|_| Ok(())).unwrap();
        shared.durable(v).await.unwrap();
    }
}
