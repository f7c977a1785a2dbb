//! Opening a connection to a [`TargetSpec`], starting the embedded endpoint for `--local`.

use crate::aws::{ConnectOptions, Connection, TargetSpec};
use crate::local::{self, LocalError, LocalOptions, LocalServer, Seed};
use crate::paths;

/// A connection, and the embedded endpoint behind it when `--local` was given.
pub struct Session {
    pub connection: Connection,
    /// Kept alive for the session; dropped (and shut down) at exit.
    pub local: Option<LocalServer>,
    pub read_only: bool,
    /// The profile named by `--profile` or AWS_PROFILE, for the journal.
    pub profile: Option<String>,
}

impl Session {
    pub async fn open(global: &TargetSpec, read_only: bool) -> Result<Session, LocalError> {
        let mut opts = ConnectOptions {
            profile: global.profile.clone(),
            region: global.region.clone(),
            endpoint_url: global.endpoint_url.clone(),
            ..Default::default()
        };
        let local = if global.local {
            let state_file = global
                .local_state
                .clone()
                .unwrap_or_else(paths::local_state_file);
            let server = LocalServer::start(LocalOptions {
                port: 0,
                state_file: Some(state_file),
                seed: Seed::Demo,
                simulation: local::Simulation {
                    short_pages: local::short_pages_from_env(),
                    ..local::Simulation::default()
                },
            })
            .await?;
            opts.endpoint_url = Some(server.endpoint_url());
            opts.region = Some(
                global
                    .region
                    .clone()
                    .unwrap_or_else(|| local::LOCAL_REGION.to_owned()),
            );
            opts.static_credentials = Some((
                local::LOCAL_ACCESS_KEY_ID.to_owned(),
                local::LOCAL_SECRET_ACCESS_KEY.to_owned(),
            ));
            opts.label = Some("local".into());
            Some(server)
        } else {
            None
        };
        let connection = Connection::open(&opts).await;
        let profile = global.named_profile();
        Ok(Session {
            connection,
            local,
            read_only,
            profile,
        })
    }

    /// Shuts the embedded endpoint down cleanly (its state is already durable).
    pub async fn close(self) {
        if let Some(server) = self.local {
            server.shutdown().await;
        }
    }
}

/// The settings of the profile a target uses (`--profile`, else AWS_PROFILE, else
/// `default`; the `[local]` table for `--local`) from `config.toml`. A file that breaks a
/// rule is an error naming its path, the key and the rule (escaped: it quotes the file);
/// no file is no guard.
pub fn profile_settings(target: &TargetSpec) -> Result<crate::settings::ProfileSettings, String> {
    let path = paths::config_dir().join("config.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Default::default());
    };
    let profile =
        (!target.local).then(|| target.named_profile().unwrap_or_else(|| "default".into()));
    crate::settings::settings_for(&text, profile.as_deref()).map_err(|e| {
        let message = format!("{}: {e}; nothing was started", path.display());
        crate::domain::sanitize::sanitize(&message).into_owned()
    })
}
