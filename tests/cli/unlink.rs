//! `coglink unlink`: success, dry run, not-linked refusal, journal.

use crate::common::{Env, Has, fresh_subject, stdout};

#[test]
fn an_unlink_removes_the_identity_and_is_journaled() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    let before = env.link_count(&user);
    let a = env
        .cmd()
        .args([
            "unlink",
            "--user-pool-id",
            &env.pool,
            "--user",
            &env.source(&subject),
        ])
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains(&format!("Linked to: \"{user}\"")), "{out}");
    assert!(
        out.contains(&format!("{before}/5 -> {}/5", before - 1)),
        "{out}"
    );
    assert!(!env.has_identity(&user, &env.social(), &subject));
    assert_eq!(env.link_count(&user), before - 1);
    let journal = env.journal();
    assert_eq!(journal.len(), 2);
    let e = &journal[1];
    assert_eq!(e["operation"], "AdminDisableProviderForUser");
    assert_eq!(e["outcome"]["status"], "ok");
    assert_eq!(e["user"], user.as_str());
    assert_eq!(e["counts"]["before"], before);
    assert_eq!(e["counts"]["after"], before - 1);
    assert_eq!(
        e["request"]["User"]["ProviderAttributeValue"],
        subject.as_str()
    );
}

#[test]
fn an_identity_linked_to_nobody_is_refused_locally() {
    let env = Env::new();
    env.cmd()
        .args([
            "unlink",
            "--user-pool-id",
            &env.pool,
            "--user",
            &env.source(&fresh_subject()),
        ])
        .assert()
        .code(1)
        .err_has("refused locally, nothing was sent")
        .err_has("User: this identity is not linked to any user");
    assert!(env.journal().is_empty());
}

#[test]
fn unlink_dry_run_changes_nothing() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    let before = env.link_count(&user);
    env.cmd()
        .args(["unlink", "--user-pool-id", &env.pool, "--user", &env.source(&subject), "--dry-run"])
        .assert()
        .success()
        .out_has("Dry run: nothing was changed.")
        .out_has(&format!("{before}/5 -> {}/5", before - 1))
        .out_has("\"User\": {")
        .out_has(&format!(
            "aws cognito-idp admin-disable-provider-for-user --user-pool-id {} --user ProviderName={},ProviderAttributeName=Cognito_Subject,ProviderAttributeValue={subject}",
            env.pool,
            env.social()
        ));
    assert!(env.has_identity(&user, &env.social(), &subject));
    assert_eq!(env.journal().len(), 1);
}

#[test]
fn read_only_refuses_every_change_but_allows_review() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.cmd()
        .arg("--read-only")
        .args(env.link_args(&user, &subject))
        .assert()
        .code(2)
        .err_has(
            "--read-only is set: refusing to link (AdminLinkProviderForUser); nothing was sent",
        );
    env.cmd()
        .args([
            "unlink",
            "--read-only",
            "--user-pool-id",
            &env.pool,
            "--user",
            &env.source(&subject),
        ])
        .assert()
        .code(2)
        .err_has("--read-only is set: refusing to unlink (AdminDisableProviderForUser)");
    assert!(!env.has_identity(&user, &env.social(), &subject));
    env.cmd()
        .arg("--read-only")
        .args(env.link_args(&user, &subject))
        .arg("--dry-run")
        .assert()
        .success()
        .out_has("Dry run: nothing was changed.");
    assert!(env.journal().is_empty());
    // Reads are not changes.
    env.cmd()
        .args(["--read-only", "users", "--user-pool-id", &env.pool])
        .assert()
        .success();
}

