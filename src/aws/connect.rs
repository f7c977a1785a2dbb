//! Building the SDK client from `--profile`, `--region`, `--endpoint-url` and the default chain.

use aws_config::BehaviorVersion;
use aws_sdk_cognitoidentityprovider::config::{Credentials, Region};
use aws_sdk_cognitoidentityprovider::{Client, Config};

/// How to reach Cognito. Everything left `None` comes from aws-config's default chain
/// (environment, shared config/credentials files, SSO, credential_process, IMDS).
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Static credentials instead of the chain (the embedded local endpoint).
    pub static_credentials: Option<(String, String)>,
    /// Shown instead of the endpoint URL in headers, e.g. "local".
    pub label: Option<String>,
}

/// Where to connect, as the options ask, before anything is opened: what every front-end
/// passes down instead of the command-line types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetSpec {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// The embedded local endpoint (`--local`), on `local_state` (default: the data dir's).
    pub local: bool,
    pub local_state: Option<std::path::PathBuf>,
}

impl TargetSpec {
    /// The AWS profile named for this target: `--profile`, else AWS_PROFILE; none for
    /// `--local`, which uses no profile.
    pub fn named_profile(&self) -> Option<String> {
        self.profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .filter(|_| !self.local)
    }
}

/// What a connection points at, for headers, the journal and error hints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub label: Option<String>,
}

impl Target {
    /// One line for a header: `profile prod · eu-west-1` or `local http://127.0.0.1:4566 · us-east-1`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (&self.label, &self.profile) {
            (Some(label), _) => parts.push(label.clone()),
            (None, Some(p)) => parts.push(format!("profile {p}")),
            (None, None) => parts.push("default credentials".into()),
        }
        if let Some(url) = &self.endpoint_url {
            parts.push(url.clone());
        }
        parts.push(self.region.clone().unwrap_or_else(|| "no region".into()));
        parts.join(" · ")
    }
}

/// A ready client and what it points at.
#[derive(Clone, Debug)]
pub struct Connection {
    pub client: Client,
    pub target: Target,
}

/// Whether `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are both set (and not empty), as
/// the default chain's environment provider requires.
fn environment_has_keys() -> bool {
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        .iter()
        .all(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
}

impl Connection {
    /// Loads configuration. Credentials resolve lazily: an expired SSO session or missing
    /// credentials surface on the first call, classified by [`crate::aws::Failure`].
    pub async fn open(opts: &ConnectOptions) -> Connection {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &opts.profile {
            loader = loader.profile_name(profile);
        }
        // Without --region the loader's own chain applies: AWS_REGION, then the selected
        // profile's region, then IMDS.
        if let Some(region) = &opts.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some((key, secret)) = &opts.static_credentials {
            loader = loader.credentials_provider(Credentials::new(
                key,
                secret,
                None,
                None,
                "coglink-local",
            ));
        } else if opts.profile.is_none() && environment_has_keys() {
            // What the default chain would pick first. Building the chain would also build
            // its web-identity provider's STS client, which loads the system's root
            // certificates: about 15 ms of every start, for a provider never asked.
            loader = loader.credentials_provider(
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            );
        }
        let shared = loader.load().await;
        let region = shared.region().map(|r| r.to_string());
        let mut config = Config::from(&shared).to_builder();
        if opts.endpoint_url.as_deref().is_some_and(|url| {
            url.get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        }) {
            // A plain-HTTP endpoint (the local one, a test double) needs no TLS: this client
            // skips loading the system's root certificates, about 15 ms of every start. The
            // credential providers keep the default HTTPS client (SSO calls AWS over TLS).
            config = config.http_client(aws_smithy_http_client::Builder::new().build_http());
        }
        let config = config.build();
        Connection {
            client: Client::from_conf(config),
            target: Target {
                profile: opts.profile.clone(),
                region,
                endpoint_url: opts.endpoint_url.clone(),
                label: opts.label.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_descriptions() {
        let t = Target {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            endpoint_url: None,
            label: None,
        };
        assert_eq!(t.describe(), "profile prod · eu-west-1");
        let t = Target {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            label: Some("local".into()),
        };
        assert_eq!(t.describe(), "local · http://127.0.0.1:9 · us-east-1");
        let t = Target {
            profile: None,
            region: None,
            endpoint_url: None,
            label: None,
        };
        assert_eq!(t.describe(), "default credentials · no region");
    }

    #[tokio::test]
    async fn explicit_options_win() {
        let conn = Connection::open(&ConnectOptions {
            region: Some("ap-south-1".into()),
            endpoint_url: Some("http://127.0.0.1:1".into()),
            static_credentials: Some(("AKID".into(), "SECRET".into())),
            ..Default::default()
        })
        .await;
        assert_eq!(conn.target.region.as_deref(), Some("ap-south-1"));
        assert_eq!(
            conn.client.config().region().map(|r| r.as_ref()),
            Some("ap-south-1")
        );
    }
}
