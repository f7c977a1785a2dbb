//! The Cognito calls coglink makes, returning domain types and classified failures.
//! Shared by the headless commands and the TUI worker.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::types::UserPoolType;

use super::connect::Target;
use super::convert;
use super::failure::Failure;
use super::retry::change_override;
use crate::domain::provider::{destination_username, federated_username, split_federated_username};
use crate::domain::{
    DestinationFacts, ErrorKind, IdentityProviderInfo, Known, LinkContext, LinkRequest,
    UnlinkRequest, UserRecord, check_username,
};

/// Largest page ListUsers returns.
pub const MAX_PAGE: i32 = 60;

/// A user pool with the figures the picker shows.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolSummary {
    pub id: String,
    pub name: String,
    pub estimated_users: Option<i32>,
    pub created: Option<f64>,
}

/// One page of ListUsers.
#[derive(Clone, Debug, PartialEq)]
pub struct UsersPage {
    pub users: Vec<UserRecord>,
    pub next_token: Option<String>,
}

/// Cognito calls bound to one client and target (for failure hints).
#[derive(Clone, Debug)]
pub struct Ops {
    pub client: Client,
    pub target: Target,
}

impl Ops {
    pub fn new(client: Client, target: Target) -> Self {
        Ops { client, target }
    }

    pub(super) fn fail<E>(
        &self,
        err: aws_sdk_cognitoidentityprovider::error::SdkError<
            E,
            aws_smithy_runtime_api::http::Response,
        >,
    ) -> Failure
    where
        E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata
            + std::error::Error
            + 'static,
    {
        let f = Failure::from_sdk(&err, &self.target);
        tracing::debug!(code = ?f.code, kind = ?f.kind, "cognito call failed: {}", f.message);
        f
    }

