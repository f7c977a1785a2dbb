use std::collections::BTreeMap;

use super::*;
use crate::domain::cognito_error::link_messages;
use crate::domain::{CognitoError, ErrorKind, cognito_error_for};

fn providers() -> Vec<IdentityProviderInfo> {
    let mut mapping = BTreeMap::new();
    mapping.insert(
        "email".to_owned(),
        "http://schemas.xmlsoap.org/claims/email".to_owned(),
    );
    vec![
        IdentityProviderInfo {
            name: "Google".into(),
            provider_type: ProviderType::Google,
            attribute_mapping: BTreeMap::new(),
        },
        IdentityProviderInfo {
            name: "CorpSAML".into(),
            provider_type: ProviderType::Saml,
            attribute_mapping: mapping,
        },
    ]
}

fn link(dest: ProviderUserIdentifier, source: ProviderUserIdentifier) -> LinkRequest {
    LinkRequest::new("us-east-1_Demo1", dest, source)
}

fn google(value: &str) -> ProviderUserIdentifier {
    ProviderUserIdentifier::new("Google", Some(COGNITO_SUBJECT), value)
}

fn full_context(providers: &[IdentityProviderInfo], count: usize) -> LinkContext<'_> {
    LinkContext {
        pool_exists: Some(true),
        providers: Some(providers),
        destination: Known::Present(DestinationFacts {
            username: "diego".into(),
            link_count: count,
        }),
        source_as_user: Known::Absent,
        source_linked_to: Known::Absent,
        source_attribute_names: None,
    }
}

fn rules(v: &[Violation]) -> Vec<(String, Rule)> {
    v.iter()
        .map(|v| (v.field.label(), v.rule.clone()))
        .collect()
}

#[test]
fn a_valid_link_passes_with_full_context() {
    let ps = providers();
    let req = link(
        ProviderUserIdentifier::cognito_user("diego"),
        google("0000000000000000"),
    );
    assert_eq!(check_link(&req, &full_context(&ps, 4)), vec![]);
}

#[test]
fn missing_members_are_model_errors() {
    let req = LinkRequest::default();
    let v = check_link(&req, &LinkContext::default());
    assert_eq!(
        rules(&v),
        vec![
            ("UserPoolId".into(), Rule::Missing),
            ("DestinationUser".into(), Rule::Missing),
            ("SourceUser".into(), Rule::Missing),
        ]
    );
    let e = cognito_error_for(&v, "").unwrap();
    assert!(
        e.message
            .starts_with("3 validation errors detected: Value null at 'userPoolId'")
    );
}

#[test]
fn provider_name_length_and_pattern() {
    let long = "G".repeat(33);
    let req = link(ProviderUserIdentifier::cognito_user("diego"), google("1"));
    let mut bad = req.clone();
    bad.source_user.as_mut().unwrap().provider_name = Some(long.clone());
    let v = check_link(&bad, &LinkContext::default());
    assert_eq!(
        v[0].rule,
        Rule::TooLong {
            max: 32,
            actual: 33
        }
    );
    let e = v[0].to_cognito_error("p");
    assert_eq!(
        e.message,
        format!(
            "1 validation error detected: Value '{long}' at 'sourceUser.providerName' failed to satisfy constraint: Member must have length less than or equal to 32"
        )
    );
    bad.source_user.as_mut().unwrap().provider_name = Some("Goo\u{7}gle".into());
    let v = check_link(&bad, &LinkContext::default());
    assert_eq!(
        v[0].rule,
        Rule::Pattern {
            pattern: PROVIDER_NAME_PATTERN
        }
    );
    bad.source_user.as_mut().unwrap().provider_name = Some(String::new());
    let v = check_link(&bad, &LinkContext::default());
    assert_eq!(v[0].rule, Rule::TooShort { min: 1, actual: 0 });
    // 32 code points of a multi-byte letter pass: lengths count characters, not bytes.
    let mut ok = req.clone();
    ok.destination_user.as_mut().unwrap().provider_name = Some("é".repeat(32));
    assert!(
        check_link(&ok, &LinkContext::default())
            .iter()
            .all(|v| !v.rule.is_model_constraint())
    );
}

