//! Hostile pool data (see `tests/support/hostile_cognito.rs`) through `users` in every
//! format and `link --dry-run`: no raw escape, control, bidi or invisible character reaches
//! the terminal (JSON keeps exact values as `\u` escapes), nothing panics.

use std::path::Path;

use assert_cmd::assert::Assert;
use serde_json::Value;

use crate::common::{isolated, stderr, stdout};
use crate::hostile_cognito::{
    BROKEN, COMBINING_NAME, ESCAPED_NAME, HostileCognito, MALLORY, POOL, WIDE_NAME, attributes_of,
    big_value, is_unsafe, usernames,
};

fn run(dir: &Path, url: &str, args: &[&str]) -> Assert {
    let mut cmd = isolated(dir);
    cmd.env("AWS_ACCESS_KEY_ID", "AKIAHOSTILETEST00001")
        .env("AWS_SECRET_ACCESS_KEY", "hostile-test-secret")
        .env("AWS_REGION", "us-east-1")
        .args(["--endpoint-url", url])
        .args(args);
    cmd.assert()
}

/// No unsafe character in the text, other than the line breaks between lines.
fn assert_terminal_safe(what: &str, text: &str) {
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.chars().find(|&c| is_unsafe(c)) {
            panic!(
                "{what}: line {} holds the raw character U+{:04X}: {line:?}",
                n + 1,
                c as u32
            );
        }
    }
    assert!(!text.contains('\r'), "{what}: a raw CR");
    assert!(!text.contains("panicked"), "{what}: {text}");
}

fn assert_no_panic(what: &str, a: &Assert) {
    let code = a.get_output().status.code();
    assert!(
        matches!(code, Some(0..=3)),
        "{what}: exit {code:?}\n{}",
        stderr(a)
    );
    assert!(!stderr(a).contains("panicked"), "{what}: {}", stderr(a));
}

#[test]
fn users_in_every_format_show_hostile_text_escaped() {
    let fake = HostileCognito::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let table = run(d, &fake.url, &["users", "--user-pool-id", POOL]).success();
    let out = stdout(&table);
    assert_terminal_safe("table", &out);
    assert_terminal_safe("table stderr", &stderr(&table));
    // Each user is one row, escaped visibly.
    assert_eq!(out.lines().count(), 1 + usernames().len(), "{out}");
    for visible in [
        "evil\\e[31mred\\x9b0m\\u{202e}txt.exe",
        WIDE_NAME,
        COMBINING_NAME,
        "CONF\\e[5mIRMED",
    ] {
        assert!(out.contains(visible), "table lacks {visible:?}:\n{out}");
    }
    // The invalid identities do not stop the listing; the row says so.
    let broken = out.lines().find(|l| l.contains(BROKEN)).unwrap();
    assert!(!broken.is_empty());

    let csv = run(
        d,
        &fake.url,
        &["users", "--user-pool-id", POOL, "--output", "csv"],
    )
    .success();
    let out = stdout(&csv);
    assert_terminal_safe("csv", &out);
    assert!(out.contains("evil\\e[31m"), "{out}");

    let json = run(
        d,
        &fake.url,
        &["users", "--user-pool-id", POOL, "--output", "json"],
    )
    .success();
    let out = stdout(&json);
    // Raw bytes: nothing unsafe; JSON escapes carry the exact values.
    assert_terminal_safe("json", &out);
    let parsed: Value = serde_json::from_str(&out).expect("valid JSON");
    let names: Vec<&str> = parsed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    assert_eq!(names, usernames(), "exact usernames, in order");
    let mallory = &parsed[0];
    assert_eq!(
        mallory["Email"].as_str(),
        Some(attributes_of(MALLORY)[1].1.as_str())
    );
    let ids = mallory["Identities"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1]["UserId"].as_str(), Some(big_value().as_str()));
    let broken = &parsed[1];
    assert!(
        broken["IdentitiesError"].is_string(),
        "the unreadable identities are reported: {broken}"
    );
    assert_terminal_safe("json stderr", &stderr(&json));
}

#[test]
fn link_dry_run_on_hostile_users_is_escaped_and_never_panics() {
    let fake = HostileCognito::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let source =
        "ProviderName=Google,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=4242";
    for user in [MALLORY, BROKEN, WIDE_NAME, COMBINING_NAME, ESCAPED_NAME] {
        let dest = format!("ProviderName=Cognito,ProviderAttributeValue=\"{user}\"");
        let a = run(
            d,
            &fake.url,
            &[
                "link",
                "--user-pool-id",
                POOL,
                "--destination-user",
                &dest,
                "--source-user",
                source,
                "--dry-run",
            ],
        );
        let what = format!("link --dry-run to {user:?}");
        assert_no_panic(&what, &a);
        assert_terminal_safe(&what, &stdout(&a));
        assert_terminal_safe(&what, &stderr(&a));
        if user == MALLORY {
            a.success();
        }
    }
    // A value with raw escapes given on the command line is shown escaped in the refusal.
    let a = run(
        d,
        &fake.url,
        &[
            "link",
            "--user-pool-id",
            POOL,
            "--destination-user",
            "ProviderName=Cognito,ProviderAttributeValue=\"x\u{1b}]52;c;YQ==\u{7}\"",
            "--source-user",
            source,
            "--dry-run",
        ],
    );
    assert_no_panic("a hostile argument", &a);
    assert_terminal_safe("a hostile argument", &stderr(&a));
    assert_terminal_safe("a hostile argument", &stdout(&a));
}
