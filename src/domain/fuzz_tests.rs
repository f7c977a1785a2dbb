//! Property tests (bounded fuzzing) of the pure parsers and rules: no input panics, and what
//! parses round-trips. Findings become regression cases in `regressions` below.

use proptest::prelude::*;

use super::filter::parse_filter;
use super::identities::{encode_identities, parse_identities};
use super::sanitize::{is_unsafe, sanitize};
use super::{LinkContext, LinkRequest, ProviderUserIdentifier, check_link, cognito_error_for};

/// Strings biased toward the grammar's own characters, plus anything at all.
fn filterish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ a-z_:\"=^\\\\\t]{0,40}",
        r#"(username|email|sub|cognito:user_status|name) ?\^?= ?"[^"]{0,10}"( .{0,5})?"#,
        any::<String>(),
    ]
}

fn identifier() -> impl Strategy<Value = Option<ProviderUserIdentifier>> {
    proptest::option::of(
        (
            proptest::option::of(prop_oneof!["Cognito|Google|Facebook|CorpSAML", ".{0,40}"]),
            proptest::option::of(prop_oneof!["Cognito_Subject|email", ".{0,8}"]),
            proptest::option::of(".{0,20}"),
        )
            .prop_map(|(n, a, v)| ProviderUserIdentifier {
                provider_name: n,
                provider_attribute_name: a,
                provider_attribute_value: v,
            }),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn filter_parser_never_panics_and_round_trips(input in filterish()) {
        if let Ok(Some(f)) = parse_filter(&input) {
            let canonical = f.to_string();
            if canonical.chars().count() <= super::filter::FILTER_MAX {
                prop_assert_eq!(parse_filter(&canonical), Ok(Some(f)));
            }
        }
    }

    #[test]
    fn identities_parser_never_panics_and_round_trips(input in prop_oneof![
        any::<String>(),
        r#"\[\{"userId":("[0-9]{1,5}"|[0-9]{1,5}),"providerName":"[A-Za-z]{1,8}","providerType":"[A-Za-z]{0,8}","issuer":(null|"x"),"primary":(true|false|"true"|"no"),"dateCreated":([0-9]{1,13}|"[0-9]{1,3}"|1e400)\}\]"#,
    ]) {
        if let Ok(ids) = parse_identities(&input) {
            prop_assert_eq!(parse_identities(&encode_identities(&ids)).unwrap(), ids);
        }
    }

    #[test]
    fn sanitized_text_holds_no_unsafe_character(input in any::<String>()) {
        let out = sanitize(&input);
        prop_assert!(!out.chars().any(is_unsafe));
        if !input.chars().any(is_unsafe) {
            prop_assert_eq!(out.as_ref(), input.as_str());
        }
    }

    #[test]
    fn link_rules_never_panic(pool in proptest::option::of(".{0,10}"), d in identifier(), s in identifier()) {
        let req = LinkRequest { user_pool_id: pool, destination_user: d, source_user: s };
        let v = check_link(&req, &LinkContext::default());
        if let Some(e) = cognito_error_for(&v, req.pool_id()) {
            prop_assert!(!e.message.is_empty());
        }
    }
}

mod regressions {
    use super::*;

    #[test]
    fn a_huge_date_is_an_error_not_a_panic() {
        let raw = r#"[{"userId":"1","providerName":"G","providerType":"G","issuer":null,"primary":true,"dateCreated":1e400}]"#;
        assert!(parse_identities(raw).is_err());
    }

    #[test]
    fn multibyte_filter_input_reports_a_position() {
        assert!(parse_filter("é = \"x\"").is_err());
        assert!(parse_filter("email = \"日本\" 語").is_err());
    }
}
