//! Credentials never reach the log (even at trace level), the journal, or the terminal.

use crate::common::{Env, fresh_subject, stderr, stdout, with_local_server};

const KEY_ID: &str = "AKIACOGLINKTESTKEY01";
const SECRET: &str = "cOgLiNkSeCrEtAcCeSsKeY0123456789abcdefgh";
const TOKEN: &str = "cOgLiNkSeSsIoNtOkEnFQoGZXIvYXdzEXAMPLE";

#[test]
fn credentials_appear_in_no_log_journal_or_output() {
    let env = Env::new();
    let user = env.native_user(4);
    let source = env.source(&fresh_subject());
    let dest = env.dest(&user);
    let d = env.dir.path().to_owned();
    let outputs = with_local_server(&env.state(), async |url: &str, _| {
        let run = |args: &[&str]| {
            let mut cmd = crate::common::isolated(&d);
            cmd.env("COGLINK_LOG", "trace")
                .env("AWS_ACCESS_KEY_ID", KEY_ID)
                .env("AWS_SECRET_ACCESS_KEY", SECRET)
                .env("AWS_SESSION_TOKEN", TOKEN)
                .env("AWS_REGION", "us-east-1")
                .args(["--endpoint-url", url])
                .args(args);
            let a = cmd.assert();
            format!("{}{}", stdout(&a), stderr(&a))
        };
        vec![
            run(&["pools"]),
            run(&["users", "--user-pool-id", &env.pool, "--output", "json"]),
            run(&[
                "link",
                "--user-pool-id",
                &env.pool,
                "--destination-user",
                &dest,
                "--source-user",
                &source,
            ]),
            // A rejected call: its error text must not carry credentials either.
            run(&[
                "link",
                "--user-pool-id",
                &env.pool,
                "--destination-user",
                &dest,
                "--source-user",
                &source,
            ]),
        ]
    });
    let log =
        std::fs::read_to_string(d.join("state/coglink/coglink.log")).expect("a log was written");
    assert!(log.lines().count() > 50, "trace logging was on");
    assert!(
        log.contains("** redacted **"),
        "the SDK did log credential material, redacted"
    );
    let journal = std::fs::read_to_string(env.journal_path()).expect("the link was journaled");
    for secret in [KEY_ID, SECRET, TOKEN] {
        assert!(!log.contains(secret), "{secret} in the log");
        assert!(!journal.contains(secret), "{secret} in the journal");
        for out in &outputs {
            assert!(!out.contains(secret), "{secret} in output: {out}");
        }
    }
}
