//! The embedded, Cognito-compatible local endpoint (`coglink --local`, `coglink local serve`).
//!
//! Speaks the AWS JSON 1.1 protocol of `cognito-idp` on 127.0.0.1 for the operations coglink
//! uses, validates with the shared domain rules, and keeps its pools in a state file that is
//! written atomically (group commit) before any change is acknowledged.

mod conn;
mod fault_script;
mod ids;
pub mod limits;
mod ops;
mod persist;
mod seed;
mod server;
mod sign_in_client;
mod simulate;
mod store;
mod synthetic;
mod token;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fault_script::{ApplyPoint, Fault, ScriptedEffect, ScriptedFault, parse_script};
pub use ops::Operation;
pub use seed::DEMO_POOL_ID;
pub use server::ChangeRecord;
pub use sign_in_client::{SignInRequest, SignedIn, sign_in};
pub use simulate::{Category, QUOTA_TABLE, Quota, Simulation, SimulationStats};
pub use synthetic::{SYNTHETIC_POOL_ID, synthetic_username};

use persist::Shared;
use server::App;
use simulate::Simulator;
use store::State;

/// Region clients use with `--local`.
pub const LOCAL_REGION: &str = "us-east-1";
/// Static test credentials clients sign with for `--local`. The endpoint checks the shape of
/// the SigV4 `Authorization` header, not the key or the HMAC.
pub const LOCAL_ACCESS_KEY_ID: &str = "AKIACOGLINKLOCAL0001";
pub const LOCAL_SECRET_ACCESS_KEY: &str = "coglink-local-secret-key-not-a-real-secret";

/// How to start the endpoint.
#[derive(Clone, Debug)]
pub struct LocalOptions {
    /// 0 = any free port.
    pub port: u16,
    /// None = in memory only.
    pub state_file: Option<PathBuf>,
    /// Used only when the state file does not exist yet (or in memory).
    pub seed: Seed,
    /// Latency, quota and fault simulation; `Simulation::default()` simulates nothing.
    pub simulation: Simulation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Empty,
    Demo,
    /// One pool, [`SYNTHETIC_POOL_ID`], holding `users` generated users named by
    /// [`synthetic_username`] (for load tests and benchmarks; built in memory at once).
    #[doc(hidden)]
    Synthetic {
        users: usize,
    },
    /// The same pool with users like a production pool's: many attributes, federated users,
    /// links, duplicates and a group (`local::synthetic`).
    #[doc(hidden)]
    Realistic {
        users: usize,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("could not read the local state file {}: {source}", path.display())]
    StateUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the local state file {} is corrupt: {reason}", path.display())]
    StateCorrupt { path: PathBuf, reason: String },
    #[error("could not write the local state file {}: {source}", path.display())]
    StateWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the local state file {} is in use by another coglink local endpoint",
        path.display()
    )]
    StateInUse { path: PathBuf },
    #[error("the embedded demo pool is invalid: {0}")]
    Seed(String),
    #[error("the local endpoint stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// A running local endpoint.
pub struct LocalServer {
    addr: SocketAddr,
    app: Arc<App>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    writer: JoinHandle<()>,
    /// Held for the server's lifetime: one endpoint per state file.
    _lock: Option<std::fs::File>,
}

fn initial_state(seed: Seed) -> Result<State, LocalError> {
    match seed {
        Seed::Empty => Ok(State::default()),
        Seed::Demo => seed::demo_state().map_err(LocalError::Seed),
        Seed::Synthetic { users } => synthetic::synthetic_state(users).map_err(LocalError::Seed),
        Seed::Realistic { users } => synthetic::realistic_state(users).map_err(LocalError::Seed),
    }
}

/// Takes an exclusive lock on `.<state file>.lock` beside the state file, so two endpoints
/// never overwrite each other's changes. The lock file itself is left in place.
fn lock_state_file(path: &std::path::Path) -> Result<std::fs::File, LocalError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(|source| LocalError::StateWrite {
            path: path.to_path_buf(),
            source,
        })?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let lock_path = dir
        .map(|d| d.to_path_buf())
        .unwrap_or_default()
        .join(format!(".{name}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| LocalError::StateWrite {
            path: lock_path.clone(),
            source,
        })?;
    // A lock that another endpoint of this process has just released can still look held
    // for a moment: a child process forked by some other thread holds a copy of the lock's
    // file descriptor until it execs. So a held lock is retried briefly before it is
    // reported as in use.
    let deadline = std::time::Instant::now() + LOCK_RETRY_FOR;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LocalError::StateInUse {
                    path: path.to_path_buf(),
                });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(LocalError::StateWrite {
                    path: lock_path,
                    source,
                });
            }
        }
    }
}

