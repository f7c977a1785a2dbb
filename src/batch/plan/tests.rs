use super::*;
use crate::batch::holders::Holders;
use crate::batch::rows::parse_rows;
use crate::domain::test_users::with_google_links as user;
use crate::domain::{ProviderType, Rule};

const HEADER: &str = "DestinationProviderName,DestinationProviderAttributeValue,SourceProviderName,SourceProviderAttributeName,SourceProviderAttributeValue\n";

fn facts(users: &[UserRecord]) -> PoolFacts {
    let mut f = PoolFacts {
        providers: vec![IdentityProviderInfo {
            name: "Google".into(),
            provider_type: ProviderType::Google,
            attribute_mapping: Default::default(),
        }],
        ..Default::default()
    };
    for u in users {
        f.destinations
            .insert(("Cognito".into(), u.username().to_owned()), Some(u.clone()));
    }
    f
}

fn rows(body: &str) -> Vec<BatchRow> {
    parse_rows(&format!("{HEADER}{body}"), Some("p_1")).unwrap()
}

#[test]
fn plans_links_with_running_counts() {
    let rows =
        rows("Cognito,diego,Google,Cognito_Subject,1\nCognito,diego,Google,Cognito_Subject,2\n");
    let plan = plan(&rows, &facts(&[user("diego", &["a", "b", "c"])]));
    assert_eq!(
        plan.rows[0].action,
        RowAction::Link {
            before: 3,
            after: 4
        }
    );
    assert_eq!(
        plan.rows[1].action,
        RowAction::Link {
            before: 4,
            after: 5
        }
    );
    assert_eq!(
        plan.summary(),
        "2 to link, 0 already done, 0 refused before, 0 skipped"
    );
}

