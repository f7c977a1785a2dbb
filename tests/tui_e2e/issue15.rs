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
    tmux.keys(&["l"]);
    tmux.wait_for("or a letter to choose");
    tmux.keys(&["G"]);
    tmux.wait_for("◀ Google ▶");
    tmux.keys(&["Tab", "Tab"]);
    tmux.type_text(&subject);
    tmux.wait_for(&subject);
    tmux.keys(&["Enter"]);
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
