use super::*;

const D: &str = "DestinationUser";

fn id(input: &str) -> ProviderUserIdentifier {
    parse_identifier(D, input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

fn err(input: &str) -> String {
    parse_identifier(D, input)
        .expect_err(&format!("{input:?} should fail"))
        .to_string()
}

fn ident(name: Option<&str>, attr: Option<&str>, value: Option<&str>) -> ProviderUserIdentifier {
    ProviderUserIdentifier {
        provider_name: name.map(Into::into),
        provider_attribute_name: attr.map(Into::into),
        provider_attribute_value: value.map(Into::into),
    }
}

#[test]
fn official_examples() {
    assert_eq!(
        id("ProviderName=Cognito,ProviderAttributeValue=diego"),
        ident(Some("Cognito"), None, Some("diego"))
    );
    assert_eq!(
        id(
            "ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=0000000000000000,ProviderName=Google"
        ),
        ident(
            Some("Google"),
            Some("Cognito_Subject"),
            Some("0000000000000000")
        )
    );
}

/// Found by `properties::no_input_panics`: `{}` is an identifier with no members, which
/// shorthand cannot write; it renders as `{}` and reads back the same.
#[test]
fn an_identifier_with_no_members_renders_as_json_and_reads_back() {
    let empty = ident(None, None, None);
    assert_eq!(id("{}"), empty);
    assert_eq!(to_shorthand(&empty), "{}");
    assert_eq!(id(&to_shorthand(&empty)), empty);
}

#[test]
fn whitespace_around_separators_is_ignored() {
    assert_eq!(
        id("  ProviderName = Google ,  ProviderAttributeValue =  1  "),
        ident(Some("Google"), None, Some("1"))
    );
}

#[test]
fn the_first_equals_splits_key_from_value() {
    assert_eq!(
        id("ProviderAttributeValue=a=b==c"),
        ident(None, None, Some("a=b==c"))
    );
    assert_eq!(
        id("ProviderAttributeValue=\"=x\""),
        ident(None, None, Some("=x"))
    );
}

#[test]
fn quoted_values_hold_commas_spaces_and_equals() {
    assert_eq!(
        id("ProviderAttributeValue='a, b=c',ProviderName=SAML"),
        ident(Some("SAML"), None, Some("a, b=c"))
    );
    assert_eq!(
        id(r#"ProviderAttributeValue="x,y""#),
        ident(None, None, Some("x,y"))
    );
}

#[test]
fn quote_escapes() {
    assert_eq!(
        id(r#"ProviderAttributeValue="say \"hi\"""#).value(),
        r#"say "hi""#
    );
    assert_eq!(id(r"ProviderAttributeValue='it\'s'").value(), "it's");
    assert_eq!(id(r"ProviderAttributeValue='a\\'").value(), r"a\");
    assert_eq!(id(r"ProviderAttributeValue='a\nb'").value(), r"a\nb");
    assert_eq!(
        id(r#"ProviderAttributeValue='say "hi"'"#).value(),
        r#"say "hi""#
    );
}

#[test]
fn backslash_comma_in_bare_values() {
    assert_eq!(id(r"ProviderAttributeValue=a\,b").value(), "a,b");
    assert_eq!(id(r"ProviderAttributeValue=\,lead").value(), ",lead");
    assert_eq!(id(r"ProviderAttributeValue=C:\dir").value(), r"C:\dir");
}

#[test]
fn empty_values() {
    assert_eq!(
        id("ProviderName=Cognito,ProviderAttributeName=,ProviderAttributeValue=x"),
        ident(Some("Cognito"), Some(""), Some("x"))
    );
    assert_eq!(id("ProviderAttributeValue=").value(), "");
    assert_eq!(id("ProviderAttributeValue=''"), ident(None, None, Some("")));
}

#[test]
fn unicode_values() {
    assert_eq!(id("ProviderAttributeValue=Zoë日本").value(), "Zoë日本");
    assert_eq!(id("ProviderAttributeValue=a😀b").value(), "a😀b");
    assert_eq!(id("ProviderName=Ünïcode").name(), "Ünïcode");
}

#[test]
fn unknown_keys_use_the_aws_cli_message() {
    assert_eq!(
        err("ProviderName=Cognito,Value=diego"),
        "Unknown parameter in DestinationUser: \"Value\", must be one of: ProviderName, ProviderAttributeName, ProviderAttributeValue"
    );
    assert_eq!(
        err("providername=Cognito"),
        "Unknown parameter in DestinationUser: \"providername\", must be one of: ProviderName, ProviderAttributeName, ProviderAttributeValue"
    );
    assert!(err("=x").starts_with("Unknown parameter in DestinationUser: \"\""));
}

#[test]
fn duplicate_keys_are_refused() {
    assert_eq!(
        err("ProviderName=A,ProviderName=B"),
        "DestinationUser.ProviderName: is given more than once"
    );
}

#[test]
fn unquoted_commas_make_a_list_which_is_refused() {
    let e = err("ProviderAttributeValue=a,b,ProviderName=Google");
    assert!(
        e.starts_with("DestinationUser.ProviderAttributeValue: must be one string"),
        "{e}"
    );
    assert!(e.contains(r#"["a", "b"]"#), "{e}");
}

#[test]
fn trailing_commas_and_syntax_errors_name_the_member_and_position() {
    let e = err("ProviderName=Google,");
    assert!(e.starts_with("DestinationUser: expected"), "{e}");
    assert!(e.contains("trailing ','"), "{e}");
    let e = err("ProviderName=Google,ProviderAttributeValue=1,");
    assert!(e.contains("trailing ','"), "{e}");
    let e = err("ProviderName");
    assert!(e.contains("expected '='"), "{e}");
    let e = err("ProviderAttributeValue=hello world");
    assert!(
        e.contains("expected ','") && e.contains("character 29"),
        "{e}"
    );
    let e = err("ProviderAttributeValue='open");
    assert!(e.contains("closing '"), "{e}");
    let e = err("Provider_Name=x");
    assert!(e.contains("expected '='"), "{e}");
    let e = err("ProviderAttributeValue=x,,ProviderName=y");
    assert!(e.contains("expected a value"), "{e}");
    let e = err("ProviderAttributeValue=[1]");
    assert!(e.contains("quote a value that starts with ["), "{e}");
}

#[test]
fn json_form() {
    assert_eq!(
        id(r#"{"ProviderName": "Google", "ProviderAttributeValue": "a,b=c"}"#),
        ident(Some("Google"), None, Some("a,b=c"))
    );
    assert_eq!(
        id(r#"  {"ProviderName":"Cognito"}"#),
        ident(Some("Cognito"), None, None)
    );
    assert!(
        err(r#"{"Value": "x"}"#).starts_with("Unknown parameter in DestinationUser: \"Value\"")
    );
    assert_eq!(
        err(r#"{"ProviderName": 5}"#),
        "DestinationUser.ProviderName: must be a string (got 5)"
    );
    assert!(err(r#"{"ProviderName": "x""#).starts_with("DestinationUser: is not valid JSON"));
}

#[test]
fn json_values_must_be_objects() {
    let e = identifier_from_json(D, &serde_json::json!(["x"])).unwrap_err();
    assert!(e.to_string().contains("expected an object"), "{e}");
}

#[test]
fn shorthand_round_trips_any_value() {
    let values = [
        "plain",
        "",
        "a,b",
        "a=b",
        "=lead",
        "say \"hi\"",
        "it's",
        r"back\slash",
        r"ends\",
        "sp ace",
        " lead",
        "[x]",
        "{x}",
        "a]b",
        "Zoë😀",
        "tab\there",
    ];
    for v in values {
        let original = ident(Some("SAML"), Some("email"), Some(v));
        let text = to_shorthand(&original);
        assert_eq!(id(&text), original, "{v:?} -> {text}");
    }
    assert_eq!(
        to_shorthand(&ident(Some("Cognito"), None, Some("diego"))),
        "ProviderName=Cognito,ProviderAttributeValue=diego"
    );
}

#[test]
fn values_the_aws_cli_would_cut_are_quoted_or_written_as_json() {
    // The AWS CLI's unquoted pattern stops at U+FFFF.
    assert_eq!(
        to_shorthand(&ident(Some("Google"), None, Some("a😀"))),
        "ProviderName=Google,ProviderAttributeValue=\"a😀\""
    );
    // No quoting carries a final backslash: JSON, in the model's order.
    assert_eq!(
        to_shorthand(&ident(Some("SAML"), Some("email"), Some("a b\\"))),
        r#"{"ProviderName":"SAML","ProviderAttributeName":"email","ProviderAttributeValue":"a b\\"}"#
    );
}

/// Property tests (bounded fuzzing) of the shorthand parser: no input panics; every
/// identifier re-rendered with `to_shorthand` parses back to itself; a parse that succeeds
/// is stable under render → parse.
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text biased toward the grammar's own characters, plus anything at all.
    fn shorthandish() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ A-Za-z=,\"'\\\\\\[\\]{}\t]{0,40}",
            r#"(ProviderName|ProviderAttributeName|ProviderAttributeValue|Other) ?= ?("[^"]{0,6}"|'[^']{0,6}'|[a-z,\\=]{0,8})( ?, ?(ProviderName|ProviderAttributeValue)=.{0,6})?"#,
            any::<String>(),
        ]
    }

    fn any_value() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            "[ a-z,=\"'\\\\\\[\\]{}]{0,12}",
            any::<String>()
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn no_input_panics(input in shorthandish()) {
            let _ = parse_pairs(D, &input);
            if let Ok(parsed) = parse_identifier(D, &input) {
                let text = to_shorthand(&parsed);
                prop_assert_eq!(parse_identifier(D, &text).ok(), Some(parsed), "{:?} -> {:?}", input, text);
            }
        }

        #[test]
        fn rendered_identifiers_round_trip(
            name in any_value(),
            attr in any_value(),
            value in any_value(),
        ) {
            let original = ProviderUserIdentifier {
                provider_name: name,
                provider_attribute_name: attr,
                provider_attribute_value: value,
            };
            let text = to_shorthand(&original);
            if text.is_empty() {
                // No member at all has no shorthand (the AWS CLI needs a key).
                prop_assert!(original == ProviderUserIdentifier::default());
            } else {
                prop_assert_eq!(parse_identifier(D, &text).ok(), Some(original), "{:?}", text);
            }
        }
    }
}
