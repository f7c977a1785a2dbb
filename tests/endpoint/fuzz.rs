//! Bounded fuzzing of the endpoint's request decoding over raw HTTP: random targets (valid
//! operation names among them), random JSON of random shapes built from the operations'
//! member names, wrong types, huge numbers, deep nesting, invalid UTF-8, missing and odd
//! headers, and bytes that are not HTTP at all. Every well-framed request gets a well-formed
//! answer (200, or 400/413 with a JSON `__type` body), nothing brings the server down, and
//! it still answers a valid request afterwards.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Number, Value};

use crate::helpers::{DEMO_POOL_ID, Seed, start};

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// Every operation the endpoint implements, and one it does not (`DeleteUserPool`).
const OPS: [&str; 25] = [
    "ListUserPools",
    "DescribeUserPool",
    "CreateUserPool",
    "ListUsers",
    "AdminGetUser",
    "AdminCreateUser",
    "ListIdentityProviders",
    "DescribeIdentityProvider",
    "CreateIdentityProvider",
    "AdminLinkProviderForUser",
    "AdminDisableProviderForUser",
    "AdminDeleteUser",
    "AdminUpdateUserAttributes",
    "AdminDeleteUserAttributes",
    "AdminDisableUser",
    "AdminEnableUser",
    "CreateGroup",
    "GetGroup",
    "ListGroups",
    "DeleteGroup",
    "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup",
    "AdminListGroupsForUser",
    "ListUsersInGroup",
    "DeleteUserPool",
];

const MEMBERS: [&str; 27] = [
    "UserPoolId",
    "Username",
    "Limit",
    "Filter",
    "PaginationToken",
    "AttributesToGet",
    "MaxResults",
    "NextToken",
    "DestinationUser",
    "SourceUser",
    "User",
    "ProviderName",
    "ProviderAttributeName",
    "ProviderAttributeValue",
    "ProviderType",
    "ProviderDetails",
    "AttributeMapping",
    "IdpIdentifiers",
    "UserAttributes",
    "Name",
    "Value",
    "PoolName",
    "GroupName",
    "Description",
    "Precedence",
    "RoleArn",
    "UserAttributeNames",
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(serde_json::from_str("1e308").unwrap()),
        Just(serde_json::from_str("-0").unwrap()),
        Just(Value::from(60)),
        Just(Value::from(0)),
    ]
}

fn string() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(DEMO_POOL_ID)),
        Just(Value::from("Cognito")),
        Just(Value::from("Google")),
        Just(Value::from("Cognito_Subject")),
        Just(Value::from("username ^= \"a\"")),
        "[a-z_0-9\\- =^\"]{0,20}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        (0usize..3000).prop_map(|n| Value::from("x".repeat(n))),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(&MEMBERS[..]).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        string(),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Bodies: JSON objects of members, any JSON, deep nesting, invalid UTF-8, raw bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec((key(), json()), 0..6).prop_map(|kv| {
            Value::Object(kv.into_iter().collect::<Map<_, _>>()).to_string().into_bytes()
        }),
        2 => json().prop_map(|v| v.to_string().into_bytes()),
        1 => (1usize..5000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        1 => (1usize..5000).prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)).into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..200),
        1 => Just(b"{\"UserPoolId\": \"\xff\xfe\"}".to_vec()),
        1 => Just(Vec::new()),
    ]
}

fn target() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        6 => proptest::sample::select(&OPS[..])
            .prop_map(|op| Some(format!("AWSCognitoIdentityProviderService.{op}"))),
        1 => any::<String>().prop_map(Some),
        1 => Just(Some("AWSCognitoIdentityProviderService.".to_owned())),
        1 => Just(None),
    ]
}

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    path: &'static str,
    target: Option<String>,
    auth: Option<String>,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

fn request() -> impl Strategy<Value = Req> {
    (
        prop_oneof![8 => Just("POST"), 1 => Just("GET"), 1 => Just("PUT")],
        prop_oneof![8 => Just("/"), 1 => Just("/x"), 1 => Just("/?a=b")],
        target(),
        prop_oneof![
            6 => Just(Some(AUTH.to_owned())),
            1 => Just(None),
            1 => Just(Some(AUTH.replace("cognito-idp", "s3"))),
            1 => "[ -~]{0,60}".prop_map(Some),
        ],
        prop_oneof![
            4 => Just(Some("application/x-amz-json-1.1")),
            1 => Just(Some("text/plain; charset=ü")),
            1 => Just(None),
        ],
        body(),
    )
        .prop_map(|(method, path, target, auth, content_type, body)| Req {
            method,
            path,
            target,
            auth,
            content_type,
            body,
        })
}

