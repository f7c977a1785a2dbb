//! The wire protocol, with raw HTTP/1.1 over a `TcpStream` for what the SDK never sends.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::helpers::*;

const SIGNED: &str = "AWS4-HMAC-SHA256 Credential=AKIACOGLINKLOCAL0001/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: serde_json::Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn error_type(&self) -> &str {
        self.body["__type"].as_str().unwrap_or_default()
    }
}

/// Sends raw request bytes and reads the whole reply (the request asks to close).
fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n").expect("a full HTTP reply");
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

fn post(target: Option<&str>, auth: Option<&str>, body: &str) -> Vec<u8> {
    let mut req = String::from("POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    req.push_str("Content-Type: application/x-amz-json-1.1\r\n");
    if let Some(t) = target {
        req.push_str(&format!("X-Amz-Target: {t}\r\n"));
    }
    if let Some(a) = auth {
        req.push_str(&format!("Authorization: {a}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    req.into_bytes()
}

const LIST_POOLS: &str = "AWSCognitoIdentityProviderService.ListUserPools";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clean_errors_and_the_server_keeps_answering() {
    let env = start(Seed::Demo).await;
    let addr = env.server.addr();
    assert!(addr.ip().is_loopback());
    let cases: Vec<(Vec<u8>, &str)> = vec![
        // Unsigned.
        (
            post(Some(LIST_POOLS), None, r#"{"MaxResults":10}"#),
            "MissingAuthenticationTokenException",
        ),
        // Signed for another service / not SigV4.
        (
            post(
                Some(LIST_POOLS),
                Some(&SIGNED.replace("cognito-idp", "s3")),
                r#"{"MaxResults":10}"#,
            ),
            "NotAuthorizedException",
        ),
        (
            post(Some(LIST_POOLS), Some("Basic dXNlcjpwdw=="), "{}"),
            "NotAuthorizedException",
        ),
        // Malformed JSON, not an object, wrong member type.
        (
            post(Some(LIST_POOLS), Some(SIGNED), r#"{"MaxResults":"#),
            "SerializationException",
        ),
        (
            post(Some(LIST_POOLS), Some(SIGNED), "[1,2]"),
            "SerializationException",
        ),
        (
            post(Some(LIST_POOLS), Some(SIGNED), r#"{"MaxResults":"ten"}"#),
            "SerializationException",
        ),
        (
            post(
                Some("AWSCognitoIdentityProviderService.AdminLinkProviderForUser"),
                Some(SIGNED),
                r#"{"UserPoolId":"x","DestinationUser":{"Value":"x"},"SourceUser":{}}"#,
            ),
            "SerializationException",
        ),
        // Unknown or missing target.
        (
            post(
                Some("AWSCognitoIdentityProviderService.DeleteUserPool"),
                Some(SIGNED),
                "{}",
            ),
            "UnknownOperationException",
        ),
        (
            post(Some("DynamoDB_20120810.ListTables"), Some(SIGNED), "{}"),
            "UnknownOperationException",
        ),
        (post(None, Some(SIGNED), "{}"), "UnknownOperationException"),
        // Not POST /.
        (
            format!("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {SIGNED}\r\n\r\n").into_bytes(),
            "UnknownOperationException",
        ),
        (
            format!("POST /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: {SIGNED}\r\nContent-Length: 2\r\n\r\n{{}}").into_bytes(),
            "UnknownOperationException",
        ),
        // Missing required member: model validation.
        (
            post(Some(LIST_POOLS), Some(SIGNED), "{}"),
            "InvalidParameterException",
        ),
    ];
    for (req, want) in cases {
        let r = tokio::task::spawn_blocking(move || raw(addr, &req))
            .await
            .unwrap();
        assert_eq!(r.status, 400, "{want}: {:?}", r.body);
        assert_eq!(r.error_type(), want, "{:?}", r.body);
        assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(
            r.header("x-amzn-ErrorType"),
            Some(format!("{want}:").as_str())
        );
        assert!(r.header("x-amzn-ErrorMessage").is_some());
        assert!(r.header("x-amzn-RequestId").is_some_and(|v| v.len() == 36));
    }
    // The required-member message names the member.
    let r =
        tokio::task::spawn_blocking(move || raw(addr, &post(Some(LIST_POOLS), Some(SIGNED), "{}")))
            .await
            .unwrap();
    assert_eq!(
        r.body["message"],
        "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null"
    );
    // A signed, well-formed request succeeds with the JSON content type and a request id.
    let r = tokio::task::spawn_blocking(move || {
        raw(
            addr,
            &post(Some(LIST_POOLS), Some(SIGNED), r#"{"MaxResults":10}"#),
        )
    })
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
    assert!(r.header("x-amzn-RequestId").is_some());
    assert_eq!(r.body["UserPools"].as_array().unwrap().len(), 2);
    // The SDK still works after all that.
    let out = env
        .client
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert_eq!(out.user_pools().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused_cleanly() {
    let env = start(Seed::Empty).await;
    let addr = env.server.addr();
    // Declared too large: answered without reading the body.
    let head = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Amz-Target: {LIST_POOLS}\r\nAuthorization: {SIGNED}\r\nContent-Length: 5000000\r\n\r\n"
    );
    let r = tokio::task::spawn_blocking(move || raw(addr, head.as_bytes()))
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(r.error_type(), "SerializationException");
    assert_eq!(
        r.body["message"],
        "Request body is larger than the 1048576-byte limit."
    );
    // Through the SDK: a 2 MiB attribute value.
    let pool = new_pool(&env.client, "big").await;
    let err = env
        .client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("big")
        .user_attributes(attr("name", &"x".repeat(2 << 20)))
        .send()
        .await
        .unwrap_err();
    // Either the error reply or a connection reset (the server stops reading); never a hang.
    if let Some(se) = err.as_service_error() {
        assert_eq!(se.code(), Some("SerializationException"));
    }
    // And the server still answers.
    create_user(&env.client, &pool, "small", &[]).await;
    let out = env
        .client
        .admin_get_user()
        .user_pool_id(&pool)
        .username("small")
        .send()
        .await
        .unwrap();
    assert_eq!(out.username(), "small");
}

/// The endpoint listens on 127.0.0.1 only: its address is loopback, and the same port on
/// the machine's other addresses (the one it would use to reach outside) refuses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_listens_on_loopback_only() {
    let env = start(Seed::Empty).await;
    let addr = env.server.addr();
    assert_eq!(addr.ip(), std::net::Ipv4Addr::LOCALHOST);
    // The interface address a packet to a public address would leave from (UDP connect
    // sends nothing). Without any network, only loopback exists and there is nothing more.
    let outward = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip());
    if let Ok(ip) = outward
        && !ip.is_loopback()
        && !ip.is_unspecified()
    {
        let reached =
            TcpStream::connect_timeout(&SocketAddr::new(ip, addr.port()), Duration::from_secs(2));
        assert!(reached.is_err(), "reached the endpoint on {ip}");
    }
    // And it does answer on loopback.
    let reply = raw(
        addr,
        &post(Some(LIST_POOLS), Some(SIGNED), r#"{"MaxResults":1}"#),
    );
    assert_eq!(reply.status, 200);
}

/// coglink's own operation answers in its own namespace only: under Cognito's it is an
/// unknown operation, so no Cognito client can reach it by accident.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_operation_is_in_coglinks_namespace_only() {
    let env = start(Seed::Demo).await;
    let addr = env.server.addr();
    let body = r#"{"UserPoolId":"us-east-1_DemoPool1","ProviderName":"Google","Subject":"wire-1"}"#;
    let cognito = raw(
        addr,
        &post(
            Some("AWSCognitoIdentityProviderService.SignInFederated"),
            Some(SIGNED),
            body,
        ),
    );
    assert_eq!(
        cognito.error_type(),
        "UnknownOperationException",
        "{:?}",
        cognito.body
    );
    let local = raw(
        addr,
        &post(Some("CoglinkLocal.SignInFederated"), Some(SIGNED), body),
    );
    assert_eq!(local.status, 200, "{:?}", local.body);
    assert_eq!(local.body["Username"], "Google_wire-1");
    assert_eq!(local.body["Created"], true);
    // Cognito's operations are not in coglink's namespace.
    let other = raw(
        addr,
        &post(Some("CoglinkLocal.ListUserPools"), Some(SIGNED), "{}"),
    );
    assert_eq!(other.error_type(), "UnknownOperationException");
}
