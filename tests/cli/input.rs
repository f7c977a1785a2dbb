//! AWS CLI parity of the input: shorthand edge cases, JSON arguments, `--cli-input-json`
//! precedence, skeletons, required arguments.

use crate::common::{Env, Has, fresh_subject, isolated, stdout};

const LINK_SKELETON: &str = r#"{
    "UserPoolId": "",
    "DestinationUser": {
        "ProviderName": "",
        "ProviderAttributeName": "",
        "ProviderAttributeValue": ""
    },
    "SourceUser": {
        "ProviderName": "",
        "ProviderAttributeName": "",
        "ProviderAttributeValue": ""
    }
}
"#;

const UNLINK_SKELETON: &str = r#"{
    "UserPoolId": "",
    "User": {
        "ProviderName": "",
        "ProviderAttributeName": "",
        "ProviderAttributeValue": ""
    }
}
"#;

#[test]
fn skeletons_are_the_aws_cli_ones_and_need_no_arguments() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["link", "--generate-cli-skeleton"][..],
        &["link", "--generate-cli-skeleton", "input"],
    ] {
        let a = isolated(dir.path()).args(args).assert().success();
        assert_eq!(stdout(&a), LINK_SKELETON);
    }
    let a = isolated(dir.path())
        .args(["unlink", "--generate-cli-skeleton"])
        .assert()
        .success();
    assert_eq!(stdout(&a), UNLINK_SKELETON);
    // Like the AWS CLI: not a change, so --read-only does not stop it.
    isolated(dir.path())
        .args(["--read-only", "unlink", "--generate-cli-skeleton", "input"])
        .assert()
        .success();
    // The AWS CLI v2's YAML skeleton (v1 refuses `yaml-input`): the same members.
    let a = isolated(dir.path())
        .args(["link", "--generate-cli-skeleton", "yaml-input"])
        .assert()
        .success();
    let yaml: serde_json::Value = serde_yaml_ng::from_str(&stdout(&a)).unwrap();
    let json: serde_json::Value = serde_json::from_str(LINK_SKELETON).unwrap();
    assert_eq!(yaml, json);
    isolated(dir.path())
        .args(["link", "--generate-cli-skeleton", "json-input"])
        .assert()
        .code(2);
}

#[test]
fn output_skeletons_validate_the_input_then_print_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = isolated(dir.path())
        .args([
            "link",
            "--generate-cli-skeleton",
            "output",
            "--user-pool-id",
            "p_1",
            "--destination-user",
            "ProviderName=Cognito,ProviderAttributeValue=diego",
            "--source-user",
            "ProviderName=Google,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=1",
        ])
        .assert()
        .success();
    assert_eq!(stdout(&a), "");
    isolated(dir.path())
        .args([
            "unlink",
            "--generate-cli-skeleton",
            "output",
            "--user-pool-id",
            "p_1",
        ])
        .assert()
        .code(2)
        .err_has("the following arguments are required: --user");
}

#[test]
fn a_skeleton_filled_in_is_accepted_by_cli_input_json() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    let a = env
        .cmd()
        .args(["link", "--generate-cli-skeleton"])
        .assert()
        .success();
    let mut request: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    request["UserPoolId"] = env.pool.clone().into();
    request["DestinationUser"]["ProviderName"] = "Cognito".into();
    request["DestinationUser"]["ProviderAttributeValue"] = user.clone().into();
    request["SourceUser"]["ProviderName"] = env.social().into();
    request["SourceUser"]["ProviderAttributeName"] = "Cognito_Subject".into();
    request["SourceUser"]["ProviderAttributeValue"] = subject.clone().into();
    let file = env.dir.path().join("link.json");
    std::fs::write(&file, serde_json::to_string_pretty(&request).unwrap()).unwrap();
    env.cmd()
        .args(["link", "--cli-input-json"])
        .arg(format!("file://{}", file.display()))
        .assert()
        .success();
    assert!(env.has_identity(&user, &env.social(), &subject));
}