#[test]
fn cognito_cannot_be_a_source() {
    let req = link(
        ProviderUserIdentifier::cognito_user("diego"),
        ProviderUserIdentifier::new(COGNITO, Some(COGNITO_SUBJECT), "other"),
    );
    let v = check_link(&req, &LinkContext::default());
    assert_eq!(v[0].field, Field::Member(Role::Source, Part::ProviderName));
    assert_eq!(v[0].rule, Rule::CognitoSource);
    assert_eq!(
        v[0].to_cognito_error("p").message,
        link_messages::COGNITO_SOURCE
    );
}

#[test]
fn social_sources_need_cognito_subject_even_without_context() {
    let src = ProviderUserIdentifier::new("Google", Some("email"), "a@b.c");
    let v = check_link(
        &link(ProviderUserIdentifier::cognito_user("d"), src),
        &LinkContext::default(),
    );
    assert_eq!(
        rules(&v),
        vec![(
            "SourceUser.ProviderAttributeName".into(),
            Rule::SocialNeedsSubject {
                provider: ProviderType::Google
            }
        )]
    );
    assert!(
        v[0].to_string()
            .contains("must be Cognito_Subject for Google")
    );
    let ok = google("123");
    assert_eq!(
        check_link(
            &link(ProviderUserIdentifier::cognito_user("d"), ok),
            &LinkContext::default()
        ),
        vec![]
    );
}

#[test]
fn saml_sources_take_any_claim_name_and_an_unmapped_one_is_only_warned_about() {
    let ps = providers();
    let ctx = full_context(&ps, 0);
    let dest = ProviderUserIdentifier::cognito_user("diego");
    for attr in [
        COGNITO_SUBJECT,
        "email",
        "phone_number",
        "employeeNumber",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ] {
        let src = ProviderUserIdentifier::new("CorpSAML", Some(attr), "bob@corp.example");
        assert_eq!(check_link(&link(dest.clone(), src), &ctx), vec![], "{attr}");
    }
    let saml = ps.iter().find(|p| p.name == "CorpSAML").unwrap();
    assert_eq!(saml.attribute_warning("email"), None);
    assert!(saml.attribute_warning("employeeNumber").is_some());
    // An empty name is still required.
    let src = ProviderUserIdentifier::new("CorpSAML", Some(""), "bob@corp.example");
    let v = check_link(&link(dest, src), &ctx);
    assert_eq!(v[0].rule, Rule::Required);
    assert_eq!(v[0].field, Field::Member(Role::Source, Part::AttributeName));
}

#[test]
fn a_source_over_128_characters_in_all_is_refused() {
    let ps = providers();
    let ctx = full_context(&ps, 0);
    let dest = ProviderUserIdentifier::cognito_user("diego");
    // "CorpSAML" (8) + "email" (5) + value: 115 characters in all pass, 116 do not.
    let at = |n: usize| "é".repeat(n - 13);
    let ok = ProviderUserIdentifier::new("CorpSAML", Some("email"), &at(MAX_SOURCE_CHARS));
    assert_eq!(source_chars(&ok), 128);
    assert_eq!(check_link(&link(dest.clone(), ok), &ctx), vec![]);
    let long = ProviderUserIdentifier::new("CorpSAML", Some("email"), &at(MAX_SOURCE_CHARS + 1));
    let v = check_link(&link(dest, long), &ctx);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule, Rule::SourceTooLong { actual: 129 });
    assert_eq!(
        v[0].field,
        Field::Member(Role::Source, Part::AttributeValue)
    );
    assert!(
        v[0].to_string()
            .contains("at most 128 characters (have 129)")
    );
    assert_eq!(v[0].to_cognito_error("p").kind, ErrorKind::InvalidParameter);
}

#[test]
fn a_user_pool_id_is_matched_with_ascii_word_characters() {
    assert_eq!(check_user_pool_id("us-east-1_abc"), None);
    assert_eq!(check_user_pool_id("eu_west_1_Ab9"), None);
    let v = check_user_pool_id("ü-east-1_abc").expect("refused");
    // The message shows the model's pattern text.
    assert_eq!(
        v.rule,
        Rule::Pattern {
            pattern: USER_POOL_ID_PATTERN
        }
    );
}

