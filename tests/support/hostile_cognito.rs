//! A fake Cognito endpoint serving one pool of hostile users: usernames and attributes with
//! ANSI CSI and OSC sequences (OSC 52 clipboard, OSC 0 title), C0 and C1 controls, DEL,
//! bidi overrides and isolates, zero-width characters, combining marks, wide CJK, 2 KB
//! values, and an `identities` attribute that is not valid JSON. The embedded local endpoint
//! refuses to load such data (it validates its state file), and real Cognito only promises
//! its username pattern, so the client is tested against what a hostile or broken pool
//! could send. Answers ListUserPools, DescribeUserPool, ListUsers, AdminGetUser,
//! ListIdentityProviders and DescribeIdentityProvider.

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const POOL: &str = "us-east-1_Hostile01";
/// The pool's name (itself hostile: sets the title).
pub const POOL_NAME: &str = "hostile\u{1b}]0;pool-title\u{7}";

/// A well-formed user whose attributes carry every kind of hostile text.
pub const MALLORY: &str = "mallory";
/// A user whose `identities` attribute is not JSON.
pub const BROKEN: &str = "broken.identities";
/// Usernames that are themselves hostile (outside Cognito's pattern; a client must cope).
pub const ESCAPED_NAME: &str = "evil\u{1b}[31mred\u{9b}0m\u{202e}txt.exe";
pub const WIDE_NAME: &str = "用户名称データ";
pub const COMBINING_NAME: &str = "ze\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}lgo";

/// 2,048 characters: escapes and invisible characters spread through plain text.
pub fn big_value() -> String {
    let unit = "ab\u{1b}[2Jc\u{200b}d\u{202e}e\u{7}f\u{85}g用";
    unit.chars().cycle().take(2048).collect()
}

/// Every hostile text used, to check none of its unsafe characters reaches a terminal.
pub fn attributes_of(username: &str) -> Vec<(String, String)> {
    let sub = format!("sub-{}", username.len());
    let mut attrs: Vec<(String, String)> = vec![
        ("sub".into(), sub),
        (
            "email".into(),
            "m\u{1b}[2J\u{1b}[Hallory@evil.example".into(),
        ),
    ];
    if username == MALLORY {
        attrs.extend(
            [
                ("name", "\u{1b}]52;c;ZXZpbCBjbGlwYm9hcmQ=\u{7}clip"),
                ("given_name", "\u{1b}]0;pwned-title\u{7}Mal"),
                ("family_name", "c1\u{9b}31mred\u{85}next\u{9d}0;t\u{9c}"),
                ("nickname", "del\u{7f}bs\u{8}\u{8}\u{8}nul\u{0}cr\rlf\n"),
                (
                    "custom:bidi",
                    "admin\u{202e}fdp.exe\u{2066}iso\u{2069}\u{200f}",
                ),
                ("custom:zw", "in\u{200b}vis\u{200d}ible\u{feff}\u{2060}"),
                ("custom:wide", "用户名称データ한국어"),
                (
                    "custom:combining",
                    "Z\u{336}\u{334}a\u{35c}\u{361}l\u{489}go",
                ),
            ]
            .map(|(n, v)| (n.to_owned(), v.to_owned())),
        );
        attrs.push(("custom:big".into(), big_value()));
        let identities = json!([{
            "userId": "1\u{1b}]52;c;cGFzdGU=\u{7}\u{202e}99",
            "providerName": "Google",
            "providerType": "Google",
            "issuer": null,
            "primary": false,
            "dateCreated": 1_700_000_000_000_i64
        }, {
            "userId": big_value(),
            "providerName": "Google",
            "providerType": "Google",
            "issuer": null,
            "primary": false,
            "dateCreated": 1_700_000_000_000_i64
        }]);
        attrs.push(("identities".into(), identities.to_string()));
    } else if username == BROKEN {
        attrs.push((
            "identities".into(),
            "[{\"userId\": \"\u{1b}[31m\u{202e}".into(),
        ));
    }
    attrs
}

