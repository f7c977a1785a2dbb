//! AWS CLI v2 conventions through the real binary: `--output json|yaml|yaml-stream|text`,
//! `--query` on the whole result and on each page, `--cli-input-yaml`, the skeletons, and
//! `--no-cli-pager`.

use serde_json::Value;

use crate::common::{Env, Has, fresh_subject, stdout};

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

fn users_out(env: &Env, extra: &[&str]) -> String {
    let mut args = vec!["users", "--user-pool-id", env.pool.as_str()];
    args.extend_from_slice(extra);
    stdout(&env.cmd().args(&args).assert().success())
}

fn usernames(users: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = users
        .iter()
        .map(|u| u["Username"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_v2_format_holds_the_same_users() {
    let env = Env::new();
    let json = env.users();
    assert!(json.len() > 10);
    assert!(
        json.iter().all(|u| u["UserCreateDate"]
            .as_str()
            .is_some_and(|d| d.len() >= 25 && d.ends_with("+00:00"))),
        "v2 prints ISO 8601 timestamps: {:?}",
        json[0]
    );

    let whole = yaml(&users_out(&env, &["--output", "yaml"]));
    assert_eq!(
        whole,
        Value::Array(json.clone()),
        "yaml holds what json holds"
    );

    // yaml-stream: a top-level list of pages, each page a list of users.
    let stream = yaml(&users_out(
        &env,
        &["--output", "yaml-stream", "--listing", "partitioned"],
    ));
    let pages = stream.as_array().unwrap();
    assert!(pages.len() > 1, "one item per page: {stream:?}");
    let flat: Vec<Value> = pages
        .iter()
        .flat_map(|p| p.as_array().unwrap().clone())
        .collect();
    assert_eq!(usernames(&flat), usernames(&json));

    // text: one tab-separated line per user (sorted scalar keys), then its IDENTITIES lines.
    let text = users_out(&env, &["--output", "text"]);
    let user_lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("IDENTITIES\t"))
        .collect();
    assert_eq!(user_lines.len(), json.len(), "{text}");
    let ann = &json[0];
    let line = user_lines
        .iter()
        .find(|l| l.ends_with(&format!("\t{}", ann["Username"].as_str().unwrap())))
        .unwrap_or_else(|| panic!("{text}"));
    let enabled = if ann["Enabled"] == true {
        "True"
    } else {
        "False"
    };
    assert!(line.contains(&format!("\t{enabled}\t")), "{line}");
    let identities: usize = json
        .iter()
        .map(|u| u["Identities"].as_array().unwrap().len())
        .sum();
    assert_eq!(text.lines().count(), json.len() + identities, "{text}");
}

#[test]
fn a_query_sees_the_whole_result_or_each_page_as_v2_applies_it() {
    let env = Env::new();
    let all = env.users().len();
    let partitioned = ["--listing", "partitioned"];

    let whole = users_out(
        &env,
        &[
            &partitioned[..],
            &["--output", "json", "--query", "length(@)"],
        ]
        .concat(),
    );
    assert_eq!(whole.trim(), all.to_string());

    let per_page = yaml(&users_out(
        &env,
        &[
            &partitioned[..],
            &["--output", "yaml-stream", "--query", "length(@)"],
        ]
        .concat(),
    ));
    let counts: Vec<u64> = per_page
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert!(counts.len() > 1, "{counts:?}");
    assert_eq!(counts.iter().sum::<u64>(), all as u64, "{counts:?}");

    let text = users_out(
        &env,
        &[
            &partitioned[..],
            &["--output", "text", "--query", "[].Username"],
        ]
        .concat(),
    );
    assert_eq!(
        text.lines().count(),
        counts.len(),
        "a line per page:\n{text}"
    );
    assert_eq!(
        text.split(['\t', '\n']).filter(|w| !w.is_empty()).count(),
        all
    );

    // A filter in the query: the linked users' names, as JSON.
    let user = env.native_user(3);
    env.link(&user, &fresh_subject()).success();
    let linked: Vec<String> = serde_json::from_str(&users_out(
        &env,
        &["--output", "json", "--query", "[?LinkCount > `0`].Username"],
    ))
    .unwrap();
    assert!(linked.contains(&user), "{linked:?}");
}

#[test]
fn a_bad_query_is_bad_input_named_before_anything_is_read() {
    let env = Env::new();
    for (extra, says) in [
        (
            &["--output", "json", "--query", "[?LinkCount >"][..],
            "--query: not a valid JMESPath expression",
        ),
        (&["--query", "Username"][..], "not table"),
        (&["--output", "csv", "--query", "a"][..], "not csv"),
        (
            &["--output", "text", "--query", "length(`1`)"][..],
            "--query: ",
        ),
    ] {
        let mut args = vec!["users", "--user-pool-id", env.pool.as_str()];
        args.extend_from_slice(extra);
        let out = env.cmd().args(&args).assert().code(2).err_has(says);
        assert!(stdout(&out).is_empty(), "{extra:?}");
    }
    let query = format!("[?Id=='{}'].Id | [0]", env.pool);
    let out = env
        .cmd()
        .args([
            "pools",
            "--output",
            "yaml",
            "--query",
            &query,
            "--no-cli-pager",
        ])
        .assert()
        .success();
    assert_eq!(yaml(&stdout(&out)), Value::String(env.pool.clone()));
}

#[test]
fn yaml_input_and_skeletons_move_both_ways() {
    let env = Env::new();
    let skeleton = stdout(
        &env.cmd()
            .args(["link", "--generate-cli-skeleton", "yaml-input"])
            .assert()
            .success(),
    );
    assert!(
        skeleton.contains("UserPoolId: '' # [REQUIRED]"),
        "{skeleton}"
    );
    // The YAML skeleton holds what the JSON skeleton holds (the AWS CLI's documented shape).
    let json_skeleton: Value = serde_json::from_str(&stdout(
        &env.cmd()
            .args(["link", "--generate-cli-skeleton"])
            .assert()
            .success(),
    ))
    .unwrap();
    assert_eq!(yaml(&skeleton), json_skeleton);

    // Filled in, it makes the link.
    let user = env.native_user(3);
    let subject = fresh_subject();
    let filled = format!(
        "UserPoolId: {}\nDestinationUser:\n  ProviderName: Cognito\n  ProviderAttributeValue: {user}\n\
         SourceUser: # the identity\n  ProviderName: {}\n  ProviderAttributeName: Cognito_Subject\n  \
         ProviderAttributeValue: '{subject}'\n",
        env.pool,
        env.social()
    );
    let file = env.dir.path().join("link.yaml");
    std::fs::write(&file, filled).unwrap();
    let input = format!("file://{}", file.display());
    env.cmd()
        .args(["link", "--cli-input-yaml", &input])
        .assert()
        .success();
    assert!(env.has_identity(&user, &env.social(), &subject));

    // One request file at a time; a member of the wrong type names the member.
    env.cmd()
        .args(["link", "--cli-input-yaml", &input, "--cli-input-json", "{}"])
        .assert()
        .code(2)
        .err_has("--cli-input-yaml");
    env.cmd()
        .args(["unlink", "--cli-input-yaml", "UserPoolId: [1]"])
        .assert()
        .code(2)
        .err_has("UserPoolId: must be a string");
    // The output skeleton of both operations is empty: nothing is printed, nothing is sent.
    let unlink = format!(
        "UserPoolId: {}\nUser:\n  ProviderName: {}\n  ProviderAttributeName: Cognito_Subject\n  \
         ProviderAttributeValue: '{subject}'\n",
        env.pool,
        env.social()
    );
    let out = env
        .cmd()
        .args([
            "unlink",
            "--cli-input-yaml",
            &unlink,
            "--generate-cli-skeleton",
            "output",
        ])
        .assert();
    assert!(stdout(&out.success()).is_empty());
    assert!(env.has_identity(&user, &env.social(), &subject));
    env.cmd()
        .args(["unlink", "--cli-input-yaml", &unlink])
        .assert()
        .success();
    assert!(!env.has_identity(&user, &env.social(), &subject));
}