#[test]
fn the_link_that_would_pass_five_is_skipped() {
    let rows =
        rows("Cognito,diego,Google,Cognito_Subject,1\nCognito,diego,Google,Cognito_Subject,2\n");
    let plan = plan(&rows, &facts(&[user("diego", &["a", "b", "c", "d"])]));
    assert!(matches!(
        plan.rows[0].action,
        RowAction::Link {
            before: 4,
            after: 5
        }
    ));
    match &plan.rows[1].action {
        RowAction::Skip(Problem::Invalid(v)) => {
            assert_eq!(v[0].rule, Rule::LinkLimitReached { count: 5 })
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_sources_in_the_file_are_skipped() {
    let rows =
        rows("Cognito,diego,Google,Cognito_Subject,1\nCognito,maria,Google,Cognito_Subject,1\n");
    let plan = plan(&rows, &facts(&[user("diego", &[]), user("maria", &[])]));
    assert_eq!(
        plan.rows[1].action,
        RowAction::Skip(Problem::DuplicateSource { first_line: 2 })
    );
    assert_eq!(
        Problem::DuplicateSource { first_line: 2 }.to_string(),
        "SourceUser: the same identity is linked on line 2 already"
    );
}

#[test]
fn invalid_rows_name_field_and_rule() {
    let rows = rows("Cognito,diego,Google,email,1\nCognito,diego,Cognito,Cognito_Subject,x\n");
    let plan = plan(&rows, &facts(&[user("diego", &[])]));
    let RowAction::Skip(p) = &plan.rows[0].action else {
        panic!()
    };
    assert!(
        p.to_string()
            .starts_with("SourceUser.ProviderAttributeName: must be Cognito_Subject for Google")
    );
    let RowAction::Skip(p) = &plan.rows[1].action else {
        panic!()
    };
    assert!(
        p.to_string()
            .starts_with("SourceUser.ProviderName: must be an external identity provider")
    );
}

#[test]
fn links_that_exist_are_already_done_and_links_elsewhere_are_refused() {
    let rows =
        rows("Cognito,diego,Google,Cognito_Subject,a\nCognito,maria,Google,Cognito_Subject,b\n");
    let plan = plan(
        &rows,
        &facts(&[user("diego", &["a", "b"]), user("maria", &[])]),
    );
    assert_eq!(plan.rows[0].action, RowAction::AlreadyDone);
    let RowAction::Skip(Problem::Invalid(v)) = &plan.rows[1].action else {
        panic!()
    };
    assert_eq!(
        v[0].rule,
        Rule::AlreadyLinked {
            to_username: "diego".into()
        }
    );
}

#[test]
fn missing_destinations_and_merging_are_refused() {
    let rows =
        rows("Cognito,ghost,Google,Cognito_Subject,1\nCognito,diego,Google,Cognito_Subject,2\n");
    let mut f = facts(&[user("diego", &[])]);
    f.destinations
        .insert(("Cognito".into(), "ghost".into()), None);
    f.source_users
        .insert(("Google".into(), "2".into()), Some("Google_2".into()));
    let plan = plan(&rows, &f);
    let RowAction::Skip(Problem::Invalid(v)) = &plan.rows[0].action else {
        panic!()
    };
    assert_eq!(v[0].rule, Rule::UserNotFound);
    let RowAction::Skip(Problem::Invalid(v)) = &plan.rows[1].action else {
        panic!()
    };
    assert_eq!(
        v[0].rule,
        Rule::SourceIsExistingUser {
            username: "Google_2".into()
        }
    );
}

#[test]
fn recorded_outcomes_resume_without_resending() {
    let rows = rows(
        "Cognito,diego,Google,Cognito_Subject,1\nCognito,diego,Google,Cognito_Subject,2\nCognito,diego,Google,Cognito_Subject,3\n",
    );
    let mut f = facts(&[user("diego", &[])]);
    f.recorded
        .insert(row_key(&rows[0].request), Recorded::Linked);
    f.recorded.insert(
        row_key(&rows[1].request),
        Recorded::Refused {
            code: "InvalidParameterException".into(),
            message: "x".into(),
        },
    );
    let plan = plan(&rows, &f);
    assert_eq!(plan.rows[0].action, RowAction::AlreadyDone);
    assert!(matches!(
        plan.rows[1].action,
        RowAction::RefusedBefore { .. }
    ));
    assert_eq!(
        plan.rows[2].action,
        RowAction::Link {
            before: 0,
            after: 1
        }
    );
    assert_eq!(plan.to_send().count(), 1);
}

#[test]
fn a_source_held_by_a_user_outside_the_file_is_caught_only_by_the_holder_check() {
    let rows = rows("Cognito,diego,Google,Cognito_Subject,7\n");
    let mut f = facts(&[user("diego", &[])]);
    let unchecked = plan(&rows, &f);
    assert!(matches!(unchecked.rows[0].action, RowAction::Link { .. }));
    assert_eq!(unchecked.holders_scanned, None);
    assert!(
        unchecked.holders_note().starts_with("Holders: not checked"),
        "{}",
        unchecked.holders_note()
    );
    let sources = [("Google".to_owned(), "7".to_owned())].into();
    let mut holders = Holders::default();
    holders.add_page(&[user("maria", &["7"]), user("diego", &[])], &sources);
    f.holders = Some(holders);
    let checked = plan(&rows, &f);
    let RowAction::Skip(Problem::Invalid(v)) = &checked.rows[0].action else {
        panic!("{:?}", checked.rows[0].action);
    };
    assert_eq!(
        v[0].rule,
        Rule::AlreadyLinked {
            to_username: "maria".into()
        }
    );
    assert_eq!(checked.holders_scanned, Some(2));
    assert!(checked.holders_note().contains("pool's 2 users"));
}

#[test]
fn a_checked_source_nobody_holds_is_linked_and_its_own_user_is_not_a_holder() {
    let rows = rows("Cognito,diego,Google,Cognito_Subject,8\n");
    let mut f = facts(&[user("diego", &[])]);
    let sources = [("Google".to_owned(), "8".to_owned())].into();
    let mut holders = Holders::default();
    holders.add_page(&[user("diego", &[])], &sources);
    f.holders = Some(holders.clone());
    assert!(matches!(
        plan(&rows, &f).rows[0].action,
        RowAction::Link { .. }
    ));
    // Google_8 signed in as its own user: that is the source-as-user rule, not a holder.
    holders.add_page(&[user("Google_8", &["8"])], &sources);
    f.holders = Some(holders);
    f.source_users
        .insert(("Google".into(), "8".into()), Some("Google_8".into()));
    let RowAction::Skip(Problem::Invalid(v)) = &plan(&rows, &f).rows[0].action else {
        panic!("a source signed in as its own user is skipped");
    };
    assert!(
        v.iter()
            .all(|v| !matches!(v.rule, Rule::AlreadyLinked { .. })),
        "{v:?}"
    );
}