/// Header values go on the wire as bytes: odd ones (non-ASCII, invalid UTF-8 sequences) are
/// kept, but control characters, which HTTP forbids in a header and hyper refuses before any
/// handler runs (a bare 400), are replaced: `bytes_that_are_not_http_...` covers those.
fn header(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend(value.iter().map(|&b| {
        if (b < 0x20 && b != b'\t') || b == 0x7f {
            b'?'
        } else {
            b
        }
    }));
    out.extend_from_slice(b"\r\n");
}

fn wire(req: &Req) -> Vec<u8> {
    let mut out = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        req.method, req.path
    )
    .into_bytes();
    if let Some(t) = &req.target {
        header(&mut out, "X-Amz-Target", t.as_bytes());
    }
    if let Some(a) = &req.auth {
        header(&mut out, "Authorization", a.as_bytes());
    }
    if let Some(c) = req.content_type {
        header(&mut out, "Content-Type", c.as_bytes());
    }
    header(
        &mut out,
        "Content-Length",
        req.body.len().to_string().as_bytes(),
    );
    header(&mut out, "Connection", b"close");
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&req.body);
    out
}

/// Sends raw bytes on a fresh connection and reads until the server closes it. `half_close`
/// ends the sending side first (for bytes that never complete a request; hyper may then
/// give up the connection without answering, as it may for any client that stops sending).
fn exchange(addr: SocketAddr, bytes: &[u8], half_close: bool) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(bytes)?;
    if half_close {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)?;
    Ok(answer)
}

/// Status and body of an HTTP/1.1 answer (`Connection: close`, so the body runs to the end).
fn parse_answer(answer: &[u8]) -> Result<(u16, Value), String> {
    let text = String::from_utf8(answer.to_vec()).map_err(|e| format!("not UTF-8: {e}"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no header end: {text:?}"))?;
    let status: u16 = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line: {head:?}"))?;
    let body: Value =
        serde_json::from_str(body).map_err(|e| format!("body is not JSON ({e}): {body:?}"))?;
    Ok((status, body))
}

fn check(addr: SocketAddr, req: &Req) -> Result<(), TestCaseError> {
    let answer =
        exchange(addr, &wire(req), false).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    let (status, body) = parse_answer(&answer).map_err(TestCaseError::fail)?;
    prop_assert!(
        matches!(status, 200 | 400 | 413),
        "status {} for {:?}: {}",
        status,
        req,
        body
    );
    if status == 200 {
        prop_assert!(body.is_object(), "{}", body);
    } else {
        prop_assert!(
            body["__type"].is_string(),
            "no __type for {:?}: {}",
            req,
            body
        );
        prop_assert!(body["message"].is_string(), "no message: {}", body);
    }
    Ok(())
}

fn valid_request_answers(addr: SocketAddr) {
    let req = Req {
        method: "POST",
        path: "/",
        target: Some("AWSCognitoIdentityProviderService.ListUsers".into()),
        auth: Some(AUTH.into()),
        content_type: Some("application/x-amz-json-1.1"),
        body: format!("{{\"UserPoolId\":\"{DEMO_POOL_ID}\",\"Limit\":2}}").into_bytes(),
    };
    let (status, body) = parse_answer(&exchange(addr, &wire(&req), false).unwrap()).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Users"].as_array().map(Vec::len), Some(2), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_requests_get_well_formed_answers_and_the_server_survives() {
    let env = start(Seed::Demo).await;
    let addr = env.server.addr();
    tokio::task::spawn_blocking(move || {
        let mut runner = TestRunner::new(Config {
            cases: 400,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&request(), |req| check(addr, &req))
            .unwrap_or_else(|e| panic!("{e}"));
        valid_request_answers(addr);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_that_are_not_http_never_bring_the_server_down() {
    let env = start(Seed::Demo).await;
    let addr = env.server.addr();
    tokio::task::spawn_blocking(move || {
        let mut runner = TestRunner::new(Config {
            cases: 150,
            failure_persistence: None,
            ..Config::default()
        });
        let garbage = prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..400),
            // A request line, then anything.
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(|tail| {
                let mut v = b"POST / HTTP/1.1\r\n".to_vec();
                v.extend(tail);
                v
            }),
            // A declared length that the body never reaches (the client then closes).
            (0u64..u64::MAX).prop_map(|n| {
                format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {n}\r\n\r\n{{").into_bytes()
            }),
        ];
        runner
            .run(&garbage, |bytes| {
                // Anything it answers is an HTTP status line (often it just closes).
                if let Ok(answer) = exchange(addr, &bytes, true)
                    && !answer.is_empty()
                {
                    prop_assert!(
                        answer.starts_with(b"HTTP/1.1 "),
                        "{:?}",
                        String::from_utf8_lossy(&answer)
                    );
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        valid_request_answers(addr);
    })
    .await
    .unwrap();
}
