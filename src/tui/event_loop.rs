//! The loop: terminal input (a blocking reader thread) and worker replies arrive on one
//! channel; each batch of messages goes through `update`, effects go to the worker, and the
//! screen is drawn once per batch. Ticks run only while something animates.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event};
use tokio::runtime::Runtime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::MissedTickBehavior;

use super::effect::{Effect, Request};
use super::model::{Model, Phase, Setup, TICK};
use super::msg::{Copied, Msg};
use super::terminal::TerminalGuard;
use super::{clipboard, update, view, worker};

/// How long quitting waits for the worker to take its last commands.
const WORKER_DRAIN: Duration = Duration::from_secs(2);
/// How long quitting then waits for a change in flight (the SDK's own timeouts end it
/// sooner; this only bounds a hung endpoint).
const CHANGE_DRAIN: Duration = Duration::from_secs(120);
/// How long quitting waits for the input reader, whose poll wakes every 100 ms.
const INPUT_STOP_WAIT: Duration = Duration::from_millis(500);

/// How the UI ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The user quit.
    Quit,
    /// SIGTERM or SIGHUP (its number): the UI stopped as if quit, terminal restored and
    /// journal entries written; the process should exit with 128 + the number.
    Signal(i32),
}

pub fn run(
    runtime: &Runtime,
    setup: Setup,
    pool_id: Option<String>,
    connecting: worker::Connecting,
    notice: Option<String>,
) -> io::Result<Ended> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let mut model = Model::new(setup, pool_id, (size.width, size.height));
    if let Some(notice) = notice {
        model.error(notice);
    }
    let (msg_tx, mut msg_rx) = unbounded_channel::<Msg>();
    let (cmd_tx, cmd_rx) = unbounded_channel::<Request>();
    let journal = crate::journal::Journal::default_location();
    let worker = runtime.spawn(worker::run_when_connected(
        connecting,
        journal,
        cmd_rx,
        msg_tx.clone(),
    ));
    let copied_tx = msg_tx.clone();
    let input = InputReader::spawn(msg_tx);
    let clipboard_file = crate::paths::clipboard_file();
    let perform = |effects: Vec<Effect>, guard: &mut TerminalGuard| {
        perform(effects, &cmd_tx, &mut |what, text| {
            let file = clipboard::copy(guard.terminal.backend_mut(), &clipboard_file, &text);
            let chars = text.chars().count();
            let _ = copied_tx.send(Msg::Copied(Copied { what, chars, file }));
        })
    };

    let mut quit = perform(update::init(&mut model), &mut guard);
    let result = runtime.block_on(async {
        let mut stop_signals = StopSignals::new()?;
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut startup = StartupLog::default();
        while !quit {
            guard.terminal.draw(|frame| view::view(&model, frame))?;
            startup.drawn(&model);
            let msg = tokio::select! {
                // Input first: a key typed while the filter works restarts or narrows it.
                biased;
                msg = msg_rx.recv() => match msg {
                    Some(msg) => msg,
                    None => break,
                },
                _ = ticker.tick(), if model.wants_tick() => Msg::Tick,
                n = stop_signals.recv() => return Ok(Ended::Signal(n)),
                () = std::future::ready(()), if model.users.is_filtering() => Msg::FilterStep,
            };
            quit = perform(update::update(&mut model, msg), &mut guard);
            while !quit && let Ok(msg) = msg_rx.try_recv() {
                quit = perform(update::update(&mut model, msg), &mut guard);
            }
        }
        Ok::<Ended, io::Error>(Ended::Quit)
    });
    input.stop();
    // Closing the channel lets the worker take the commands already sent (a journal entry
    // may be among them) before it stops.
    drop(cmd_tx);
    // The timer must be made inside the runtime.
    let mut worker = worker;
    let stopped = runtime.block_on(async { tokio::time::timeout(WORKER_DRAIN, &mut worker).await });
    drop(guard);
    if stopped.is_err() {
        // A change is still in flight: the worker settles and journals it before stopping.
        // The terminal is restored first, so the wait is visible and can be cut short.
        eprintln!(
            "coglink: waiting for the change in flight to be answered and journaled \
             (Ctrl-C leaves it: the journal's intent lets the next run settle it)…"
        );
        let waited = runtime.block_on(async {
            tokio::select! {
                r = tokio::time::timeout(CHANGE_DRAIN, &mut worker) => r.is_ok(),
                _ = tokio::signal::ctrl_c() => false,
            }
        });
        if !waited {
            tracing::warn!("left with a change in flight; the next run settles it");
            eprintln!(
                "coglink: left with a change in flight; the next run settles it from the journal"
            );
        }
    }
    result
}

