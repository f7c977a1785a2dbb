//! Planning a merge: the steps in their safe order, what is gained and lost, and every
//! refusal before anything is sent.

use super::*;
use crate::domain::ProviderType;
use crate::domain::test_users::{identity, user};

fn google() -> IdentityProviderInfo {
    IdentityProviderInfo {
        name: "Google".into(),
        provider_type: ProviderType::Google,
        attribute_mapping: [("email".to_owned(), "email".to_owned())].into(),
    }
}

fn inputs() -> MergeInputs {
    MergeInputs {
        pool_id: "us-east-1_P".into(),
        keep: user(
            "ann",
            "CONFIRMED",
            &[("email", "Ann@x.com"), ("email_verified", "true")],
            &[],
        ),
        keep_groups: vec!["staff".into()],
        merged: user(
            "Google_1093",
            "EXTERNAL_PROVIDER",
            &[
                ("email", "ann@x.com"),
                ("email_verified", "true"),
                ("locale", "fr"),
            ],
            &[identity("Google", "1093", true)],
        ),
        merged_groups: vec!["staff".into(), "beta".into()],
        providers: vec![google()],
        immutable_attributes: vec!["sub".into()],
    }
}

#[test]
fn additive_steps_come_first_then_the_delete_then_the_link() {
    let options = MergeOptions {
        copy_groups: true,
        copy_attributes: vec!["locale".into()],
        allow_unverified: false,
    };
    let plan = plan_merge(&inputs(), &options).unwrap();
    let ops: Vec<&str> = plan.steps.iter().map(Planned::operation).collect();
    assert_eq!(
        ops,
        [
            "AdminAddUserToGroup",
            "AdminUpdateUserAttributes",
            "AdminDeleteUser",
            "AdminLinkProviderForUser"
        ]
    );
    assert_eq!(
        plan.steps[0],
        Planned::AddToGroup {
            pool_id: "us-east-1_P".into(),
            user: "ann".into(),
            group: "beta".into()
        },
        "only the groups ann is not in"
    );
    let Planned::Link { req, user, counts } = &plan.steps[3] else {
        panic!()
    };
    assert_eq!(user, "ann");
    assert_eq!(req.source().attribute_name(), "Cognito_Subject");
    assert_eq!(req.source().value(), "1093");
    assert_eq!((counts.before, counts.after), (0, 1));
    assert_eq!((plan.counts.before, plan.counts.after), (0, 1));
    assert!(
        plan.gains.iter().any(|g| g == "attributes: locale=fr"),
        "{:?}",
        plan.gains
    );
    assert!(
        plan.lost[0].contains("sub sub-Google_1093"),
        "{:?}",
        plan.lost
    );
    assert!(
        plan.lost
            .iter()
            .any(|l| l.contains("attributes not copied: email, email_verified")),
        "{:?}",
        plan.lost
    );
    assert!(plan.warnings[0].contains("whoever controls Google 1093 will sign in as ann"));
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("rewrites on ann: email (now Ann@x.com)")),
        "{:?}",
        plan.warnings
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("email_verified becomes false"))
    );
}

#[test]
fn by_default_nothing_is_copied_and_the_loss_is_said() {
    let plan = plan_merge(&inputs(), &MergeOptions::default()).unwrap();
    let ops: Vec<&str> = plan.steps.iter().map(Planned::operation).collect();
    assert_eq!(ops, ["AdminDeleteUser", "AdminLinkProviderForUser"]);
    assert!(
        plan.lost.iter().any(|l| l == "group memberships: beta"),
        "{:?}",
        plan.lost
    );
    assert!(
        plan.gains
            .iter()
            .any(|g| g.contains("without --copy-groups"))
    );
}

