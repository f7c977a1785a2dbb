//! A change request from flags and `--cli-input-json`, merged as the AWS CLI merges them:
//! the JSON supplies members, each flag given on the command line replaces its member whole.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::shorthand::{identifier_from_json, parse_identifier};
use crate::domain::ProviderUserIdentifier;

/// A request member, its flag, and whether it is a `ProviderUserIdentifierType`.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub key: &'static str,
    pub flag: &'static str,
    pub identifier: bool,
}

/// What a change operation takes. Every member of both operations is required.
#[derive(Clone, Copy, Debug)]
pub struct OpSpec {
    pub operation: &'static str,
    pub aws_command: &'static str,
    pub members: &'static [Member],
}

const POOL: Member = Member {
    key: "UserPoolId",
    flag: "--user-pool-id",
    identifier: false,
};

pub const LINK: OpSpec = OpSpec {
    operation: "AdminLinkProviderForUser",
    aws_command: "admin-link-provider-for-user",
    members: &[
        POOL,
        Member {
            key: "DestinationUser",
            flag: "--destination-user",
            identifier: true,
        },
        Member {
            key: "SourceUser",
            flag: "--source-user",
            identifier: true,
        },
    ],
};

pub const UNLINK: OpSpec = OpSpec {
    operation: "AdminDisableProviderForUser",
    aws_command: "admin-disable-provider-for-user",
    members: &[
        POOL,
        Member {
            key: "User",
            flag: "--user",
            identifier: true,
        },
    ],
};

/// Reads `--cli-input-json`: inline JSON, or `file://path`.
pub fn read_cli_input(arg: &str) -> Result<String, String> {
    match arg.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("--cli-input-json: cannot read {path}: {e}")),
        None => Ok(arg.to_owned()),
    }
}

/// Members from the `--cli-input-json` text, checked for unknown keys and types.
fn members_from_json(spec: &OpSpec, text: &str) -> Result<Map<String, Value>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("--cli-input-json: invalid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("--cli-input-json: must be a JSON object of request members".into());
    };
    let mut out = Map::new();
    for (key, v) in map {
        let Some(member) = spec.members.iter().find(|m| m.key == key) else {
            let names: Vec<_> = spec.members.iter().map(|m| m.key).collect();
            return Err(format!(
                "Unknown parameter in input: \"{key}\", must be one of: {}",
                names.join(", ")
            ));
        };
        let checked = if member.identifier {
            to_value(identifier_from_json(member.key, &v).map_err(|e| e.to_string())?)
        } else if v.is_string() {
            v
        } else {
            return Err(format!("{key}: must be a string (got {v})"));
        };
        out.insert(key, checked);
    }
    Ok(out)
}

fn to_value(id: ProviderUserIdentifier) -> Value {
    serde_json::to_value(id).unwrap_or(Value::Null)
}

/// Merges `--cli-input-json` and the flags (`flags[i]` is the value of `spec.members[i]`),
/// then requires every member. Errors are bad input, naming the field and the rule.
pub fn resolve<T: DeserializeOwned>(
    spec: &OpSpec,
    flags: &[Option<&str>],
    cli_input_json: Option<&str>,
) -> Result<T, String> {
    let mut map = match cli_input_json {
        Some(arg) => members_from_json(spec, &read_cli_input(arg)?)?,
        None => Map::new(),
    };
    for (member, flag) in spec.members.iter().zip(flags) {
        let Some(text) = flag else { continue };
        let value = if member.identifier {
            to_value(parse_identifier(member.key, text).map_err(|e| e.to_string())?)
        } else {
            Value::String((*text).to_owned())
        };
        map.insert(member.key.to_owned(), value);
    }
    let missing: Vec<_> = spec
        .members
        .iter()
        .filter(|m| !map.contains_key(m.key))
        .map(|m| m.flag)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the following arguments are required: {}",
            missing.join(", ")
        ));
    }
    serde_json::from_value(Value::Object(map)).map_err(|e| format!("invalid request: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LinkRequest, UnlinkRequest};

    const SKELETON: &str = r#"{
        "UserPoolId": "",
        "DestinationUser": {"ProviderName": "", "ProviderAttributeName": "", "ProviderAttributeValue": ""},
        "SourceUser": {"ProviderName": "", "ProviderAttributeName": "", "ProviderAttributeValue": ""}
    }"#;

    #[test]
    fn flags_alone() {
        let req: LinkRequest = resolve(
            &LINK,
            &[
                Some("p_1"),
                Some("ProviderName=Cognito,ProviderAttributeValue=diego"),
                Some(r#"{"ProviderName":"Google","ProviderAttributeName":"Cognito_Subject","ProviderAttributeValue":"1"}"#),
            ],
            None,
        )
        .unwrap();
        assert_eq!(req.pool_id(), "p_1");
        assert_eq!(
            req.destination(),
            ProviderUserIdentifier::cognito_user("diego")
        );
        assert_eq!(req.source().attribute_name(), "Cognito_Subject");
    }

    #[test]
    fn flags_replace_whole_members_of_the_json() {
        let req: LinkRequest = resolve(
            &LINK,
            &[
                None,
                Some("ProviderName=Cognito,ProviderAttributeValue=ann"),
                None,
            ],
            Some(SKELETON),
        )
        .unwrap();
        assert_eq!(req.pool_id(), "");
        // The flag's identifier replaces the skeleton's, with no empty attribute name kept.
        assert_eq!(
            req.destination(),
            ProviderUserIdentifier::cognito_user("ann")
        );
        assert_eq!(req.source().provider_name.as_deref(), Some(""));
    }

    #[test]
    fn missing_members_are_named_as_flags() {
        let e = resolve::<LinkRequest>(&LINK, &[Some("p"), None, None], None).unwrap_err();
        assert_eq!(
            e,
            "the following arguments are required: --destination-user, --source-user"
        );
        let e =
            resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(r#"{"User":{}}"#)).unwrap_err();
        assert_eq!(e, "the following arguments are required: --user-pool-id");
    }

    #[test]
    fn json_is_checked_like_the_aws_cli() {
        let e =
            resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(r#"{"Pool":"x"}"#)).unwrap_err();
        assert_eq!(
            e,
            "Unknown parameter in input: \"Pool\", must be one of: UserPoolId, User"
        );
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(r#"{"UserPoolId":1}"#))
            .unwrap_err();
        assert_eq!(e, "UserPoolId: must be a string (got 1)");
        let e = resolve::<UnlinkRequest>(
            &UNLINK,
            &[None, None],
            Some(r#"{"UserPoolId":"p","User":{"Name":"x"}}"#),
        )
        .unwrap_err();
        assert!(e.starts_with("Unknown parameter in User: \"Name\""), "{e}");
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some("[1]")).unwrap_err();
        assert!(e.contains("must be a JSON object"), "{e}");
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some("{")).unwrap_err();
        assert!(e.starts_with("--cli-input-json: invalid JSON"), "{e}");
    }

    #[test]
    fn file_urls_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.json");
        std::fs::write(
            &path,
            r#"{"UserPoolId":"p_9","User":{"ProviderName":"Google"}}"#,
        )
        .unwrap();
        let arg = format!("file://{}", path.display());
        let req: UnlinkRequest = resolve(&UNLINK, &[None, None], Some(&arg)).unwrap();
        assert_eq!(req.pool_id(), "p_9");
        let e = read_cli_input("file:///nonexistent/x.json").unwrap_err();
        assert!(
            e.starts_with("--cli-input-json: cannot read /nonexistent/x.json"),
            "{e}"
        );
    }
}
