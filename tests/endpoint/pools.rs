//! User pools and identity providers.

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::operation::create_identity_provider::CreateIdentityProviderError;
use aws_sdk_cognitoidentityprovider::operation::describe_identity_provider::DescribeIdentityProviderError;
use aws_sdk_cognitoidentityprovider::operation::describe_user_pool::DescribeUserPoolError;
use aws_sdk_cognitoidentityprovider::operation::list_user_pools::ListUserPoolsError;

use crate::helpers::*;

#[tokio::test]
async fn list_describe_and_create_pools() {
    let env = start(Seed::Demo).await;
    let c = &env.client;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(new_pool(c, &format!("pool-{i}")).await);
    }
    let re = regex::Regex::new(r"^us-east-1_[0-9a-zA-Z]{9}$").unwrap();
    assert!(created.iter().all(|id| re.is_match(id)), "{created:?}");
    // Page through 7 pools two at a time.
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .list_user_pools()
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(out.user_pools().len() <= 2);
        ids.extend(out.user_pools().iter().map(|p| p.id().unwrap().to_owned()));
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 7);
    assert!(unique.contains(&DEMO_POOL_ID.to_owned()));
    for bad in [0, 61] {
        let err = c
            .list_user_pools()
            .max_results(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(matches!(
            err,
            ListUserPoolsError::InvalidParameterException(_)
        ));
        assert!(code_message(&err).1.contains("at 'maxResults'"));
    }
    let out = c
        .describe_user_pool()
        .user_pool_id(DEMO_POOL_ID)
        .send()
        .await
        .unwrap();
    let p = out.user_pool().unwrap();
    assert_eq!(p.name(), Some("acme-customers"));
    assert_eq!(
        p.arn(),
        Some("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_DemoPool1")
    );
    let users = all_users(c, DEMO_POOL_ID, Some(60), None).await;
    assert_eq!(p.estimated_number_of_users() as usize, users.len());
    assert_eq!(
        p.username_configuration().map(|u| u.case_sensitive()),
        Some(false)
    );
    assert!(
        p.schema_attributes()
            .iter()
            .any(|a| a.name() == Some("sub"))
    );
    assert!(p.creation_date().is_some() && p.last_modified_date().is_some());
    let err = c
        .describe_user_pool()
        .user_pool_id("us-east-1_Nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let DescribeUserPoolError::ResourceNotFoundException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some("User pool us-east-1_Nope does not exist.")
    );
}

#[tokio::test]
async fn identity_providers_list_describe_and_create_rules() {
    let env = start(Seed::Demo).await;
    let c = &env.client;
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .list_identity_providers()
            .user_pool_id(DEMO_POOL_ID)
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        names.extend(
            out.providers()
                .iter()
                .map(|p| p.provider_name().unwrap().to_owned()),
        );
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let set: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(set.len(), names.len());
    for n in [
        "Google",
        "Facebook",
        "LoginWithAmazon",
        "SignInWithApple",
        "CorpSAML",
        "PartnerSAML",
        "Okta",
        "Auth0",
    ] {
        assert!(set.contains(n), "{n}");
    }
    let okta = c
        .describe_identity_provider()
        .user_pool_id(DEMO_POOL_ID)
        .provider_name("Okta")
        .send()
        .await
        .unwrap();
    let okta = okta.identity_provider().unwrap();
    assert_eq!(okta.provider_type(), Some(&IdentityProviderTypeType::Oidc));
    assert_eq!(
        okta.attribute_mapping()
            .unwrap()
            .get("email")
            .map(String::as_str),
        Some("email")
    );
    assert!(okta.provider_details().unwrap().contains_key("oidc_issuer"));
    let err = c
        .describe_identity_provider()
        .user_pool_id(DEMO_POOL_ID)
        .provider_name("Nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(
        err,
        DescribeIdentityProviderError::ResourceNotFoundException(_)
    ));

    let create = |name: &str, t: IdentityProviderTypeType| {
        c.create_identity_provider()
            .user_pool_id(DEMO_POOL_ID)
            .provider_name(name)
            .provider_type(t)
            .provider_details("client_id", "a")
            .provider_details("client_secret", "b")
            .provider_details("authorize_scopes", "openid")
    };
    // Social providers are named as their type.
    let err = create("MyGoogle", IdentityProviderTypeType::Google)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let CreateIdentityProviderError::InvalidParameterException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some("Provider MyGoogle cannot be of type Google.")
    );
    let err = create("Google", IdentityProviderTypeType::Google)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            CreateIdentityProviderError::DuplicateProviderException(_)
        ),
        "{err:?}"
    );
    let err = create("_bad", IdentityProviderTypeType::Oidc)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(code_message(&err).1.contains("at 'providerName' failed to satisfy constraint: Member must satisfy regular expression pattern"));
    let err = c
        .create_identity_provider()
        .user_pool_id("us-east-1_DemoPool2")
        .provider_name("Google")
        .provider_type(IdentityProviderTypeType::Google)
        .provider_details("client_id", "a")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        code_message(&err).1,
        "client_id, client_secret and authorize_scopes are all required idp details"
    );
    let out = create("Partner2", IdentityProviderTypeType::Oidc)
        .attribute_mapping("email", "mail")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.identity_provider().unwrap().provider_name(),
        Some("Partner2")
    );
}
