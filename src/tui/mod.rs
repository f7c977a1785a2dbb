//! The terminal UI: browse pools, users and their linked identities.
//!
//! Architecture (Elm-style): one [`model::Model`]; a pure [`update::update`] turns each
//! [`msg::Msg`] into state changes and [`effect::Effect`]s; pure views draw the model; one
//! tokio [`worker`] owns the SDK client and answers [`effect::Command`]s with `Msg`s on the
//! same channel the terminal input arrives on. The UI thread never awaits the network.

mod change;
mod effect;
mod event_loop;
mod form;
mod format;
mod fuzzy;
#[doc(hidden)]
pub mod headless;
mod keymap;
mod keys;
mod model;
mod msg;
mod plan;
mod terminal;
mod theme;
mod update;
mod users;
mod view;
mod worker;

#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod testdata;
#[cfg(test)]
mod update_tests;

use std::process::ExitCode;

use crate::aws::ops::Ops;
use crate::cli::args::GlobalArgs;
use crate::cli::session::Session;
use keymap::Keymap;
use model::Setup;
use theme::Theme;

/// Opens the session (starting the embedded endpoint for `--local`) and runs the UI.
pub fn run(global: GlobalArgs, user_pool_id: Option<String>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("coglink: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let session = match runtime.block_on(Session::open(&global)) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("coglink: cannot start the local endpoint: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (keymap, keymap_problem) = load_keymap();
    let target = &session.connection.target;
    let setup = Setup {
        target: target.describe(),
        read_only: session.read_only,
        theme: Theme::from_env(),
        keymap,
        cli: global.clone(),
    };
    let ops = Ops::new(session.connection.client.clone(), target.clone());
    tracing::info!(target = %setup.target, "terminal UI starting");
    let result = event_loop::run(&runtime, setup, user_pool_id, ops, keymap_problem);
    runtime.block_on(session.close());
    match result {
        Ok(event_loop::Ended::Quit) => ExitCode::SUCCESS,
        Ok(event_loop::Ended::Signal(n)) => {
            tracing::info!(signal = n, "terminal UI stopped by a signal");
            ExitCode::from(128 + n as u8)
        }
        Err(e) => {
            tracing::error!("terminal error: {e}");
            eprintln!("coglink: terminal error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The default keymap with the user's overrides, and why the overrides were not used.
fn load_keymap() -> (Keymap, Option<String>) {
    let path = crate::paths::config_dir().join("keymap.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => match Keymap::with_overrides(&text) {
            Ok(keymap) => (keymap, None),
            Err(e) => (
                Keymap::default(),
                Some(format!("{}: {e} — using the default keys", path.display())),
            ),
        },
        Err(_) => (Keymap::default(), None),
    }
}