/// SIGTERM and SIGHUP, caught so the terminal is restored and pending journal entries are
/// written instead of the process dying in raw mode on the alternate screen.
#[cfg(unix)]
struct StopSignals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignals {
    fn new() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// The number of the next signal (POSIX: SIGHUP 1, SIGTERM 15).
    async fn recv(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => 15,
            _ = self.hup.recv() => 1,
        }
    }
}

/// Logs the start-up figures once each: the first frame, and the first frame showing the
/// opened pool's users fully loaded (timed from process start; `benches/tui.rs` reads them).
#[derive(Default)]
struct StartupLog {
    first_frame: bool,
    loaded: bool,
}

impl StartupLog {
    fn drawn(&mut self, model: &Model) {
        if !self.first_frame {
            self.first_frame = true;
            tracing::info!(
                "first frame drawn after {:.1} ms",
                ms(crate::logging::since_process_start())
            );
        }
        if !self.loaded && model.load.phase == Phase::Done {
            self.loaded = true;
            tracing::info!(
                "user table loaded after {:.1} ms: {} users",
                ms(crate::logging::since_process_start()),
                model.users.total()
            );
        }
    }
}

#[cfg(not(unix))]
struct StopSignals;

#[cfg(not(unix))]
impl StopSignals {
    fn new() -> io::Result<Self> {
        Ok(StopSignals)
    }

    async fn recv(&mut self) -> i32 {
        std::future::pending().await
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Hands commands to the worker and copies to `copy`; true when the UI should quit.
fn perform(
    effects: Vec<Effect>,
    commands: &UnboundedSender<Request>,
    copy: &mut dyn FnMut(String, String),
) -> bool {
    let mut quit = false;
    for effect in effects {
        match effect {
            Effect::Worker(command) => {
                if commands.send(command).is_err() {
                    tracing::error!("the worker has stopped");
                }
            }
            Effect::Copy { what, text } => copy(what, text),
            Effect::Quit => quit = true,
        }
    }
    quit
}

/// Reads terminal events on its own thread and forwards them as `Msg`s.
struct InputReader {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

impl InputReader {
    fn spawn(messages: UnboundedSender<Msg>) -> InputReader {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match event::poll(Duration::from_millis(100)) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(e) => {
                        tracing::error!("terminal input failed: {e}");
                        break;
                    }
                }
                let msg = match event::read() {
                    Ok(Event::Key(key)) => Msg::Key(key),
                    Ok(Event::Mouse(mouse)) => Msg::Mouse(mouse),
                    Ok(Event::Resize(width, height)) => Msg::Resize { width, height },
                    Ok(Event::Paste(text)) => Msg::Paste(text),
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::error!("terminal input failed: {e}");
                        break;
                    }
                };
                if messages.send(msg).is_err() {
                    break;
                }
            }
        });
        InputReader { stop, handle }
    }

    /// Asks the reader to stop and waits for it briefly. A reader that does not stop is left
    /// behind (it ends with the process): once the terminal has hung up (SSH dropped, tmux
    /// killed) crossterm's `poll` can spin on the dead tty without returning, and waiting for
    /// it would keep the process alive forever.
    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let deadline = std::time::Instant::now() + INPUT_STOP_WAIT;
        while !self.handle.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if self.handle.is_finished() {
            let _ = self.handle.join();
        } else {
            tracing::warn!(
                "the terminal input reader did not stop (terminal hung up?); leaving it"
            );
        }
    }
}