#[test]
fn unknown_source_provider_is_refused_when_providers_are_known() {
    let ps = providers();
    let src = ProviderUserIdentifier::new("Okta", Some(COGNITO_SUBJECT), "1");
    let req = link(ProviderUserIdentifier::cognito_user("diego"), src);
    let v = check_link(&req, &full_context(&ps, 0));
    assert_eq!(
        v[0].rule,
        Rule::UnknownProvider {
            name: "Okta".into()
        }
    );
    assert_eq!(
        v[0].to_cognito_error("us-east-1_Demo1").message,
        "The provider Okta does not exist for User Pool us-east-1_Demo1"
    );
    assert_eq!(check_link(&req, &LinkContext::default()), vec![]);
}

#[test]
fn empty_values_are_required() {
    let req = link(ProviderUserIdentifier::new(COGNITO, None, ""), google(""));
    let v = check_link(&req, &LinkContext::default());
    assert_eq!(
        rules(&v),
        vec![
            ("SourceUser.ProviderAttributeValue".into(), Rule::Required),
            (
                "DestinationUser.ProviderAttributeValue".into(),
                Rule::Required
            ),
        ]
    );
}

#[test]
fn destination_must_exist() {
    let ps = providers();
    let mut ctx = full_context(&ps, 0);
    ctx.destination = Known::Absent;
    let v = check_link(
        &link(ProviderUserIdentifier::cognito_user("ghost"), google("1")),
        &ctx,
    );
    assert_eq!(v[0].rule, Rule::UserNotFound);
    assert_eq!(v[0].to_cognito_error("p"), CognitoError::user_not_found());
}

#[test]
fn destination_provider_must_be_cognito_or_a_pool_provider() {
    let ps = providers();
    let ctx = full_context(&ps, 0);
    let ok = ProviderUserIdentifier::new("Google", None, "1111");
    assert_eq!(check_link(&link(ok, google("2")), &ctx), vec![]);
    let bad = ProviderUserIdentifier::new("Okta", None, "1111");
    let v = check_link(&link(bad, google("2")), &ctx);
    assert_eq!(
        v[0].field,
        Field::Member(Role::Destination, Part::ProviderName)
    );
}

#[test]
fn a_source_that_signed_in_cannot_be_merged() {
    let ps = providers();
    let mut ctx = full_context(&ps, 0);
    ctx.source_as_user = Known::Present("Google_1".into());
    let v = check_link(
        &link(ProviderUserIdentifier::cognito_user("diego"), google("1")),
        &ctx,
    );
    assert_eq!(
        v[0].rule,
        Rule::SourceIsExistingUser {
            username: "Google_1".into()
        }
    );
    assert_eq!(
        v[0].to_cognito_error("p").message,
        link_messages::MERGING_NOT_SUPPORTED
    );
}

#[test]
fn a_source_links_to_one_user_only() {
    let ps = providers();
    let mut ctx = full_context(&ps, 0);
    ctx.source_linked_to = Known::Present("maria".into());
    let v = check_link(
        &link(ProviderUserIdentifier::cognito_user("diego"), google("1")),
        &ctx,
    );
    assert_eq!(
        v[0].rule,
        Rule::AlreadyLinked {
            to_username: "maria".into()
        }
    );
    assert!(
        v[0].to_cognito_error("p")
            .message
            .contains("SourceUser is already linked to DestinationUser")
    );
}

#[test]
fn the_sixth_link_is_refused() {
    let ps = providers();
    let req = link(ProviderUserIdentifier::cognito_user("diego"), google("1"));
    assert_eq!(check_link(&req, &full_context(&ps, 4)), vec![]);
    let v = check_link(&req, &full_context(&ps, 5));
    assert_eq!(v[0].rule, Rule::LinkLimitReached { count: 5 });
    assert_eq!(v[0].to_cognito_error("p").kind, ErrorKind::LimitExceeded);
    assert_eq!(
        v[0].to_string(),
        "DestinationUser: the destination already has 5/5 linked identities, the maximum"
    );
}

#[test]
fn a_missing_pool_is_resource_not_found() {
    let ctx = LinkContext {
        pool_exists: Some(false),
        ..Default::default()
    };
    let v = check_link(
        &link(ProviderUserIdentifier::cognito_user("d"), google("1")),
        &ctx,
    );
    assert_eq!(
        v[0].to_cognito_error("us-east-1_Nope"),
        CognitoError::pool_not_found("us-east-1_Nope")
    );
}

