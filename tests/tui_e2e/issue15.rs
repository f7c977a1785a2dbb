//! Issue 15 in the real terminal: the review's aws command is copied whole with `C` (OSC 52
//! reaches tmux, whose buffer then holds it, and the file named on screen holds it too).

use crate::app::*;

#[test]
fn the_reviews_aws_command_is_copied_whole_to_the_clipboard_and_a_file() {
    let target = link_target_from_seed();
    let name = target.username.as_str();
    // tmux takes OSC 52 from the application only with set-clipboard on.
    let app = App::start_args(
        80,
        24,
        "--local --local-state {d}/state.json",
        "",
        &[("set-clipboard", "on")],
    );
    let tmux = &app.tmux;
    app.open_pool(&target.pool_id, target.users);
    app.filter_to(name, target.users);
    let subject = format!("copy{}", std::process::id());
    app.submit_google_link(&subject);
    // At 80 columns the command is one line, cut at the edge, not wrapped.
    let screen = tmux.wait_for("Review AdminLinkProviderForUser");
    assert!(screen.contains("C copy aws"), "{screen}");
    tmux.keys(&["C"]);
    let screen = tmux.wait_for("Copied the aws command");
    let file = app.dir.path().join("state/coglink/clipboard.txt");
    let copied = std::fs::read_to_string(&file).expect("the copy's file");
    let command = copied.trim_end();
    assert!(
        command.starts_with("aws cognito-idp admin-link-provider-for-user --user-pool-id "),
        "{command}"
    );
    assert!(
        command.contains(&format!("ProviderAttributeValue={subject}")),
        "{command}"
    );
    assert!(!command.contains('\n'), "one line: {command:?}");
    // The status line names the file (it may wrap onto a second line at 80 columns).
    let joined: String = screen.lines().collect::<Vec<_>>().join("");
    assert!(joined.contains("clipboard.txt"), "{screen}");
    // tmux received OSC 52: its newest buffer is the command.
    let start = std::time::Instant::now();
    loop {
        let buffer = tmux.run(&["show-buffer"]);
        let buffer = String::from_utf8_lossy(&buffer.stdout).into_owned();
        if buffer == command {
            break;
        }
        assert!(
            start.elapsed() < WAIT,
            "tmux buffer {buffer:?} is not the command {command:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    tmux.keys(&["Escape"]);
    tmux.wait_for("cancelled: nothing was sent");
    tmux.keys(&["Escape"]);
    tmux.wait_until("the form closed", |s| !s.contains("Link an identity"));
    app.quit();
}

/// A directory for coglink's files with `config.toml` holding `config`.
pub fn with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config_dir = dir.path().join("config/coglink");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(config_dir.join("config.toml"), config).unwrap();
    dir
}

#[test]
fn a_production_profile_colours_the_header_and_asks_for_the_pool_id_before_linking() {
    let target = link_target_from_seed();
    let (n, name) = (target.links, target.username.as_str());
    let dir = with_config("[local]\nproduction = true\nbadge = \"PROD\"\n");
    let app = App::start_in(
        dir,
        120,
        35,
        "--local --local-state {d}/state.json",
        "",
        &[],
    );
    let tmux = &app.tmux;
    let screen = tmux.wait_for(" PROD  coglink │");
    assert!(screen.starts_with(" PROD  coglink │"), "{screen}");
    app.open_pool(&target.pool_id, target.users);
    app.filter_to(name, target.users);
    let subject = format!("prod{}", std::process::id());
    app.submit_google_link(&subject);
    let ask = format!("type {} or {name} to confirm ›", target.pool_id);
    tmux.wait_for(&ask);
    // `y` is typed into the field, and Enter with a wrong name sends nothing.
    tmux.keys(&["y", "Enter"]);
    tmux.wait_until("the refusal", |s| {
        s.lines()
            .collect::<String>()
            .contains("Nothing was sent: type")
            && s.contains("does not match")
    });
    tmux.keys(&["BSpace"]);
    tmux.type_text(&target.pool_id);
    tmux.wait_for(&format!("{ask} {} ✓", target.pool_id));
    tmux.keys(&["Enter"]);
    tmux.wait_until("n+1 links in the table", |s| {
        selected_line(s).contains(&format!("{}/5", n + 1)) && !s.contains("Review")
    });
    app.quit();
}

#[test]
fn a_read_only_profile_is_read_only_and_a_bad_config_starts_nothing() {
    let dir = with_config("[local]\nread_only = true\n");
    let app = App::start_in(
        dir,
        100,
        30,
        "--local --local-state {d}/state.json",
        "",
        &[],
    );
    app.tmux.wait_for("READ-ONLY");
    app.quit();

    // A bad file: the message names the file, the key and the rule; exit status 2.
    let dir = with_config("[local]\ncolour = \"red\"\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coglink"))
        .args(["--local", "--local-state"])
        .arg(dir.path().join("state.json"))
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("config/coglink/config.toml: unknown key `local.colour`: the keys are production, read_only, badge, color, cache; nothing was started"),
        "{stderr}"
    );
}