pub fn usernames() -> Vec<&'static str> {
    vec![MALLORY, BROKEN, ESCAPED_NAME, WIDE_NAME, COMBINING_NAME]
}

fn attributes_json(username: &str) -> Value {
    Value::Array(
        attributes_of(username)
            .into_iter()
            .map(|(n, v)| json!({"Name": n, "Value": v}))
            .collect(),
    )
}

fn user_json(username: &str) -> Value {
    json!({
        "Username": username,
        "Attributes": attributes_json(username),
        "UserStatus": if username == ESCAPED_NAME { "CONF\u{1b}[5mIRMED" } else { "CONFIRMED" },
        "Enabled": true,
        "UserCreateDate": 1_700_000_000.0,
        "UserLastModifiedDate": 1_700_000_000.0
    })
}

fn error(kind: &str, message: &str) -> Response {
    let mut r = (
        StatusCode::BAD_REQUEST,
        json!({"__type": kind, "message": message}).to_string(),
    )
        .into_response();
    r.headers_mut().insert(
        "x-amzn-ErrorType",
        format!("{kind}:").parse().expect("ASCII"),
    );
    r
}

fn ok(v: Value) -> Response {
    let mut r = (StatusCode::OK, v.to_string()).into_response();
    r.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.1".parse().expect("ASCII"),
    );
    r
}

async fn handle(headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_owned();
    let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match target.as_str() {
        "ListUserPools" => ok(json!({"UserPools": [{
            "Id": POOL, "Name": POOL_NAME,
            "CreationDate": 1_700_000_000.0, "LastModifiedDate": 1_700_000_000.0
        }]})),
        "DescribeUserPool" => ok(json!({"UserPool": {
            "Id": POOL, "Name": POOL_NAME,
            "EstimatedNumberOfUsers": usernames().len()
        }})),
        "ListUsers" => ok(json!({
            "Users": usernames().into_iter().map(user_json).collect::<Vec<_>>()
        })),
        "AdminGetUser" => {
            let name = input["Username"].as_str().unwrap_or_default();
            match usernames().into_iter().find(|u| *u == name) {
                Some(u) => ok(json!({
                    "Username": u,
                    "UserAttributes": attributes_json(u),
                    "UserStatus": "CONFIRMED",
                    "Enabled": true,
                    "UserCreateDate": 1_700_000_000.0,
                    "UserLastModifiedDate": 1_700_000_000.0
                })),
                None => error("UserNotFoundException", "User does not exist."),
            }
        }
        "ListIdentityProviders" => ok(json!({"Providers": [{
            "ProviderName": "Google", "ProviderType": "Google",
            "CreationDate": 1_700_000_000.0, "LastModifiedDate": 1_700_000_000.0
        }]})),
        "DescribeIdentityProvider" => ok(json!({"IdentityProvider": {
            "UserPoolId": POOL, "ProviderName": "Google", "ProviderType": "Google",
            "ProviderDetails": {"client_id": "x", "authorize_scopes": "openid"},
            "AttributeMapping": {"username": "sub", "email": "email"},
            "CreationDate": 1_700_000_000.0, "LastModifiedDate": 1_700_000_000.0
        }})),
        other => error(
            "InvalidParameterException",
            &format!("the hostile fake does not answer {other}"),
        ),
    }
}

/// The fake, serving on 127.0.0.1 from its own runtime until dropped.
pub struct HostileCognito {
    _rt: tokio::runtime::Runtime,
    pub url: String,
}

impl HostileCognito {
    pub fn start() -> HostileCognito {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(async move {
            let app = Router::new().fallback(handle);
            let _ = axum::serve(listener, app).await;
        });
        HostileCognito { _rt: rt, url }
    }
}

/// Whether `c` must never reach a terminal raw (as `coglink::domain::sanitize`).
pub fn is_unsafe(c: char) -> bool {
    coglink::domain::sanitize::is_unsafe(c)
}