    /// Every pool (all pages), each described for its estimated user count.
    pub async fn list_pools(&self) -> Result<Vec<PoolSummary>, Failure> {
        let mut pools = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .client
                .list_user_pools()
                .max_results(60)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.fail(e))?;
            for p in out.user_pools() {
                pools.push(PoolSummary {
                    id: p.id().unwrap_or_default().to_owned(),
                    name: p.name().unwrap_or_default().to_owned(),
                    estimated_users: None,
                    created: p.creation_date().map(|d| d.as_secs_f64()),
                });
            }
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        for pool in &mut pools {
            pool.estimated_users = self.estimated_users(&pool.id).await?;
        }
        Ok(pools)
    }

    /// DescribeUserPool: the pool (`None` when the answer holds none).
    pub(super) async fn describe_pool(
        &self,
        pool_id: &str,
    ) -> Result<Option<UserPoolType>, Failure> {
        let out = self
            .client
            .describe_user_pool()
            .user_pool_id(pool_id)
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(out.user_pool)
    }

    /// DescribeUserPool's EstimatedNumberOfUsers.
    pub async fn estimated_users(&self, pool_id: &str) -> Result<Option<i32>, Failure> {
        let pool = self.describe_pool(pool_id).await?;
        Ok(pool.map(|p| p.estimated_number_of_users()))
    }

    /// The pool's attributes that cannot be changed once set (`Mutable: false` in its
    /// schema, e.g. `sub`): an identity provider mapping one makes its sign-ins fail.
    pub async fn immutable_attributes(&self, pool_id: &str) -> Result<Vec<String>, Failure> {
        let pool = self.describe_pool(pool_id).await?;
        Ok(pool
            .map(|p| {
                p.schema_attributes()
                    .iter()
                    .filter(|a| a.mutable() == Some(false))
                    .filter_map(|a| a.name().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// One ListUsers page, with the SDK's standard retries.
    pub async fn list_users_page(
        &self,
        pool_id: &str,
        filter: Option<&str>,
        token: Option<String>,
        limit: i32,
    ) -> Result<UsersPage, Failure> {
        self.list_users_page_with(pool_id, filter, token, limit, true)
            .await
    }

    /// One ListUsers page; with `sdk_retries` off the caller paces and retries itself
    /// (see `listing.rs`), so throttling reaches its rate limiter at once.
    pub async fn list_users_page_with(
        &self,
        pool_id: &str,
        filter: Option<&str>,
        token: Option<String>,
        limit: i32,
        sdk_retries: bool,
    ) -> Result<UsersPage, Failure> {
        let mut call = self
            .client
            .list_users()
            .user_pool_id(pool_id)
            .limit(limit)
            .set_filter(filter.filter(|f| !f.is_empty()).map(str::to_owned))
            .set_pagination_token(token)
            .customize();
        if !sdk_retries {
            call = call.config_override(
                aws_sdk_cognitoidentityprovider::Config::builder()
                    .retry_config(RetryConfig::disabled()),
            );
        }
        let out = call.send().await.map_err(|e| self.fail(e))?;
        Ok(UsersPage {
            users: out.users().iter().map(convert::user_from_list).collect(),
            next_token: out.pagination_token().map(str::to_owned),
        })
    }

    /// AdminGetUser; `Ok(None)` when the user does not exist.
    pub async fn get_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Option<UserRecord>, Failure> {
        match self
            .client
            .admin_get_user()
            .user_pool_id(pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(out) => Ok(Some(convert::user_from_get(&out))),
            Err(e) => {
                let f = self.fail(e);
                if f.service_kind() == Some(ErrorKind::UserNotFound) {
                    Ok(None)
                } else {
                    Err(f)
                }
            }
        }
    }

    /// The pool's identity providers with their attribute mappings (List, then Describe each).
    pub async fn list_providers(
        &self,
        pool_id: &str,
    ) -> Result<Vec<IdentityProviderInfo>, Failure> {
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .client
                .list_identity_providers()
                .user_pool_id(pool_id)
                .max_results(60)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.fail(e))?;
            names.extend(
                out.providers()
                    .iter()
                    .filter_map(|p| p.provider_name().map(str::to_owned)),
            );
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        let mut providers = Vec::with_capacity(names.len());
        for name in names {
            let out = self
                .client
                .describe_identity_provider()
                .user_pool_id(pool_id)
                .provider_name(&name)
                .send()
                .await
                .map_err(|e| self.fail(e))?;
            providers.extend(out.identity_provider().and_then(convert::provider_info));
        }
        Ok(providers)
    }

    /// The user a link identifier names: `Cognito` + username, or a federated user
    /// `<Provider>_<value>`.
    pub async fn find_destination(
        &self,
        pool_id: &str,
        provider_name: &str,
        value: &str,
    ) -> Result<Option<UserRecord>, Failure> {
        self.get_user(pool_id, &destination_username(provider_name, value))
            .await
    }

    /// Reads what the link rules need: providers, destination, and whether the source already
    /// signed in as its own user. Whether the source is linked to some other user cannot be
    /// read without scanning the pool, so it stays unknown unless `linked_to` is given.
    pub async fn link_facts(
        &self,
        req: &LinkRequest,
        linked_to: Known<String>,
    ) -> Result<LinkFacts, Failure> {
        let pool = req.pool_id();
        let providers = self.list_providers(pool).await?;
        let dest = req.destination();
        let destination = self
            .find_destination(pool, dest.name(), dest.value())
            .await?;
        let source = req.source();
        let source_username = federated_username(source.name(), source.value());
        let source_as_user = if source.name().is_empty() || source.value().is_empty() {
            Known::Unknown
        } else if check_username(&source_username).is_some() {
            // No user can have a name outside the username pattern (e.g. a SAML email
            // holding a space): the source cannot have signed in as its own user.
            Known::Absent
        } else {
            match self.get_user(pool, &source_username).await? {
                Some(u) => Known::Present(u.username().to_owned()),
                None => Known::Absent,
            }
        };
        Ok(LinkFacts {
            providers,
            destination,
            source_as_user,
            source_linked_to: linked_to,
        })
    }

    /// AdminLinkProviderForUser, never resent except when throttled (see `retry.rs`).
    pub async fn link(&self, req: &LinkRequest) -> Result<(), Failure> {
        self.client
            .admin_link_provider_for_user()
            .set_user_pool_id(req.user_pool_id.clone())
            .set_destination_user(req.destination_user.as_ref().map(convert::identifier))
            .set_source_user(req.source_user.as_ref().map(convert::identifier))
            .customize()
            .config_override(change_override())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// AdminDisableProviderForUser, never resent except when throttled.
    pub async fn unlink(&self, req: &UnlinkRequest) -> Result<(), Failure> {
        self.client
            .admin_disable_provider_for_user()
            .set_user_pool_id(req.user_pool_id.clone())
            .set_user(req.user.as_ref().map(convert::identifier))
            .customize()
            .config_override(change_override())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }
}

/// Facts read before a link, turned into a [`LinkContext`] for the rules.
#[derive(Clone, Debug)]
pub struct LinkFacts {
    pub providers: Vec<IdentityProviderInfo>,
    pub destination: Option<UserRecord>,
    pub source_as_user: Known<String>,
    pub source_linked_to: Known<String>,
}

impl LinkFacts {
    pub fn context(&self) -> LinkContext<'_> {
        LinkContext {
            pool_exists: Some(true),
            providers: Some(&self.providers),
            destination: match &self.destination {
                Some(u) => Known::Present(DestinationFacts {
                    username: u.username().to_owned(),
                    link_count: u.link_count(),
                }),
                None => Known::Absent,
            },
            source_as_user: self.source_as_user.clone(),
            source_linked_to: self.source_linked_to.clone(),
            source_attribute_names: None,
        }
    }
}

/// The provider and subject a federated username stands for, given the pool's providers.
pub fn federated_identity<'a>(
    username: &'a str,
    providers: &'a [IdentityProviderInfo],
) -> Option<(&'a str, &'a str)> {
    split_federated_username(username, providers.iter().map(|p| p.name.as_str()))
}