#[test]
fn every_identity_the_merged_user_held_moves() {
    let mut i = inputs();
    i.merged = user(
        "Google_5",
        "EXTERNAL_PROVIDER",
        &[("email", "ann@x.com"), ("email_verified", "true")],
        &[
            identity("Facebook", "6", false),
            identity("Google", "5", true),
        ],
    );
    i.providers.push(IdentityProviderInfo {
        name: "Facebook".into(),
        provider_type: ProviderType::Facebook,
        attribute_mapping: Default::default(),
    });
    let plan = plan_merge(&i, &MergeOptions::default()).unwrap();
    assert_eq!(plan.identities, ["Google 5", "Facebook 6"], "its own first");
    assert_eq!((plan.counts.before, plan.counts.after), (0, 2));
    let links: Vec<(usize, usize)> = plan
        .steps
        .iter()
        .filter_map(|s| s.counts().map(|c| (c.before, c.after)))
        .collect();
    assert_eq!(links, [(0, 1), (1, 2)]);
}

#[test]
fn what_would_fail_after_the_delete_is_refused_before_anything() {
    let refused = |i: &MergeInputs, o: &MergeOptions| plan_merge(i, o).unwrap_err().join("\n");
    // The provider is gone: the link after the delete would fail.
    let mut i = inputs();
    i.providers.clear();
    assert!(refused(&i, &MergeOptions::default()).contains("no longer exists in the pool"));
    // 5/5 already.
    let mut i = inputs();
    let links: Vec<String> = (0..5)
        .map(|n| identity("Okta", &n.to_string(), false))
        .collect();
    i.keep = user(
        "ann",
        "CONFIRMED",
        &[("email", "ann@x.com"), ("email_verified", "true")],
        &links,
    );
    assert!(refused(&i, &MergeOptions::default()).contains("5/5 linked identities; merging"));
    // A native user cannot be merged; neither can a user into itself.
    let mut i = inputs();
    i.merged = i.keep.clone();
    let text = refused(&i, &MergeOptions::default());
    assert!(text.contains("is a native user"), "{text}");
    assert!(text.contains("names the user to keep"), "{text}");
    // sub and identities are never copied; a missing attribute is named.
    let o = MergeOptions {
        copy_attributes: vec!["sub".into(), "nickname".into()],
        ..MergeOptions::default()
    };
    let text = refused(&inputs(), &o);
    assert!(
        text.contains("--copy-attributes: sub cannot be copied"),
        "{text}"
    );
    assert!(text.contains("has no attribute nickname"), "{text}");
    // The shadow profile of a linked sign-in is not merged.
    let mut i = inputs();
    i.keep = user(
        "ann",
        "CONFIRMED",
        &[("email", "ann@x.com"), ("email_verified", "true")],
        &[identity("Google", "1093", false)],
    );
    assert!(refused(&i, &MergeOptions::default()).contains("nothing to merge"));
}

#[test]
fn an_unverified_pair_needs_the_override_that_names_the_risk() {
    let mut i = inputs();
    i.merged = user(
        "Google_1093",
        "EXTERNAL_PROVIDER",
        &[("email", "ann@x.com"), ("email_verified", "false")],
        &[identity("Google", "1093", true)],
    );
    let text = plan_merge(&i, &MergeOptions::default())
        .unwrap_err()
        .join("\n");
    assert!(text.contains("--allow-unverified"), "{text}");
    assert!(text.contains("takeover risk"), "{text}");
    let o = MergeOptions {
        allow_unverified: true,
        ..MergeOptions::default()
    };
    assert!(plan_merge(&i, &o).is_ok());
    // A verified phone number shared is enough.
    let phone = [
        ("phone_number", "+15550100"),
        ("phone_number_verified", "true"),
    ];
    i.keep = user("ann", "CONFIRMED", &phone, &[]);
    i.merged = user(
        "Google_1093",
        "EXTERNAL_PROVIDER",
        &phone,
        &[identity("Google", "1093", true)],
    );
    assert!(plan_merge(&i, &MergeOptions::default()).is_ok());
}

#[test]
fn a_mapped_immutable_attribute_is_said_to_make_every_sign_in_fail() {
    let plan = plan_merge(&inputs(), &MergeOptions::default()).unwrap();
    assert!(
        !plan.warnings.iter().any(|w| w.contains("FAIL")),
        "{:?}",
        plan.warnings
    );
    let mut i = inputs();
    i.immutable_attributes.push("email".into());
    let plan = plan_merge(&i, &MergeOptions::default()).unwrap();
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("every sign-in with Google will FAIL on ann: it maps email")),
        "{:?}",
        plan.warnings
    );
}
