//! Every shorthand coglink prints (`--dry-run`, the TUI review) is read back by the AWS
//! CLI's rules (the strict port in `tests/support/aws_shorthand.rs`) as the value meant.

use std::collections::BTreeMap;

use coglink::awscli::shorthand::to_shorthand;
use coglink::domain::ProviderUserIdentifier;
use proptest::prelude::*;

use crate::aws_shorthand::{AwsError, AwsValue, parse};
use crate::common::{Env, fresh_subject, stdout};

/// What the AWS CLI makes of one printed argument: JSON when it starts with `{` or `[`
/// (argprocess), shorthand otherwise; string members only.
fn aws_reads(argument: &str) -> Result<BTreeMap<String, String>, String> {
    if argument.trim().starts_with(['{', '[']) {
        let map: BTreeMap<String, String> =
            serde_json::from_str(argument).map_err(|e| e.to_string())?;
        return Ok(map);
    }
    parse(argument)
        .map_err(|AwsError(e)| e)?
        .into_iter()
        .map(|(k, v)| match v {
            AwsValue::Str(s) => Ok((k, s)),
            AwsValue::List(l) => Err(format!("{k} is a list {l:?}, not a string")),
        })
        .collect()
}

fn members(id: &ProviderUserIdentifier) -> BTreeMap<String, String> {
    [
        ("ProviderName", &id.provider_name),
        ("ProviderAttributeName", &id.provider_attribute_name),
        ("ProviderAttributeValue", &id.provider_attribute_value),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
    .collect()
}

fn identifier(value: &str) -> ProviderUserIdentifier {
    ProviderUserIdentifier {
        provider_name: Some("Google".into()),
        provider_attribute_name: Some("Cognito_Subject".into()),
        provider_attribute_value: Some(value.into()),
    }
}

#[test]
fn the_port_reads_what_the_aws_cli_reads() {
    // Each answer checked by hand against awscli 1.45.11's ShorthandParser.
    let one = |input: &str, key: &str| parse(input).map(|m| m.get(key).cloned());
    let s = |v: &str| Ok(Some(AwsValue::Str(v.to_owned())));
    assert_eq!(one("a=b", "a"), s("b"));
    assert_eq!(
        one("a=b,c", "a"),
        Ok(Some(AwsValue::List(vec!["b".into(), "c".into()])))
    );
    assert_eq!(one("a=b c ,c=d", "a"), s("b c"));
    assert_eq!(one("a=b c ,c=d", "c"), s("d"));
    assert_eq!(one(r"a=x\,y", "a"), s("x,y"));
    assert_eq!(one(r#"a="say \"hi\"""#, "a"), s("say \"hi\""));
    assert_eq!(one(r"a='it\'s'", "a"), s("it's"));
    assert_eq!(one(r#"a="x\\y""#, "a"), s(r"x\y"));
    assert_eq!(one("a=", "a"), s(""));
    assert_eq!(one("a=,b=c", "a"), s(""));
    assert_eq!(one("a=]x", "a"), s("]x"));
    assert_eq!(one("a=\u{7f}x\u{85}", "a"), s("\u{7f}x"));
    assert_eq!(one("a=b\u{a0}", "a"), s("b"));
    assert_eq!(one(r#"a="x\\""#, "a"), s(r"x\"));
    assert_eq!(one(r"a=x\\,b=c", "a"), s(r"x\,b=c"));
    assert_eq!(
        parse("a=b😀"),
        Err(AwsError("Expected: ',', received: '😀'".into()))
    );
    assert_eq!(one("a=\"b😀\"", "a"), s("b😀"));
    assert!(parse("a=b,a=c").is_err());
    assert_eq!(
        parse(r#"a="x\\",b="y""#),
        Err(AwsError("Expected: ',', received: 'y'".into()))
    );
}

#[test]
fn hard_values_print_as_shorthand_the_aws_cli_reads_back() {
    for value in [
        "😀",
        "a😀b",
        "𝔘𐍈\u{10ffff}",
        "say \"hi\", 'you'",
        r"back\slash",
        r"ends\",
        r"a b\",
        "\\\"",
        "x=y,z",
        " lead and trail ",
        "tab\tnl\nnul\0esc\u{1b}",
        "]{[}",
        "",
    ] {
        let id = identifier(value);
        let text = to_shorthand(&id);
        assert!(!text.contains('\0'), "{value:?} -> {text:?}");
        assert_eq!(aws_reads(&text), Ok(members(&id)), "{value:?} -> {text}");
    }
}

/// A character from the plane `plane` (0 to 16), or one of the grammar's own.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '"', '\'', '\\', ',', '=', ' ', '[', ']', '{', '}', '\t', '\n', '\r', '\0', '\u{1b}',
            '\u{7f}', '\u{85}', '\u{9b}', '\u{a0}', '\u{2028}', '\u{202e}', '\u{feff}',
            '\u{ffff}', 'a', 'Z', '0',
        ]),
        2 => (0u32..17).prop_flat_map(|plane| {
            (plane << 16..(plane << 16) + 0x10000).prop_filter_map("a scalar value", char::from_u32)
        }),
    ]
}

fn any_value() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::collection::vec(any_char(), 0..12))
        .prop_map(|chars| chars.map(|c| c.into_iter().collect()))
}

proptest! {
    // Cases and seed from the environment (CI sets PROPTEST_RNG_SEED).
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_printed_shorthand_parses_back_with_the_aws_cli_rules(
        name in any_value(),
        attr in any_value(),
        value in any_value(),
    ) {
        let id = ProviderUserIdentifier {
            provider_name: name,
            provider_attribute_name: attr,
            provider_attribute_value: value,
        };
        let text = to_shorthand(&id);
        prop_assert!(!text.contains('\0'), "no command-line argument can hold U+0000: {:?}", text);
        prop_assert_eq!(aws_reads(&text), Ok(members(&id)), "{:?}", text);
    }
}

/// The words of a line as a POSIX shell splits them, for the quoting coglink writes:
/// bare words, `'..'` (with `'\''`) and `$'..'` (with `\\`, `\'`, `\xHH`, `\UHHHHHHHH`).
/// Panics on `\x00`: bash cuts the word there (an argument cannot hold U+0000).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '\'' => break,
                        '\\' => match chars.next() {
                            Some('x') => {
                                let hex: String = chars.by_ref().take(2).collect();
                                assert_ne!(hex, "00", "an argument cannot hold U+0000: {line}");
                                w.push(
                                    char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                                );
                            }
                            Some('U') => {
                                let hex: String = chars.by_ref().take(8).collect();
                                w.push(
                                    char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                                );
                            }
                            Some(other) => w.push(other),
                            None => panic!("a lone backslash ends {line:?}"),
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[test]
fn link_dry_run_prints_an_aws_command_whose_source_user_the_aws_cli_reads_back() {
    let env = Env::new();
    let user = env.native_user(3);
    for value in [
        format!("{}😀", fresh_subject()),
        format!("{} \"q\" 'q', \u{1F600}=\\", fresh_subject()),
        format!("{}\u{1b}]0;t\u{7}\u{10000}", fresh_subject()),
        format!("{}nul\0end", fresh_subject()),
    ] {
        let source = identifier(&value);
        let source_json = serde_json::json!({
            "ProviderName": env.social(),
            "ProviderAttributeName": "Cognito_Subject",
            "ProviderAttributeValue": value,
        })
        .to_string();
        let a = env
            .cmd()
            .args(["link", "--user-pool-id", &env.pool])
            .args(["--destination-user", &env.dest(&user)])
            .args(["--source-user", &source_json, "--dry-run"])
            .assert()
            .success();
        let out = stdout(&a);
        let line = out
            .lines()
            .find(|l| l.starts_with("aws cognito-idp admin-link-provider-for-user "))
            .unwrap_or_else(|| panic!("no aws command in {out}"));
        let words = shell_words(line);
        let at = words.iter().position(|w| w == "--source-user").unwrap();
        let expected = ProviderUserIdentifier {
            provider_name: Some(env.social()),
            ..source
        };
        assert_eq!(
            aws_reads(&words[at + 1]),
            Ok(members(&expected)),
            "{value:?} printed as {line}"
        );
    }
}