#[test]
fn unlink_rules() {
    let ps = providers();
    let req = UnlinkRequest::new("p_1", google("1"));
    assert_eq!(
        check_unlink(&req, Some(true), Some(&ps), &Known::Present("diego".into())),
        vec![]
    );
    let v = check_unlink(&req, Some(true), Some(&ps), &Known::Absent);
    assert_eq!(v[0].rule, Rule::NotLinked);
    assert_eq!(
        v[0].to_cognito_error("p").message,
        link_messages::NOT_LINKED
    );
    let v = check_unlink(&UnlinkRequest::default(), None, None, &Known::Unknown);
    assert_eq!(
        rules(&v),
        vec![
            ("UserPoolId".into(), Rule::Missing),
            ("User".into(), Rule::Missing)
        ]
    );
    let okta = UnlinkRequest::new("p_1", ProviderUserIdentifier::new("Okta", None, "1"));
    let v = check_unlink(&okta, Some(true), Some(&ps), &Known::Unknown);
    assert_eq!(
        v[0].rule,
        Rule::UnknownProvider {
            name: "Okta".into()
        }
    );
    let empty = UnlinkRequest::new("p_1", ProviderUserIdentifier::new("Google", None, ""));
    assert_eq!(
        check_unlink(&empty, None, None, &Known::Unknown)[0].rule,
        Rule::Required
    );
}

#[test]
fn read_operation_members() {
    assert_eq!(check_user_pool_id("us-east-1_AbC123"), None);
    let v = check_user_pool_id("YOUR_USER_POOL_ID ").unwrap();
    assert_eq!(
        v.to_cognito_error("").message,
        "1 validation error detected: Value 'YOUR_USER_POOL_ID ' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    );
    assert!(check_user_pool_id(&format!("a_{}", "b".repeat(60))).is_some());
    assert_eq!(check_username("bob@example.com"), None);
    assert!(check_username("has space").is_some());
    assert!(check_username("").is_some());
    let v = check_range(Field::Limit, 100, 0, 60).unwrap();
    assert_eq!(
        v.to_cognito_error("").message,
        "1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
    assert_eq!(check_range(Field::Limit, 60, 0, 60), None);
    assert!(check_range(Field::MaxResults, 0, 1, 60).is_some());
    assert_eq!(
        Field::AttributesToGet(0).member_path(),
        "attributesToGet.1.member"
    );
    assert!(
        check_string(
            Field::ProviderName,
            "Corp",
            1,
            32,
            Some(PROVIDER_NAME_V2_PATTERN)
        )
        .is_none()
    );
    assert!(
        check_string(
            Field::ProviderName,
            "_Corp",
            1,
            32,
            Some(PROVIDER_NAME_V2_PATTERN)
        )
        .is_some()
    );
}

/// Issue 15 item 6: `ProviderAttributeValue` (and `ProviderAttributeName`) are the model's
/// `StringType`, at most 131,072 characters; one more is a model error, counted in
/// characters (not bytes), for the destination as for the source and an unlink's user.
#[test]
fn attribute_values_over_the_string_type_limit_are_model_errors() {
    let at_limit = "é".repeat(STRING_TYPE_MAX);
    let req = link(ProviderUserIdentifier::cognito_user(&at_limit), google("1"));
    let v = check_link(&req, &LinkContext::default());
    assert!(
        v.iter().all(|v| !matches!(v.rule, Rule::TooLong { .. })),
        "{:?}",
        v.iter().map(|v| &v.rule).collect::<Vec<_>>()
    );
    let over = "x".repeat(STRING_TYPE_MAX + 1);
    let req = link(ProviderUserIdentifier::cognito_user(&over), google("1"));
    let v = check_link(&req, &LinkContext::default());
    assert_eq!(v.len(), 1);
    assert_eq!(
        v[0].field,
        Field::Member(Role::Destination, Part::AttributeValue)
    );
    assert_eq!(
        v[0].rule,
        Rule::TooLong {
            max: STRING_TYPE_MAX,
            actual: STRING_TYPE_MAX + 1
        }
    );
    let error = cognito_error_for(&v, "us-east-1_Demo1").unwrap();
    assert_eq!(error.kind, ErrorKind::InvalidParameter);
    assert!(error.message.contains("131072"), "{}", error.message);
    let unlink = UnlinkRequest::new(
        "us-east-1_Demo1",
        ProviderUserIdentifier::new("Google", Some(&over), "1"),
    );
    let v = check_unlink(&unlink, None, None, &Known::Unknown);
    assert!(matches!(v[0].rule, Rule::TooLong { .. }), "{:?}", v[0].rule);
}
