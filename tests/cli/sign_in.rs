//! `coglink local sign-in` against a running endpoint: a new identity creates its own user;
//! a linked identity signs in as the link's destination and the IdP's mapping is applied to
//! it; after an unlink the next sign-in creates a new user with a new sub; an identity that
//! signed in on its own can no longer be linked (the duplicate a merge must fix).

use coglink::aws::ops::Ops;

use crate::common::{Env, Has, fresh_subject, remote, stdout, with_local_server};

fn sign_in(env: &Env, url: &str, subject: &str, claims: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = remote(env, url);
    cmd.args(["local", "sign-in", "--user-pool-id", &env.pool])
        .args(["--provider", &env.social(), "--subject", subject]);
    for c in claims {
        cmd.args(["--claim", c]);
    }
    cmd.assert()
}

/// The `sub` the output names.
fn signed_in_sub(out: &str) -> String {
    out.split("(sub ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("no sub in {out:?}"))
        .to_owned()
}

#[test]
fn federated_sign_in_creates_signs_in_as_the_destination_and_recreates_after_unlink() {
    let env = Env::new();
    let native = env.native_user(3);
    let (alone, linked) = (fresh_subject(), fresh_subject());
    with_local_server(&env.state(), async |url: &str, ops: &Ops| {
        let pool = env.pool.clone();
        // A new identity: its own user, created.
        let out =
            stdout(&sign_in(&env, url, &alone, &["email=ann@example.com", "name=Ann"]).success());
        let social = env.social();
        let own = format!("{social}_{alone}");
        assert!(
            out.starts_with(&format!("Signed in as {own} (sub ")) && out.contains("a new user"),
            "{out}"
        );
        let user = ops.get_user(&pool, &own).await.unwrap().expect("created");
        assert_eq!(user.status(), "EXTERNAL_PROVIDER");
        assert_eq!(user.email(), Some("ann@example.com"), "mapped");
        assert_eq!(user.sub(), Some(signed_in_sub(&out).as_str()));
        let ids: Vec<_> = user.identities_or_empty().collect();
        assert_eq!(ids.len(), 1);
        assert!(ids[0].primary && ids[0].user_id == alone && ids[0].provider_name == social);
        // Again: the same user, the same sub.
        let again = stdout(&sign_in(&env, url, &alone, &[]).success());
        assert!(again.contains("the identity's own user"), "{again}");
        assert_eq!(signed_in_sub(&again), signed_in_sub(&out));
        // That identity signed in on its own: Cognito refuses to link it now.
        remote(&env, url)
            .args(env.link_args(&native, &alone))
            .assert()
            .code(1)
            .err_has("has already signed in as user");

        // A linked identity signs in as the destination; the mapping overwrites its email.
        remote(&env, url)
            .args(env.link_args(&native, &linked))
            .assert()
            .success();
        let before = ops.get_user(&pool, &native).await.unwrap().unwrap();
        let out = stdout(&sign_in(&env, url, &linked, &["email=new@example.com"]).success());
        assert!(
            out.starts_with(&format!("Signed in as {native} (sub ")),
            "{out}"
        );
        assert!(out.contains("the user this identity is linked to"), "{out}");
        assert_eq!(Some(signed_in_sub(&out).as_str()), before.sub());
        let after = ops.get_user(&pool, &native).await.unwrap().unwrap();
        assert_eq!(after.email(), Some("new@example.com"));
        assert!(
            ops.get_user(&pool, &format!("{social}_{linked}"))
                .await
                .unwrap()
                .is_none(),
            "no user of its own"
        );

        // Unlinked, the next sign-in creates a new user with a new sub.
        remote(&env, url)
            .args(["unlink", "--user-pool-id", &pool, "--user"])
            .arg(env.source(&linked))
            .assert()
            .success();
        let out = stdout(&sign_in(&env, url, &linked, &[]).success());
        assert!(
            out.starts_with(&format!("Signed in as {social}_{linked} (sub ")),
            "{out}"
        );
        assert!(out.contains("a new user"), "{out}");
        assert_ne!(Some(signed_in_sub(&out).as_str()), before.sub());
    });
}

#[test]
fn sign_in_refuses_bad_input_and_names_the_problem() {
    let env = Env::new();
    with_local_server(&env.state(), async |url: &str, _: &Ops| {
        // Not loopback: refused before anything is sent.
        let mut cmd = remote(&env, "http://10.1.2.3:4599");
        cmd.args(["local", "sign-in", "--user-pool-id", &env.pool])
            .args(["--provider", "Google", "--subject", "1"])
            .assert()
            .code(2)
            .err_has("only to a local endpoint on loopback");
        // An unknown provider and an unknown pool: the endpoint's error.
        let mut cmd = remote(&env, url);
        cmd.args(["local", "sign-in", "--user-pool-id", &env.pool])
            .args(["--provider", "Nope", "--subject", "1"])
            .assert()
            .code(1)
            .err_has("InvalidParameterException: The provider Nope does not exist");
        let mut cmd = remote(&env, url);
        cmd.args(["local", "sign-in", "--user-pool-id", "us-east-1_Missing1"])
            .args(["--provider", "Google", "--subject", "1"])
            .assert()
            .code(1)
            .err_has("ResourceNotFoundException");
        // A claim without `=`.
        let mut cmd = remote(&env, url);
        cmd.args(["local", "sign-in", "--user-pool-id", &env.pool])
            .args(["--provider", "Google", "--subject", "1", "--claim", "email"])
            .assert()
            .code(2)
            .err_has("expected NAME=VALUE");
    });
}
