//! The AWS CLI's side of a request: the `--generate-cli-skeleton` text, the request as
//! `--cli-input-json` takes it, and the equivalent `aws cognito-idp` command line.

use serde::Serialize;

use super::input::{IDENTIFIER_MEMBERS, OpSpec};
use super::output::{into_terminal_safe, json_terminal_safe, pretty4, shell_quote};
use super::shorthand::to_shorthand;
use crate::aws::TargetSpec;
use crate::domain::ProviderUserIdentifier;

/// The `--generate-cli-skeleton input` text: every member present, strings empty.
pub fn skeleton(spec: &OpSpec) -> String {
    let empty = ProviderUserIdentifier {
        provider_name: Some(String::new()),
        provider_attribute_name: Some(String::new()),
        provider_attribute_value: Some(String::new()),
    };
    let body: Vec<String> = spec
        .members
        .iter()
        .map(|m| {
            let value = if m.identifier {
                pretty4(&empty).replace('\n', "\n    ")
            } else {
                "\"\"".to_owned()
            };
            format!("    \"{}\": {value}", m.key)
        })
        .collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

/// The `--generate-cli-skeleton yaml-input` text, as the AWS CLI v2 prints it: every member
/// with an empty value and a comment of the API reference, `[REQUIRED]` where it is (every
/// member of both operations is).
pub fn yaml_skeleton(spec: &OpSpec) -> String {
    let mut out = String::new();
    for m in spec.members {
        if m.identifier {
            out.push_str(&format!("{}: # [REQUIRED] {}\n", m.key, m.doc));
            for (key, doc) in IDENTIFIER_MEMBERS {
                out.push_str(&format!("  {key}: '' # {doc}\n"));
            }
        } else {
            out.push_str(&format!("{}: '' # [REQUIRED] {}\n", m.key, m.doc));
        }
    }
    out
}

/// The request as the AWS CLI takes it in `--cli-input-json` (4-space JSON, terminal-safe).
pub fn request_json<T: Serialize>(req: &T) -> String {
    into_terminal_safe(pretty4(req))
}

/// The same change as an `aws` command line, shell-quoted.
pub fn aws_command(
    spec: &OpSpec,
    global: &TargetSpec,
    pool_id: &str,
    ids: &[&ProviderUserIdentifier],
) -> String {
    let mut words = vec![
        "aws".to_owned(),
        "cognito-idp".to_owned(),
        spec.aws_command.to_owned(),
    ];
    if !global.local {
        for (flag, value) in [
            ("--profile", &global.profile),
            ("--region", &global.region),
            ("--endpoint-url", &global.endpoint_url),
        ] {
            if let Some(v) = value {
                words.push(flag.to_owned());
                words.push(shell_quote(v));
            }
        }
    }
    words.push("--user-pool-id".to_owned());
    words.push(shell_quote(pool_id));
    for (member, id) in spec.members.iter().filter(|m| m.identifier).zip(ids) {
        words.push(member.flag.to_owned());
        words.push(shell_quote(&to_shorthand(id)));
    }
    words.join(" ")
}

/// Any operation as an `aws cognito-idp` command line with its whole request as
/// `--cli-input-json` (for operations without a member spec: groups, attributes, deletes).
pub fn aws_command_json(
    operation: &str,
    target: &TargetSpec,
    request: &serde_json::Value,
) -> String {
    let mut words = vec!["aws".to_owned(), "cognito-idp".to_owned(), kebab(operation)];
    if !target.local {
        for (flag, value) in [
            ("--profile", &target.profile),
            ("--region", &target.region),
            ("--endpoint-url", &target.endpoint_url),
        ] {
            if let Some(v) = value {
                words.push(flag.to_owned());
                words.push(shell_quote(v));
            }
        }
    }
    words.push("--cli-input-json".to_owned());
    words.push(shell_quote(&json_terminal_safe(&request.to_string())));
    words.join(" ")
}

/// `AdminDeleteUser` → `admin-delete-user`.
fn kebab(operation: &str) -> String {
    let mut out = String::new();
    for (i, c) in operation.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::awscli::input::{LINK, UNLINK};

    #[test]
    fn any_operation_is_a_command_with_its_request_as_cli_input_json() {
        let cmd = aws_command_json(
            "AdminAddUserToGroup",
            &TargetSpec {
                region: Some("eu-west-1".into()),
                ..Default::default()
            },
            &serde_json::json!({"UserPoolId": "p_1", "Username": "ann o", "GroupName": "g"}),
        );
        assert_eq!(
            cmd,
            r#"aws cognito-idp admin-add-user-to-group --region eu-west-1 --cli-input-json '{"GroupName":"g","UserPoolId":"p_1","Username":"ann o"}'"#
        );
    }

    #[test]
    fn the_yaml_skeleton_is_read_back_as_the_json_skeleton() {
        for spec in [&LINK, &UNLINK] {
            let yaml = yaml_skeleton(spec);
            let json: serde_json::Value = serde_json::from_str(&skeleton(spec)).unwrap();
            assert_eq!(
                crate::awscli::yaml::from_yaml(&yaml).unwrap(),
                json,
                "{yaml}"
            );
        }
        assert!(
            yaml_skeleton(&UNLINK).starts_with(
                "UserPoolId: '' # [REQUIRED] The user pool ID for the user pool.\nUser: # [REQUIRED]"
            ),
            "{}",
            yaml_skeleton(&UNLINK)
        );
    }

    #[test]
    fn skeletons_match_the_aws_cli() {
        assert_eq!(
            skeleton(&LINK),
            r#"{
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
}"#
        );
        assert_eq!(
            skeleton(&UNLINK),
            "{\n    \"UserPoolId\": \"\",\n    \"User\": {\n        \"ProviderName\": \"\",\n        \"ProviderAttributeName\": \"\",\n        \"ProviderAttributeValue\": \"\"\n    }\n}"
        );
    }

    #[test]
    fn aws_commands_quote_and_round_trip() {
        let global = TargetSpec {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        let dest = ProviderUserIdentifier::cognito_user("diego o'neil");
        let src = ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "123");
        let cmd = aws_command(&LINK, &global, "eu-west-1_abc", &[&dest, &src]);
        assert_eq!(
            cmd,
            "aws cognito-idp admin-link-provider-for-user --profile prod --region eu-west-1 \
             --user-pool-id eu-west-1_abc \
             --destination-user 'ProviderName=Cognito,ProviderAttributeValue=\"diego o'\\''neil\"' \
             --source-user ProviderName=Google,ProviderAttributeName=Cognito_Subject,ProviderAttributeValue=123"
        );
        let local = TargetSpec {
            local: true,
            ..Default::default()
        };
        let cmd = aws_command(&UNLINK, &local, "p_1", &[&src]);
        assert!(
            cmd.starts_with(
                "aws cognito-idp admin-disable-provider-for-user --user-pool-id p_1 --user "
            ),
            "{cmd}"
        );
    }
}
