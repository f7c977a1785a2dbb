//! The terminal UI: browse pools, users and their linked identities.
//!
//! Architecture (Elm-style): one [`model::Model`]; a pure [`update::update`] turns each
//! [`msg::Msg`] into state changes and [`effect::Effect`]s; pure views draw the model; one
//! tokio [`worker`] owns the SDK client and answers [`effect::Request`]s with `Msg`s on the
//! same channel the terminal input arrives on. The UI thread never awaits the network.

mod browse;
mod cache;
mod clipboard;
mod duplicates;
mod effect;
mod event_loop;
mod form;
mod format;
mod fuzzy;
#[doc(hidden)]
pub mod headless;
mod intent;
mod keymap;
mod keys;
mod layers;
mod linking;
mod merge_review;
mod merging;
mod model;
mod msg;
mod review;
mod terminal;
mod theme;
mod update;
mod users;
mod view;
mod worker;

#[cfg(test)]
mod cache_tests;
#[cfg(test)]
mod linking_tests;
#[cfg(test)]
mod merging_tests;
#[cfg(test)]
mod testdata;
#[cfg(test)]
mod update_tests;

use std::process::ExitCode;

use crate::aws::TargetSpec;
use crate::aws::listing::ListingSettings;
use crate::aws::ops::Ops;
use crate::domain::sanitize::sanitize;
use crate::session::Session;
use keymap::Keymap;
use model::Setup;
use theme::Theme;

/// Runs the UI. The first frame is drawn at once; the session (the embedded endpoint for
/// `--local`, the AWS configuration otherwise) opens on the runtime meanwhile, and the worker
/// starts serving the commands queued so far when it is ready.
/// What the UI is started with: where to connect and how, never the command-line types.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    pub target: TargetSpec,
    pub read_only: bool,
    pub listing: ListingSettings,
    pub user_pool_id: Option<String>,
    /// `--cache` (`Some(true)`) or `--no-cache` (`Some(false)`); `None`: the profile's
    /// `cache` setting decides (off without one).
    pub cache: Option<bool>,
}

pub fn run(launch: Launch) -> ExitCode {
    let Launch {
        target: global,
        read_only,
        listing,
        user_pool_id,
        cache,
    } = launch;
    // Before the session opens: a profile's `read_only` applies to it.
    let profile = match crate::session::profile_settings(&global) {
        Ok(profile) => profile,
        Err(message) => {
            eprintln!("coglink: {message}");
            return ExitCode::from(crate::exit::EXIT_BAD_INPUT);
        }
    };
    let read_only = read_only || profile.read_only;
    // Off unless asked for: the cache holds personal data.
    let cache = cache.unwrap_or(profile.cache);
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
    let (connected_tx, connecting) = tokio::sync::oneshot::channel();
    let opening = {
        let global = global.clone();
        runtime.spawn(async move {
            let opened = Session::open(&global, read_only).await;
            let connected = opened.as_ref().map_err(|_| ()).map(|session| {
                let target = &session.connection.target;
                let described = target.describe();
                tracing::info!(target = %described, "session open");
                worker::Connected {
                    ops: Ops::new(session.connection.client.clone(), target.clone()),
                    target: described,
                    listing,
                    cache: cache.then(|| {
                        crate::cache::CacheSpec::new(crate::paths::cache_dir(), &global, target)
                    }),
                }
            });
            let _ = connected_tx.send(connected);
            opened
        })
    };
    let (keymap, keymap_problem) = load_keymap();
    let setup = Setup {
        target: connecting_target(&global),
        read_only,
        theme: Theme::from_env(),
        keymap,
        connect: global,
        profile,
    };
    tracing::info!("terminal UI starting");
    let result = event_loop::run(&runtime, setup, user_pool_id, connecting, keymap_problem);
    match runtime.block_on(opening) {
        Ok(Ok(session)) => runtime.block_on(session.close()),
        Ok(Err(e)) => {
            eprintln!("coglink: cannot start the local endpoint: {e}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("coglink: opening the session failed: {e}");
            return ExitCode::FAILURE;
        }
    }
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

/// The header until the session has opened: what the options ask for.
fn connecting_target(global: &TargetSpec) -> String {
    if global.local {
        return "local · starting the endpoint…".into();
    }
    let mut parts = vec![match &global.profile {
        Some(p) => format!("profile {p}"),
        None => "default credentials".into(),
    }];
    parts.extend(global.endpoint_url.clone());
    parts.extend(global.region.clone());
    parts.push("connecting…".into());
    parts.join(" · ")
}

/// The default keymap with the user's overrides, and why the overrides were not used.
fn load_keymap() -> (Keymap, Option<String>) {
    let path = crate::paths::config_dir().join("keymap.toml");
    keymap_or_defaults(&path, std::fs::read_to_string(&path).ok().as_deref())
}

/// The keymap of the user file at `path` (holding `text`, if it exists); the defaults and
/// the reason, shown in the status line, when it is refused.
fn keymap_or_defaults(path: &std::path::Path, text: Option<&str>) -> (Keymap, Option<String>) {
    match text.map(Keymap::with_overrides) {
        Some(Ok(keymap)) => (keymap, None),
        Some(Err(e)) => {
            // The reason may quote the file: escaped before it reaches the terminal.
            let reason = format!("{}: {e} — using the default keys", path.display());
            (Keymap::default(), Some(sanitize(&reason).into_owned()))
        }
        None => (Keymap::default(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::{connecting_target, keymap_or_defaults};
    use crate::aws::TargetSpec;
    use crate::tui::keymap::Keymap;

    /// A refused keymap: the defaults are used and the status line says why, naming the
    /// file, the layer, both actions and the key.
    #[test]
    fn a_conflicting_keymap_is_refused_with_its_reason_and_the_defaults_are_used() {
        let path = std::path::Path::new("/home/me/.config/coglink/keymap.toml");
        let conflict = "[[review]]\naction = \"confirm\"\nkeys = [\"k\"]\n";
        let (keymap, notice) = keymap_or_defaults(path, Some(conflict));
        assert_eq!(keymap, Keymap::default());
        let notice = notice.expect("a reason");
        assert_eq!(
            notice,
            "/home/me/.config/coglink/keymap.toml: [review] the key k is bound to both confirm \
             (it sends the change) and up: a key that sends a change must do nothing else in \
             its layer — using the default keys"
        );
        let mut m = crate::tui::linking_tests::loaded((200, 24));
        m.error(notice.clone());
        let screen = crate::tui::view::tests::screen(&m);
        assert!(
            screen.contains("[review] the key k is bound to both confirm"),
            "{screen}"
        );
        assert_eq!(keymap_or_defaults(path, None), (Keymap::default(), None));
        let fine = "[[review]]\naction = \"confirm\"\nkeys = [\"Y\"]\n";
        assert_eq!(keymap_or_defaults(path, Some(fine)).1, None);
    }

    #[test]
    fn the_header_before_connecting_says_what_the_options_ask_for() {
        let local = TargetSpec {
            local: true,
            ..Default::default()
        };
        assert_eq!(connecting_target(&local), "local · starting the endpoint…");
        let aws = TargetSpec {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        assert_eq!(
            connecting_target(&aws),
            "profile prod · eu-west-1 · connecting…"
        );
        assert_eq!(
            connecting_target(&TargetSpec::default()),
            "default credentials · connecting…"
        );
    }
}
