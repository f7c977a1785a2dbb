//! The top layer: parses the arguments (with the file locations in `--help`) and hands the
//! command to the terminal UI, a headless command or the local endpoint.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::args::{Cli, Command, LocalCommand};
use crate::exit::{EXIT_BAD_INPUT, EXIT_REJECTED};

/// Parses arguments (with the file locations in `--help`) and runs.
pub fn main() -> ExitCode {
    let matches = Cli::command()
        .after_help(crate::paths::help_text())
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let _log_guard = crate::logging::init(&crate::paths::log_file());
    match cli.command {
        None => crate::tui::run(crate::tui::Launch {
            target: cli.global.target_spec(),
            read_only: cli.global.read_only,
            listing: cli.global.listing_settings(),
            cache: cli.cache(),
            user_pool_id: cli.user_pool_id,
        }),
        Some(Command::Local(LocalCommand::Serve {
            port,
            state,
            synthetic_users,
            realistic,
            sim,
        })) => serve_local(port, state, synthetic_users, realistic, &sim),
        Some(Command::Local(LocalCommand::SignIn {
            user_pool_id,
            provider,
            subject,
            claims,
        })) => sign_in_local(
            cli.global.endpoint_url.as_deref(),
            crate::local::SignInRequest {
                user_pool_id,
                provider,
                subject,
                claims: claims.into_iter().collect(),
            },
        ),
        // Files only: no session, and no config.toml to read first.
        Some(Command::Cache(command)) => crate::commands::cache::run(command),
        Some(command) => crate::commands::run(cli.global, command),
    }
}

fn serve_local(
    port: u16,
    state: Option<std::path::PathBuf>,
    synthetic_users: Option<u32>,
    realistic: bool,
    sim: &crate::cli::sim_args::SimulationArgs,
) -> ExitCode {
    let simulation = match sim.simulation() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("coglink local serve: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let state_file = state.unwrap_or_else(crate::paths::local_state_file);
    let seed = match synthetic_users {
        Some(_) if state_file.exists() => {
            eprintln!(
                "coglink local serve: --synthetic-users: seeds a new state file, and {} exists \
                 (pass --state with a new path)",
                state_file.display()
            );
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        Some(users) if realistic => crate::local::Seed::Realistic {
            users: users as usize,
        },
        Some(users) => crate::local::Seed::Synthetic {
            users: users as usize,
        },
        None => crate::local::Seed::Demo,
    };
    let opts = crate::local::LocalOptions {
        port,
        state_file: Some(state_file),
        seed,
        simulation,
    };
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(crate::local::serve_forever(opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coglink local serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `coglink local sign-in`: prints whom the identity signed in as.
fn sign_in_local(endpoint_url: Option<&str>, req: crate::local::SignInRequest) -> ExitCode {
    let Some(url) = endpoint_url else {
        eprintln!(
            "coglink local sign-in: --endpoint-url is required (the URL `coglink local serve` prints)"
        );
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    let safe = |s: &str| crate::domain::sanitize::sanitize(s).into_owned();
    match runtime.block_on(crate::local::sign_in(url, &req)) {
        Ok(answer) => {
            let how = match (answer.created, answer.linked) {
                (_, true) => "the user this identity is linked to",
                (true, false) => "a new user, created by this first sign-in",
                (false, false) => "the identity's own user",
            };
            println!(
                "Signed in as {} (sub {}): {how}",
                safe(&answer.username),
                safe(&answer.sub)
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.starts_with("--endpoint-url") => {
            eprintln!("coglink local sign-in: {}", safe(&e));
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(e) => {
            eprintln!("coglink local sign-in: {}", safe(&e));
            ExitCode::from(EXIT_REJECTED)
        }
    }
}

/// The async runtime of the `local` commands; `None` (reason printed) when it cannot start.
fn runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new()
        .inspect_err(|e| eprintln!("coglink: cannot start the async runtime: {e}"))
        .ok()
}