/// A SAML identity linked by a claim CorpSAML does not map (`employeeNumber`): accepted, as
/// Cognito accepts any claim name; unlinked by that claim, while `Cognito_Subject` does not
/// name it before its first sign-in.
#[test]
fn a_saml_identity_links_by_an_unmapped_claim_and_unlinks_by_it() {
    let env = Env::new();
    let user = env.native_user(3);
    let value = fresh_subject();
    let source = |attr: &str| {
        format!("ProviderName=CorpSAML,ProviderAttributeName={attr},ProviderAttributeValue={value}")
    };
    env.cmd()
        .args(["link", "--user-pool-id", &env.pool, "--destination-user"])
        .arg(env.dest(&user))
        .arg("--source-user")
        .arg(source("employeeNumber"))
        .assert()
        .success()
        .err_has("note: employeeNumber is not in CorpSAML's attribute mapping");
    assert!(env.has_identity(&user, "CorpSAML", &value));
    // By Cognito_Subject: refused by Cognito, and coglink says why from its journal.
    env.cmd()
        .args(["unlink", "--user-pool-id", &env.pool, "--user"])
        .arg(source("Cognito_Subject"))
        .assert()
        .code(1)
        .err_has("the journal says this CorpSAML identity was linked by employeeNumber");
    assert!(env.has_identity(&user, "CorpSAML", &value), "still linked");
    // No attribute name: the journal's is sent.
    let done = env
        .cmd()
        .args(["unlink", "--user-pool-id", &env.pool, "--user"])
        .arg(format!(
            "ProviderName=CorpSAML,ProviderAttributeValue={value}"
        ))
        .assert()
        .success();
    assert!(
        stdout(&done).contains("ProviderAttributeName: employeeNumber (as it was linked"),
        "{}",
        stdout(&done)
    );
    assert!(!env.has_identity(&user, "CorpSAML", &value));
    // An identity the journal does not know: the name is asked for, with the likely ones.
    env.cmd()
        .args(["unlink", "--user-pool-id", &env.pool, "--user"])
        .arg(format!(
            "ProviderName=CorpSAML,ProviderAttributeValue={}",
            fresh_subject()
        ))
        .assert()
        .code(2)
        .err_has("User.ProviderAttributeName: is required for a SAML identity")
        .err_has("likely: Cognito_Subject, email,");
}

/// `ProviderName=Cognito` disables password sign-in: the dry run says so (not "n/5 -> m/5"),
/// sending it needs `--disable-password-sign-in`, and with it the call is made and
/// journaled, removing no identity.
#[test]
fn a_cognito_unlink_is_reviewed_as_disabling_password_sign_in_and_needs_a_flag() {
    let env = Env::new();
    let user = env.native_user(3);
    let subject = fresh_subject();
    env.link(&user, &subject).success();
    let links = env.link_count(&user);
    let cognito = format!(
        "ProviderName=Cognito,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue={user}"
    );
    let unlink = |extra: &[&str]| {
        let mut cmd = env.cmd();
        cmd.args(["unlink", "--user-pool-id", &env.pool, "--user", &cognito])
            .args(extra);
        cmd.assert()
    };
    let dry = unlink(&["--dry-run"]).success();
    let out = stdout(&dry);
    assert!(
        out.contains(&format!(
            "This disables password sign-in for user \"{user}\""
        )),
        "{out}"
    );
    assert!(out.contains("No linked identity is removed"), "{out}");
    assert!(!out.contains("-> "), "no link counts: {out}");
    unlink(&[])
        .code(2)
        .err_has("User.ProviderName: Cognito removes no linked identity")
        .err_has("--disable-password-sign-in");
    assert_eq!(env.journal().len(), 1, "nothing sent");
    let done = unlink(&["--disable-password-sign-in"]).success();
    assert!(
        stdout(&done).contains(&format!("Disabled password sign-in for user {user}")),
        "{}",
        stdout(&done)
    );
    assert_eq!(env.link_count(&user), links, "no identity removed");
    let journal = env.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[1]["outcome"]["status"], "ok");
    // The flag alone, for a real unlink, is refused.
    env.cmd()
        .args(["unlink", "--user-pool-id", &env.pool, "--user"])
        .arg(env.source(&subject))
        .arg("--disable-password-sign-in")
        .assert()
        .code(2)
        .err_has("only with User.ProviderName=Cognito");
}

/// Links from one IdP use at most five distinct attribute names: after five, the CLI notes it
/// from its journal before sending, and Cognito (here the endpoint) refuses the sixth.
#[test]
fn a_sixth_attribute_name_for_one_idp_is_noted_and_refused() {
    let env = Env::new();
    let users: Vec<String> = env
        .users()
        .into_iter()
        .filter(|u| u["UserStatus"] != "EXTERNAL_PROVIDER" && u["LinkCount"].as_u64() <= Some(2))
        .filter_map(|u| u["Username"].as_str().map(str::to_owned))
        .take(3)
        .collect();
    let link = |user: &str, attr: &str| {
        env.cmd()
            .args(["link", "--user-pool-id", &env.pool, "--destination-user"])
            .arg(env.dest(user))
            .arg("--source-user")
            .arg(format!(
                "ProviderName=Okta,ProviderAttributeName={attr},ProviderAttributeValue={}",
                fresh_subject()
            ))
            .assert()
    };
    for (i, attr) in ["dept", "site", "badge", "cost_center", "region"]
        .iter()
        .enumerate()
    {
        link(&users[i % 3], attr).success();
    }
    link(&users[0], "floor")
        .code(1)
        .err_has("already using 5 attribute names (")
        .err_has("LimitExceededException");
    // A name in use still links.
    link(&users[1], "site").success();
}