#[test]
fn flags_override_cli_input_json_members() {
    let env = Env::new();
    let natives: Vec<String> = env
        .users()
        .into_iter()
        .filter(|u| u["UserStatus"] != "EXTERNAL_PROVIDER" && u["LinkCount"].as_u64() < Some(5))
        .map(|u| u["Username"].as_str().unwrap().to_owned())
        .collect();
    assert!(natives.len() >= 2, "the demo pool has two native users");
    let (in_json, in_flag) = (&natives[0], &natives[1]);
    let subject = fresh_subject();
    let json = serde_json::json!({
        "UserPoolId": env.pool,
        "DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": in_json},
        "SourceUser": {"ProviderName": env.social(), "ProviderAttributeName": "Cognito_Subject",
                       "ProviderAttributeValue": subject},
    });
    env.cmd()
        .args(["link", "--cli-input-json", &json.to_string()])
        .args(["--destination-user", &env.dest(in_flag)])
        .assert()
        .success();
    assert!(env.has_identity(in_flag, &env.social(), &subject));
    assert!(!env.has_identity(in_json, &env.social(), &subject));
    // A pool id from the flag wins over the JSON's too.
    env.cmd()
        .args(["link", "--cli-input-json", &json.to_string()])
        .args(["--user-pool-id", "us-east-1_nopool", "--dry-run"])
        .assert()
        .code(1)
        .err_has("us-east-1_nopool");
}

#[test]
fn cli_input_json_errors_name_the_member() {
    let env = Env::new();
    env.cmd()
        .args([
            "unlink",
            "--cli-input-json",
            r#"{"UserPoolId": "p", "Pool": 1}"#,
        ])
        .assert()
        .code(2)
        .err_has("Unknown parameter in input: \"Pool\", must be one of: UserPoolId, User");
    env.cmd()
        .args(["unlink", "--cli-input-json", "file:///nonexistent/in.json"])
        .assert()
        .code(2)
        .err_has("--cli-input-json: cannot read /nonexistent/in.json");
    env.cmd()
        .args(["unlink", "--cli-input-json", r#"{"UserPoolId": "p"}"#])
        .assert()
        .code(2)
        .err_has("the following arguments are required: --user");
}

#[test]
fn missing_required_arguments_are_named_like_the_aws_cli() {
    let dir = tempfile::tempdir().unwrap();
    isolated(dir.path())
        .args([
            "link",
            "--user-pool-id",
            "p_1",
            "--destination-user",
            "ProviderName=Cognito,ProviderAttributeValue=d",
        ])
        .assert()
        .code(2)
        .err_has("the following arguments are required: --source-user");
    isolated(dir.path()).arg("link").assert().code(2).err_has(
        "the following arguments are required: --user-pool-id, --destination-user, --source-user",
    );
}

#[test]
fn shorthand_unknown_keys_use_the_aws_cli_message() {
    let dir = tempfile::tempdir().unwrap();
    isolated(dir.path())
        .args([
            "link",
            "--user-pool-id",
            "p_1",
            "--destination-user",
            "ProviderName=Cognito,Value=diego",
            "--source-user",
            "ProviderName=Google,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=1",
        ])
        .assert()
        .code(2)
        .err_has("Unknown parameter in DestinationUser: \"Value\", must be one of: ProviderName, ProviderAttributeName, ProviderAttributeValue");
}

#[test]
fn shorthand_syntax_errors_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let run = |user: &str| {
        isolated(dir.path())
            .args(["unlink", "--user-pool-id", "p_1", "--user", user])
            .assert()
            .code(2)
    };
    run("ProviderName=Google,").err_has("User: expected a key after the trailing ','");
    run("ProviderName=Google,ProviderAttributeValue=a,b")
        .err_has("User.ProviderAttributeValue: must be one string");
    run("ProviderName=Google,ProviderName=Facebook")
        .err_has("User.ProviderName: is given more than once");
    run("ProviderAttributeValue='open").err_has("a closing '");
    run(r#"{"ProviderName": 1}"#).err_has("User.ProviderName: must be a string (got 1)");
}

#[test]
fn quoted_escaped_and_json_values_reach_cognito_exactly() {
    let env = Env::new();
    let user = env.native_user(2);
    let social = env.social();
    let cases = [
        (
            format!(
                "ProviderName={social},ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=\"a,b=c\""
            ),
            "a,b=c",
        ),
        (
            format!(
                "ProviderName = {social} , ProviderAttributeName=Cognito_Subject , ProviderAttributeValue=x\\,y=z"
            ),
            "x,y=z",
        ),
        (
            format!(
                r#"{{"ProviderName":"{social}","ProviderAttributeName":"Cognito_Subject","ProviderAttributeValue":"j'son\"q\""}}"#
            ),
            "j'son\"q\"",
        ),
    ];
    for (source, subject) in &cases {
        env.cmd()
            .args(["link", "--user-pool-id", &env.pool])
            .args([
                "--destination-user",
                &env.dest(&user),
                "--source-user",
                source,
            ])
            .assert()
            .success();
        assert!(env.has_identity(&user, &social, subject), "{source}");
    }
}