/// How long a held state lock is retried (see `lock_state_file`).
const LOCK_RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// Loads the state file, or creates it from the seed (written before serving).
fn load_state(opts: &LocalOptions) -> Result<State, LocalError> {
    let Some(path) = &opts.state_file else {
        return initial_state(opts.seed);
    };
    match std::fs::read_to_string(path) {
        Ok(text) => State::from_json(&text).map_err(|reason| LocalError::StateCorrupt {
            path: path.clone(),
            reason,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let state = initial_state(opts.seed)?;
            crate::atomic_file::write_atomic(path, &state.snapshot().to_json()).map_err(
                |source| LocalError::StateWrite {
                    path: path.clone(),
                    source,
                },
            )?;
            Ok(state)
        }
        Err(source) => Err(LocalError::StateUnreadable {
            path: path.clone(),
            source,
        }),
    }
}

impl LocalServer {
    /// Loads or seeds the state and listens on 127.0.0.1 only.
    pub async fn start(opts: LocalOptions) -> Result<LocalServer, LocalError> {
        let lock = opts
            .state_file
            .as_deref()
            .map(lock_state_file)
            .transpose()?;
        let state = load_state(&opts)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))
            .await
            .map_err(|source| LocalError::Bind {
                port: opts.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| LocalError::Bind {
            port: opts.port,
            source,
        })?;
        let shared = Arc::new(Shared::new(state, opts.state_file.clone()));
        let writer = tokio::spawn(shared.clone().run_writer());
        let (stop, stopped) = oneshot::channel::<()>();
        let app = Arc::new(App {
            shared,
            sim: Simulator::new(opts.simulation.clone()),
            changes: Default::default(),
            stopping: tokio::sync::watch::Sender::new(false),
            released: tokio::sync::watch::Sender::new(false),
        });
        let service =
            server::router(app.clone()).into_make_service_with_connect_info::<conn::ConnHandle>();
        let listener = conn::DroppableListener(listener);
        let server = tokio::spawn(async move {
            axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "local Cognito endpoint listening");
        Ok(LocalServer {
            addr,
            app,
            stop,
            server,
            writer,
            _lock: lock,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// State-file writes done so far (group commit makes this lower than the number of
    /// changes under load). For tests and measurements.
    #[doc(hidden)]
    pub fn state_file_writes(&self) -> u64 {
        self.app.shared.write_count()
    }

    /// What the simulation did so far (throttles, 5xx answers, dropped connections).
    #[doc(hidden)]
    pub fn simulation_stats(&self) -> SimulationStats {
        self.app.sim.stats()
    }

    /// The scripted faults (`Simulation::script`) whose request has not arrived: a test
    /// asserts this is empty, so every fault it names was met.
    #[doc(hidden)]
    pub fn unmet_script(&self) -> Vec<ScriptedFault> {
        self.app.sim.unmet_script()
    }

    /// Every change request (link, unlink, delete, group add, attribute update) received so
    /// far, in arrival order, with whether it was applied and what the client was answered.
    /// For tests and measurements.
    #[doc(hidden)]
    pub fn change_requests(&self) -> Vec<ChangeRecord> {
        self.app
            .changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Answers every request held by a `hang` fault (and any later one) at once: a test
    /// decides when the change a client waits for is answered.
    #[doc(hidden)]
    pub fn release_hung(&self) {
        self.app.released.send_replace(true);
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, lets requests in flight finish, and makes sure every change
    /// is on disk (each acknowledged change already is).
    pub async fn shutdown(self) {
        self.app.stopping.send_replace(true);
        let _ = self.stop.send(());
        match self.server.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "local endpoint stopped with an error"),
            Err(e) => tracing::warn!(error = %e, "local endpoint task failed"),
        }
        if let Err(e) = self.app.shared.flush().await {
            tracing::error!(error = %e, "could not save the local state on shutdown");
        }
        self.writer.abort();
    }
}

/// The environment variable that turns on short ListUsers pages for `--local` (the tests
/// run with it; `local serve` has `--short-pages`).
pub const SHORT_PAGES_ENV: &str = "COGLINK_LOCAL_SHORT_PAGES";

/// `COGLINK_LOCAL_SHORT_PAGES=SEED`: short pages with that seed; unset or not a number: off.
pub fn short_pages_from_env() -> Option<u64> {
    std::env::var(SHORT_PAGES_ENV).ok()?.trim().parse().ok()
}

/// `coglink local serve`: prints the endpoint and an example command, runs until Ctrl-C.
pub async fn serve_forever(opts: LocalOptions) -> Result<(), LocalError> {
    let state_note = match &opts.state_file {
        Some(p) => format!("state file: {}", p.display()),
        None => "state kept in memory only".to_owned(),
    };
    let sim_note = opts.simulation.describe();
    let server = LocalServer::start(opts).await?;
    let url = server.endpoint_url();
    // Errors are ignored: a closed stdout (`| head -1`) must not stop the endpoint.
    let mut banner = format!("Local Cognito endpoint: {url} ({state_note})\n");
    if let Some(note) = sim_note {
        banner.push_str(&format!("Simulating: {note}\n"));
    }
    banner.push_str(&format!(
        "Try:\n  AWS_ACCESS_KEY_ID={LOCAL_ACCESS_KEY_ID} AWS_SECRET_ACCESS_KEY={LOCAL_SECRET_ACCESS_KEY} \
         aws --endpoint-url {url} --region {LOCAL_REGION} cognito-idp list-user-pools --max-results 10\n\
         Press Ctrl-C to stop.\n"
    ));
    let mut out = std::io::stdout();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    let result = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    result.map_err(LocalError::Serve)
}
