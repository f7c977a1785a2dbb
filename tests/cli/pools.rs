//! `coglink pools`.

use crate::broken_endpoint::BrokenEndpoint;
use crate::common::{Env, isolated, stderr, stdout};

#[test]
fn pools_in_every_format() {
    let env = Env::new();
    let users = env.users().len();
    let run = |format: &str| {
        stdout(
            &env.cmd()
                .args(["pools", "--output", format])
                .assert()
                .success(),
        )
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let demo = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Id"] == env.pool.as_str())
        .unwrap();
    assert_eq!(demo["EstimatedNumberOfUsers"], users);
    let table = run("table");
    assert!(table.starts_with("ID"), "{table}");
    let row = table.lines().find(|l| l.starts_with(&env.pool)).unwrap();
    assert!(row.ends_with(&users.to_string()), "{row}");
    let csv = run("csv");
    assert!(csv.starts_with("id,name,estimated_users\n"), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{},", env.pool)) && l.ends_with(&format!(",{users}"))),
        "{csv}"
    );
}

/// Where each column of a table line starts: after a run of two spaces or more.
fn column_starts(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    (1..bytes.len())
        .filter(|&i| bytes[i] != b' ' && i >= 2 && bytes[i - 1] == b' ' && bytes[i - 2] == b' ')
        .collect()
}

#[test]
fn a_pool_id_longer_than_usual_keeps_the_table_in_line() {
    let env = Env::new();
    // Other emulators make ids of 42 characters and more; the local state takes any valid one.
    let long = "us-east-1_0123456789abcdefABCDEF0123456789ab";
    let other = stdout(
        &env.cmd()
            .args(["pools", "--output", "csv"])
            .assert()
            .success(),
    )
    .lines()
    .skip(1)
    .filter_map(|l| l.split(',').next().map(str::to_owned))
    .find(|id| *id != env.pool)
    .expect("the demo has a second pool");
    let state = std::fs::read_to_string(env.state()).unwrap();
    std::fs::write(env.state(), state.replace(&other, long)).unwrap();
    let table = stdout(
        &env.cmd()
            .args(["pools", "--output", "table"])
            .assert()
            .success(),
    );
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with(long)), "{table}");
    let starts: Vec<Vec<usize>> = lines.iter().map(|l| column_starts(l)).collect();
    assert!(
        starts.iter().all(|s| s.len() == 2 && *s == starts[0]),
        "{table}"
    );
    assert!(starts[0][0] > long.len(), "{table}");
}

/// `coglink pools` against an endpoint answering `status` with an HTML page: its exit code,
/// its stderr, and how many requests the endpoint got.
fn pools_against_html(status: u16) -> (Option<i32>, String, usize) {
    let endpoint = BrokenEndpoint::start(status);
    let dir = tempfile::tempdir().unwrap();
    let a = isolated(dir.path())
        .env("AWS_ACCESS_KEY_ID", "AKIABROKENENDPOINT01")
        .env("AWS_SECRET_ACCESS_KEY", "broken-endpoint-secret")
        .env("AWS_REGION", "us-east-1")
        .args(["pools", "--endpoint-url", &endpoint.url])
        .assert();
    let err = stderr(&a);
    assert!(stdout(&a).is_empty(), "{}", stdout(&a));
    assert!(!err.contains("malformed JSON"), "{err}");
    assert!(!err.contains("unexpected token"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("with a body that is not JSON (text/html): \"<html> <head><title>Oops"),
        "{err}"
    );
    (a.get_output().status.code(), err, endpoint.requests())
}

#[test]
fn an_html_not_found_or_not_implemented_says_the_status_and_not_to_retry() {
    for (status, words) in [
        (404, "HTTP 404 (Not Found)"),
        (501, "HTTP 501 (Not Implemented)"),
    ] {
        let (code, err, requests) = pools_against_html(status);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(words), "{err}");
        assert!(err.contains("retrying will not help"), "{err}");
        assert!(
            !err.contains("retry\n") && !err.contains("and retry"),
            "{err}"
        );
        assert_eq!(requests, 1, "a final status is not sent again: {err}");
    }
}

#[test]
fn an_html_server_error_says_the_status_and_that_the_body_was_not_json() {
    let (code, err, _) = pools_against_html(500);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the endpoint answered HTTP 500 (Internal Server Error)"),
        "{err}"
    );
    assert!(!err.contains("will not help"), "{err}");
    assert!(err.contains("may succeed if retried later"), "{err}");
}
