//! `coglink link`: success, dry run, local refusals, service rejections, journal.

use crate::common::{Env, Has, fresh_subject, stderr, stdout};

#[test]
fn a_link_is_made_shown_and_journaled() {
    let env = Env::new();
    let user = env.native_user(3);
    let before = env.link_count(&user);
    let subject = fresh_subject();
    let a = env.link(&user, &subject).success();
    let out = stdout(&a);
    assert!(out.contains(&format!("Destination: \"{user}\"")), "{out}");
    assert!(
        out.contains(&format!("{before}/5 linked identities")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{before}/5 -> {}/5", before + 1)),
        "{out}"
    );
    assert!(env.has_identity(&user, &env.social(), &subject));
    assert_eq!(env.link_count(&user), before + 1);

    let journal = env.journal();
    assert_eq!(journal.len(), 1, "{journal:?}");
    let e = &journal[0];
    assert_eq!(e["operation"], "AdminLinkProviderForUser");
    assert_eq!(e["client"], "cli");
    assert_eq!(e["pool_id"], env.pool.as_str());
    assert_eq!(e["outcome"]["status"], "ok");
    assert_eq!(e["user"], user.as_str());
    assert_eq!(e["counts"]["before"], before);
    assert_eq!(e["counts"]["after"], before + 1);
    assert_eq!(e["target"]["local"], true);
    assert_eq!(e["request"]["UserPoolId"], env.pool.as_str());
    assert_eq!(
        e["request"]["SourceUser"]["ProviderAttributeValue"],
        subject.as_str()
    );
    assert_eq!(e["request"]["DestinationUser"]["ProviderName"], "Cognito");
    let time = e["time"].as_str().unwrap();
    assert!(time.ends_with('Z') && time.as_bytes()[10] == b'T', "{time}");
    let raw = std::fs::read_to_string(env.journal_path()).unwrap();
    assert!(
        !raw.contains("local-secret") && !raw.contains("AKID"),
        "{raw}"
    );
}

#[test]
fn dry_run_shows_counts_request_and_aws_command_and_changes_nothing() {
    let env = Env::new();
    let user = env.native_user(3);
    let before = env.link_count(&user);
    let subject = fresh_subject();
    let a = env
        .cmd()
        .args(env.link_args(&user, &subject))
        .arg("--dry-run")
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains("Dry run: nothing was changed."), "{out}");
    assert!(
        out.contains(&format!("{before}/5 -> {}/5", before + 1)),
        "{out}"
    );
    assert!(out.contains("    \"UserPoolId\": "), "{out}");
    assert!(
        out.contains(&format!(
            "aws cognito-idp admin-link-provider-for-user --user-pool-id {} --destination-user ProviderName=Cognito,ProviderAttributeValue={user} --source-user ProviderName={},ProviderAttributeName=Cognito_Subject,ProviderAttributeValue={subject}",
            env.pool,
            env.social()
        )),
        "{out}"
    );
    // The request printed is a valid --cli-input-json.
    let start = out.find("{\n").unwrap();
    let end = out.find("\n}\n").unwrap() + 2;
    let request: serde_json::Value = serde_json::from_str(&out[start..end]).unwrap();
    assert_eq!(
        request["SourceUser"]["ProviderAttributeValue"],
        subject.as_str()
    );
    assert_eq!(env.link_count(&user), before);
    assert!(!env.has_identity(&user, &env.social(), &subject));
    assert!(env.journal().is_empty());
}

#[test]
fn a_full_destination_is_refused_locally_before_sending() {
    let env = Env::new();
    let user = env.native_user(4);
    while env.link_count(&user) < 5 {
        env.link(&user, &fresh_subject()).success();
    }
    let journaled = env.journal().len();
    let subject = fresh_subject();
    env.link(&user, &subject)
        .code(1)
        .err_has("refused locally, nothing was sent")
        .err_has("DestinationUser: the destination already has 5/5 linked identities")
        .err_has("LimitExceededException");
    assert_eq!(env.journal().len(), journaled);
    assert!(!env.has_identity(&user, &env.social(), &subject));
}

#[test]
fn a_missing_destination_or_unknown_provider_is_refused_locally() {
    let env = Env::new();
    env.link("no-such-user-xyz", &fresh_subject())
        .code(1)
        .err_has("DestinationUser.ProviderAttributeValue: names no user of this pool");
    let user = env.native_user(4);
    env.cmd()
        .args([
            "link",
            "--user-pool-id",
            &env.pool,
            "--destination-user",
            &env.dest(&user),
            "--source-user",
            "ProviderName=NoSuchIdP,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=1",
        ])
        .assert()
        .code(1)
        .err_has("SourceUser.ProviderName: names no identity provider of this pool");
    assert!(env.journal().is_empty());
}

#[test]
fn rules_that_need_no_pool_are_bad_input_listing_every_violation() {
    let env = Env::new();
    let a = env
        .cmd()
        .args([
            "link",
            "--user-pool-id",
            &env.pool,
            "--destination-user",
            "ProviderName=Cognito",
            "--source-user",
            "ProviderName=Cognito,ProviderAttributeValue=bob",
        ])
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(
        err.contains("SourceUser.ProviderName: must be an external identity provider"),
        "{err}"
    );
    assert!(
        err.contains("DestinationUser.ProviderAttributeValue: is required"),
        "{err}"
    );
    env.cmd()
        .args([
            "link",
            "--user-pool-id",
            &env.pool,
            "--destination-user",
            "ProviderName=Cognito,ProviderAttributeValue=x",
            "--source-user",
            "ProviderName=Google,ProviderAttributeName=email,ProviderAttributeValue=1",
        ])
        .assert()
        .code(2)
        .err_has("SourceUser.ProviderAttributeName: must be Cognito_Subject for Google");
}

#[test]
fn a_service_rejection_reads_like_the_aws_cli_and_is_journaled() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    // The same identity to another user: only Cognito knows it is linked already.
    let other = env
        .users()
        .into_iter()
        .filter(|u| u["UserStatus"] != "EXTERNAL_PROVIDER" && u["LinkCount"].as_u64() < Some(5))
        .map(|u| u["Username"].as_str().unwrap().to_owned())
        .find(|n| *n != user)
        .expect("a second native user");
    env.link(&other, &subject).code(1).err_has(
        "An error occurred (InvalidParameterException) when calling the AdminLinkProviderForUser operation:",
    );
    let journal = env.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[1]["outcome"]["status"], "rejected");
    assert_eq!(journal[1]["outcome"]["code"], "InvalidParameterException");
    assert_eq!(journal[1]["user"], other.as_str());
    assert!(!env.has_identity(&other, &env.social(), &subject));
}

#[test]
fn an_unwritable_journal_stops_the_change_before_it_is_made() {
    let env = Env::new();
    let user = env.native_user(3);
    let before = env.link_count(&user);
    // XDG_STATE_HOME is a file: the journal directory cannot be created.
    let blocker = env.dir.path().join("blocker");
    std::fs::write(&blocker, "").unwrap();
    env.cmd()
        .env("XDG_STATE_HOME", &blocker)
        .args(env.link_args(&user, &fresh_subject()))
        .assert()
        .code(3)
        .err_has("refusing to make a change that could not be recorded");
    assert_eq!(env.link_count(&user), before);
}
