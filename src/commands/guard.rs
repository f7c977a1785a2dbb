//! A profile's guard for the headless changes: `read_only` and `--read-only` refuse them,
//! and a `production` profile has each one confirmed by typing the pool id on a terminal,
//! or by `--yes` (`settings`, `config.toml`). Dry runs are never refused or asked.

use std::io::{BufRead, IsTerminal, Write};

use super::CmdError;
use crate::cli::args::GlobalArgs;
use crate::domain::sanitize::sanitize;

/// Refuses a change (not a dry run) when the target is read-only, saying which setting made
/// it so.
pub fn refuse_if_read_only(
    global: &GlobalArgs,
    verb: &str,
    operation: &str,
    dry_run: bool,
) -> Result<(), CmdError> {
    if dry_run || !(global.read_only || global.profile_settings.read_only) {
        return Ok(());
    }
    let by = if global.read_only {
        "--read-only is set".to_owned()
    } else {
        format!("the profile is read_only in {}", config_file())
    };
    let undo = if global.read_only {
        "Drop --read-only"
    } else {
        "Set read_only = false there"
    };
    Err(CmdError::bad_input(format!(
        "{by}: refusing to {verb} ({operation}); nothing was sent. {undo} to make changes, or \
         add --dry-run to review this one."
    )))
}

fn config_file() -> String {
    sanitize(
        &crate::paths::config_dir()
            .join("config.toml")
            .display()
            .to_string(),
    )
    .into_owned()
}

/// Under a `production` profile, a change goes on only with `--yes` or the pool id typed on
/// a terminal; elsewhere it goes on at once.
pub fn confirm_production(
    global: &GlobalArgs,
    pool_id: &str,
    what: &str,
    yes: bool,
) -> Result<(), CmdError> {
    if !global.profile_settings.typed_confirmation || yes {
        return Ok(());
    }
    let answer = ask(
        &format!(
            "The profile is marked production. Type the pool id {} to {what}: ",
            sanitize(pool_id)
        ),
        &format!(
            "--yes: the profile is marked production in {}: confirm with --yes, or run on a \
             terminal and type the pool id",
            config_file()
        ),
    )?;
    confirmed(&answer, pool_id)
}

/// Asks `question` on the terminal and reads one line, trimmed; without a terminal, the
/// command stops with `refusal` (bad input: the flag that confirms instead).
pub fn ask(question: &str, refusal: &str) -> Result<String, CmdError> {
    if !std::io::stdin().is_terminal() {
        return Err(CmdError::bad_input(refusal));
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

/// The typed answer against the pool id: exactly it, whitespace around it ignored.
fn confirmed(answer: &str, pool_id: &str) -> Result<(), CmdError> {
    if answer.trim() == pool_id {
        Ok(())
    } else {
        Err(CmdError::rejected(
            "coglink: not confirmed (the text typed is not the pool id); nothing was sent",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ProfileSettings;

    fn global(read_only: bool, profile_read_only: bool, production: bool) -> GlobalArgs {
        GlobalArgs {
            read_only,
            profile_settings: ProfileSettings {
                read_only: profile_read_only,
                typed_confirmation: production,
                badge: None,
                cache: false,
            },
            ..Default::default()
        }
    }

    #[test]
    fn read_only_says_which_setting_refused() {
        let e = refuse_if_read_only(&global(true, false, false), "link", "Op", false).unwrap_err();
        assert!(
            e.message
                .contains("--read-only is set: refusing to link (Op)"),
            "{}",
            e.message
        );
        let e = refuse_if_read_only(&global(false, true, false), "link", "Op", false).unwrap_err();
        assert!(
            e.message.contains("the profile is read_only in "),
            "{}",
            e.message
        );
        assert!(e.message.contains("config.toml"), "{}", e.message);
        assert_eq!(e.code, crate::exit::EXIT_BAD_INPUT);
        assert!(refuse_if_read_only(&global(false, true, false), "link", "Op", true).is_ok());
        assert!(refuse_if_read_only(&global(false, false, true), "link", "Op", false).is_ok());
    }

    #[test]
    fn production_needs_yes_or_the_pool_id() {
        assert!(confirm_production(&global(false, false, true), "p_1", "link", true).is_ok());
        assert!(confirm_production(&global(false, false, false), "p_1", "link", false).is_ok());
        assert!(confirmed(" p_1\n", "p_1").is_ok());
        let e = confirmed("p_2\n", "p_1").unwrap_err();
        assert!(e.message.contains("nothing was sent"), "{}", e.message);
        assert!(confirmed("y\n", "p_1").is_err());
    }
}
