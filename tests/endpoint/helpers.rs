//! Shared test helpers: the SDK client builder, a started server, small request builders.

#![allow(dead_code)]

use std::path::Path;

pub use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
pub use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
pub use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, IdentityProviderTypeType, ProviderUserIdentifierType, UserType,
};
pub use coglink::domain::{LinkedIdentity, parse_identities};
pub use coglink::local::{
    ApplyPoint, DEMO_POOL_ID, Fault, LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY,
    LocalError, LocalOptions, LocalServer, Operation, Quota, SYNTHETIC_POOL_ID, ScriptedEffect,
    ScriptedFault, Seed, Simulation, synthetic_username,
};

/// The SDK client every test uses. Retries are off: the standard retry policy resends
/// LimitExceededException (it counts as throttling), which would slow the 5-link tests.
pub async fn client(url: &str) -> Client {
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new(LOCAL_REGION))
        .credentials_provider(Credentials::new(
            LOCAL_ACCESS_KEY_ID,
            LOCAL_SECRET_ACCESS_KEY,
            None,
            None,
            "test",
        ))
        .retry_config(RetryConfig::disabled())
        .load()
        .await;
    Client::new(&conf)
}

pub struct Env {
    pub server: LocalServer,
    pub client: Client,
}

/// An in-memory endpoint.
pub async fn start(seed: Seed) -> Env {
    start_opts(LocalOptions {
        port: 0,
        state_file: None,
        seed,
        simulation: short_pages(),
    })
    .await
}

pub async fn start_with_file(seed: Seed, path: &Path) -> Env {
    start_opts(LocalOptions {
        port: 0,
        state_file: Some(path.to_path_buf()),
        seed,
        simulation: short_pages(),
    })
    .await
}

/// The tests run with ListUsers answering short pages, as Cognito does in production: a
/// client that stops at a short page fails here.
pub const SHORT_PAGES_SEED: u64 = 7;

pub fn short_pages() -> Simulation {
    Simulation {
        short_pages: Some(SHORT_PAGES_SEED),
        ..Simulation::default()
    }
}

pub async fn start_opts(opts: LocalOptions) -> Env {
    let server = LocalServer::start(opts)
        .await
        .expect("local endpoint starts");
    let url = server.endpoint_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let client = client(&url).await;
    Env { server, client }
}

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name is set")
}

pub fn cognito(username: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType::builder()
        .provider_name("Cognito")
        .provider_attribute_value(username)
        .build()
}

pub fn ident(provider: &str, attribute: &str, value: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType::builder()
        .provider_name(provider)
        .provider_attribute_name(attribute)
        .provider_attribute_value(value)
        .build()
}

pub fn google(subject: &str) -> ProviderUserIdentifierType {
    ident("Google", "Cognito_Subject", subject)
}

pub async fn new_pool(client: &Client, name: &str) -> String {
    let out = client
        .create_user_pool()
        .pool_name(name)
        .send()
        .await
        .expect("pool created");
    out.user_pool()
        .and_then(|p| p.id())
        .expect("pool id")
        .to_owned()
}

pub async fn create_user(client: &Client, pool: &str, username: &str, attrs: &[(&str, &str)]) {
    let mut req = client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username);
    for (n, v) in attrs {
        req = req.user_attributes(attr(n, v));
    }
    req.send().await.expect("user created");
}

/// Creates a social provider (details Cognito requires for it).
pub async fn create_social(client: &Client, pool: &str, t: IdentityProviderTypeType) {
    client
        .create_identity_provider()
        .user_pool_id(pool)
        .provider_name(t.as_str())
        .provider_type(t)
        .provider_details("client_id", "id")
        .provider_details("client_secret", "secret")
        .provider_details("authorize_scopes", "openid")
        .send()
        .await
        .expect("provider created");
}

/// Every user of a pool, page by page.
pub async fn all_users(
    client: &Client,
    pool: &str,
    limit: Option<i32>,
    filter: Option<&str>,
) -> Vec<UserType> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_users()
            .user_pool_id(pool)
            .set_limit(limit)
            .set_filter(filter.map(str::to_owned))
            .set_pagination_token(token.take())
            .send()
            .await
            .expect("list users");
        if let Some(l) = limit.filter(|l| *l > 0) {
            assert!(page.users().len() <= l as usize);
        }
        out.extend(page.users().iter().cloned());
        match page.pagination_token() {
            Some(t) => token = Some(t.to_owned()),
            None => return out,
        }
    }
}

pub fn usernames(users: &[UserType]) -> Vec<String> {
    users
        .iter()
        .map(|u| u.username().unwrap_or_default().to_owned())
        .collect()
}

pub fn attribute<'a>(attrs: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
}

/// The parsed `identities` attribute of a user (AdminGetUser).
pub async fn identities(client: &Client, pool: &str, username: &str) -> Vec<LinkedIdentity> {
    let out = client
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .expect("get user");
    attribute(out.user_attributes(), "identities")
        .map(|v| parse_identities(v).expect("identities parse"))
        .unwrap_or_default()
}

/// `(code, message)` of a service error.
pub fn code_message<E: ProvideErrorMetadata>(e: &E) -> (String, String) {
    (
        e.code().unwrap_or_default().to_owned(),
        e.message().unwrap_or_default().to_owned(),
    )
}
