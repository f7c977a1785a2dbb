//! A change request from flags and `--cli-input-json` or `--cli-input-yaml`, merged as the
//! AWS CLI merges them: the file supplies members, each flag given on the command line
//! replaces its member whole. Both inputs are inline text or `file://path` (v1 and v2
//! agree; v2 reads YAML, v1 does not).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::shorthand::{identifier_from_json, parse_identifier};
use super::yaml::from_yaml;
use crate::domain::ProviderUserIdentifier;

/// A request member, its flag, and whether it is a `ProviderUserIdentifierType`.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub key: &'static str,
    pub flag: &'static str,
    pub identifier: bool,
    /// The API reference's first sentence, for the YAML skeleton's comments.
    pub doc: &'static str,
}

/// The members of `ProviderUserIdentifierType` with their API reference text.
pub const IDENTIFIER_MEMBERS: [(&str, &str); 3] = [
    (
        "ProviderName",
        "The name of the provider, such as Facebook, Google, or Login with Amazon.",
    ),
    (
        "ProviderAttributeName",
        "The name of the provider attribute to link to, such as NameID.",
    ),
    (
        "ProviderAttributeValue",
        "The value of the provider attribute to link to, such as xxxxx_account.",
    ),
];

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
    doc: "The user pool ID for the user pool.",
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
            doc: "The existing user in the user pool that you want to assign to the external \
                  IdP user account.",
        },
        Member {
            key: "SourceUser",
            flag: "--source-user",
            identifier: true,
            doc: "An external IdP account for a user who doesn't exist yet in the user pool.",
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
            doc: "The user profile that you want to delete a linked identity from.",
        },
    ],
};

/// The request file of `--cli-input-json` or `--cli-input-yaml`.
#[derive(Clone, Copy, Debug)]
pub enum CliInput<'a> {
    Json(&'a str),
    Yaml(&'a str),
}

impl CliInput<'_> {
    fn flag(&self) -> &'static str {
        match self {
            CliInput::Json(_) => "--cli-input-json",
            CliInput::Yaml(_) => "--cli-input-yaml",
        }
    }

    /// The members it holds, as a JSON value.
    fn value(&self) -> Result<Value, String> {
        let flag = self.flag();
        match *self {
            CliInput::Json(arg) => serde_json::from_str(&read_cli_input(flag, arg)?)
                .map_err(|e| format!("{flag}: invalid JSON: {e}")),
            CliInput::Yaml(arg) => from_yaml(&read_cli_input(flag, arg)?)
                .map_err(|e| format!("{flag}: invalid YAML: {e}")),
        }
    }
}

/// Reads a request file argument: inline text, or `file://path`.
pub fn read_cli_input(flag: &str, arg: &str) -> Result<String, String> {
    match arg.strip_prefix("file://") {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("{flag}: cannot read {path}: {e}"))
        }
        None => Ok(arg.to_owned()),
    }
}

/// Members from the request file, checked for unknown keys and types.
fn members_from_input(spec: &OpSpec, input: CliInput) -> Result<Map<String, Value>, String> {
    let flag = input.flag();
    let Value::Object(map) = input.value()? else {
        return Err(format!(
            "{flag}: must be an object (a mapping) of request members"
        ));
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

/// Merges the request file and the flags (`flags[i]` is the value of `spec.members[i]`),
/// then requires every member. Errors are bad input, naming the field and the rule.
pub fn resolve<T: DeserializeOwned>(
    spec: &OpSpec,
    flags: &[Option<&str>],
    cli_input: Option<CliInput>,
) -> Result<T, String> {
    let mut map = match cli_input {
        Some(input) => members_from_input(spec, input)?,
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
            Some(CliInput::Json(SKELETON)),
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
        let e = resolve::<UnlinkRequest>(
            &UNLINK,
            &[None, None],
            Some(CliInput::Json(r#"{"User":{}}"#)),
        )
        .unwrap_err();
        assert_eq!(e, "the following arguments are required: --user-pool-id");
    }

    #[test]
    fn json_is_checked_like_the_aws_cli() {
        let e = resolve::<UnlinkRequest>(
            &UNLINK,
            &[None, None],
            Some(CliInput::Json(r#"{"Pool":"x"}"#)),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "Unknown parameter in input: \"Pool\", must be one of: UserPoolId, User"
        );
        let e = resolve::<UnlinkRequest>(
            &UNLINK,
            &[None, None],
            Some(CliInput::Json(r#"{"UserPoolId":1}"#)),
        )
        .unwrap_err();
        assert_eq!(e, "UserPoolId: must be a string (got 1)");
        let e = resolve::<UnlinkRequest>(
            &UNLINK,
            &[None, None],
            Some(CliInput::Json(r#"{"UserPoolId":"p","User":{"Name":"x"}}"#)),
        )
        .unwrap_err();
        assert!(e.starts_with("Unknown parameter in User: \"Name\""), "{e}");
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(CliInput::Json("[1]")))
            .unwrap_err();
        assert!(e.contains("must be an object"), "{e}");
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(CliInput::Json("{")))
            .unwrap_err();
        assert!(e.starts_with("--cli-input-json: invalid JSON"), "{e}");
    }

    #[test]
    fn yaml_input_is_read_and_checked_like_json() {
        let yaml = "UserPoolId: p_7 # the pool\nUser:\n  ProviderName: Google\n  \
                    ProviderAttributeName: Cognito_Subject\n  ProviderAttributeValue: '0012'\n";
        let req: UnlinkRequest =
            resolve(&UNLINK, &[None, None], Some(CliInput::Yaml(yaml))).unwrap();
        assert_eq!(req.pool_id(), "p_7");
        assert_eq!(req.user().provider_attribute_value.as_deref(), Some("0012"));
        let e = resolve::<UnlinkRequest>(
            &UNLINK,
            &[None, None],
            Some(CliInput::Yaml("UserPoolId: 12")),
        )
        .unwrap_err();
        assert_eq!(e, "UserPoolId: must be a string (got 12)");
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(CliInput::Yaml("a: [")))
            .unwrap_err();
        assert!(e.starts_with("--cli-input-yaml: invalid YAML"), "{e}");
        let e = resolve::<UnlinkRequest>(&UNLINK, &[None, None], Some(CliInput::Yaml("- 1")))
            .unwrap_err();
        assert!(e.starts_with("--cli-input-yaml: must be an object"), "{e}");
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
        let req: UnlinkRequest =
            resolve(&UNLINK, &[None, None], Some(CliInput::Json(&arg))).unwrap();
        assert_eq!(req.pool_id(), "p_9");
        let e = read_cli_input("--cli-input-json", "file:///nonexistent/x.json").unwrap_err();
        assert!(
            e.starts_with("--cli-input-json: cannot read /nonexistent/x.json"),
            "{e}"
        );
    }
}
