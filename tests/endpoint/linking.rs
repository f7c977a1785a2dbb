//! AdminLinkProviderForUser / AdminDisableProviderForUser: every rule, with the SDK's modeled
//! error variant and the exact message.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider::operation::admin_disable_provider_for_user::AdminDisableProviderForUserError as UnlinkError;
use aws_sdk_cognitoidentityprovider::operation::admin_link_provider_for_user::AdminLinkProviderForUserError as LinkError;
use coglink::domain::cognito_error::link_messages;

use crate::helpers::*;

const MERGING: &str = "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link";
const COGNITO_SOURCE: &str = "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser";
const NOT_LINKED: &str =
    "Account isn't linked to anyone else, verify that the account has been linked";

struct Fixture {
    env: Env,
    pool: String,
}

/// A pool with Google, Facebook, a SAML provider mapping `email`, an OIDC provider, native
/// users `diego` and `maria`, and federated users `Google_222` and `Facebook_333`.
async fn fixture() -> Fixture {
    let env = start(Seed::Empty).await;
    let c = &env.client;
    let pool = new_pool(c, "linking").await;
    create_social(c, &pool, IdentityProviderTypeType::Google).await;
    create_social(c, &pool, IdentityProviderTypeType::Facebook).await;
    c.create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("CorpSAML")
        .provider_type(IdentityProviderTypeType::Saml)
        .provider_details(
            "MetadataFile",
            r#"<md:EntityDescriptor entityID="http://corp.example.com/idp"/>"#,
        )
        .attribute_mapping("email", "http://schemas.xmlsoap.org/claims/email")
        .send()
        .await
        .unwrap();
    c.create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Okta")
        .provider_type(IdentityProviderTypeType::Oidc)
        .provider_details("oidc_issuer", "https://acme.okta.com")
        .provider_details("client_id", "x")
        .send()
        .await
        .unwrap();
    for u in ["diego", "maria", "Google_222", "Facebook_333"] {
        create_user(c, &pool, u, &[]).await;
    }
    Fixture { env, pool }
}

impl Fixture {
    async fn link(
        &self,
        dest: ProviderUserIdentifierType,
        source: ProviderUserIdentifierType,
    ) -> Result<(), LinkError> {
        self.env
            .client
            .admin_link_provider_for_user()
            .user_pool_id(&self.pool)
            .destination_user(dest)
            .source_user(source)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| e.into_service_error())
    }

    async fn unlink(&self, user: ProviderUserIdentifierType) -> Result<(), UnlinkError> {
        self.env
            .client
            .admin_disable_provider_for_user()
            .user_pool_id(&self.pool)
            .user(user)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| e.into_service_error())
    }

    async fn ids(&self, username: &str) -> Vec<LinkedIdentity> {
        identities(&self.env.client, &self.pool, username).await
    }
}

fn invalid_param(err: LinkError) -> String {
    match err {
        LinkError::InvalidParameterException(e) => e.message().unwrap_or_default().to_owned(),
        other => panic!("expected InvalidParameterException, got {other:?}"),
    }
}

#[tokio::test]
async fn link_appends_the_identity_and_unlink_removes_it() {
    let f = fixture().await;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    f.link(cognito("diego"), google("111")).await.unwrap();
    let ids = f.ids("diego").await;
    assert_eq!(ids.len(), 1);
    let id = &ids[0];
    assert_eq!(id.user_id, "111");
    assert_eq!(id.provider_name, "Google");
    assert_eq!(id.provider_type, "Google");
    assert_eq!(id.issuer, None);
    assert!(!id.primary);
    assert!(
        (id.date_created - now_ms).abs() < 10_000,
        "{}",
        id.date_created
    );
    // The raw attribute is Cognito's compact JSON with `"issuer":null`.
    let got = f
        .env
        .client
        .admin_get_user()
        .user_pool_id(&f.pool)
        .username("diego")
        .send()
        .await
        .unwrap();
    let raw = attribute(got.user_attributes(), "identities").unwrap();
    assert!(
        raw.starts_with(r#"[{"userId":"111","providerName":"Google","providerType":"Google","issuer":null,"primary":false,"dateCreated":"#),
        "{raw}"
    );
    // Case-insensitive destination username in a default pool.
    f.link(cognito("DIEGO"), ident("Okta", "Cognito_Subject", "00uabc"))
        .await
        .unwrap();
    let ids = f.ids("diego").await;
    assert_eq!(ids.len(), 2);
    // OIDC entries carry no issuer (cognito-fidelity (b)8).
    assert_eq!(ids[1].issuer, None);
    assert_eq!(ids[1].provider_type, "OIDC");

    f.unlink(google("111")).await.unwrap();
    let ids = f.ids("diego").await;
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].provider_name, "Okta");
    f.unlink(ident("Okta", "Cognito_Subject", "00uabc"))
        .await
        .unwrap();
    // The attribute is removed once empty.
    let got = f
        .env
        .client
        .admin_get_user()
        .user_pool_id(&f.pool)
        .username("diego")
        .send()
        .await
        .unwrap();
    assert_eq!(attribute(got.user_attributes(), "identities"), None);
    // Unlinked: the identity can be linked again, to another user.
    f.link(cognito("maria"), google("111")).await.unwrap();
    assert_eq!(f.ids("maria").await.len(), 1);
}

#[tokio::test]
async fn saml_links_by_any_claim_and_unlinks_only_by_the_link_time_attribute() {
    let f = fixture().await;
    // A claim the IdP does not map is accepted, as Cognito does (cognito-fidelity (c)).
    f.link(cognito("maria"), ident("CorpSAML", "employeeNumber", "E-1"))
        .await
        .unwrap();
    assert_eq!(f.ids("maria").await[0].user_id, "E-1");
    f.link(
        cognito("diego"),
        ident("CorpSAML", "email", "diego@corp.example.com"),
    )
    .await
    .unwrap();
    let ids = f.ids("diego").await;
    assert_eq!(ids[0].provider_type, "SAML");
    assert_eq!(
        ids[0].issuer.as_deref(),
        Some("http://corp.example.com/idp")
    );
    // Another attribute name than the one used at link time (or Cognito_Subject) is refused.
    let err = f
        .unlink(ident("CorpSAML", "name", "diego@corp.example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, UnlinkError::InvalidParameterException(_)),
        "{err:?}"
    );
    assert_eq!(code_message(&err).1, NOT_LINKED);
    f.unlink(ident("CorpSAML", "email", "diego@corp.example.com"))
        .await
        .unwrap();
    f.link(
        cognito("diego"),
        ident("CorpSAML", "email", "diego@corp.example.com"),
    )
    .await
    .unwrap();
    // Before the identity signs in, Cognito_Subject does not name an identity linked by
    // `email` (cognito-fidelity (b)1): refused, still linked.
    let err = f
        .unlink(ident(
            "CorpSAML",
            "Cognito_Subject",
            "diego@corp.example.com",
        ))
        .await
        .unwrap_err();
    assert_eq!(code_message(&err).1, NOT_LINKED);
    assert_eq!(f.ids("diego").await.len(), 1);
    f.unlink(ident("CorpSAML", "email", "diego@corp.example.com"))
        .await
        .unwrap();
    assert!(f.ids("diego").await.is_empty());
    // The unmapped claim unlinks by its own name only, too.
    let err = f
        .unlink(ident("CorpSAML", "Cognito_Subject", "E-1"))
        .await
        .unwrap_err();
    assert_eq!(code_message(&err).1, NOT_LINKED);
    f.unlink(ident("CorpSAML", "employeeNumber", "E-1"))
        .await
        .unwrap();
    assert!(f.ids("maria").await.is_empty());
}

#[tokio::test]
async fn a_source_over_128_characters_and_a_sixth_claim_name_per_idp_are_refused() {
    let f = fixture().await;
    // "CorpSAML" + "email" + 116 characters = 129.
    let long = format!("{}@corp.example.com", "a".repeat(116 - 17));
    let err = f
        .link(cognito("diego"), ident("CorpSAML", "email", &long))
        .await
        .unwrap_err();
    assert_eq!(
        invalid_param(err),
        link_messages::source_too_long(coglink::domain::MAX_SOURCE_CHARS)
    );
    let ok = &long[1..];
    f.link(cognito("diego"), ident("CorpSAML", "email", ok))
        .await
        .unwrap();
    // Five distinct names per IdP across the pool (email is one); a sixth is refused, a
    // name in use and Cognito_Subject still link.
    for (i, claim) in ["department", "location", "employeeNumber", "given_name"]
        .iter()
        .enumerate()
    {
        f.link(cognito("maria"), ident("CorpSAML", claim, &format!("v{i}")))
            .await
            .unwrap();
    }
    let err = f
        .link(cognito("diego"), ident("CorpSAML", "phone", "+1"))
        .await
        .unwrap_err();
    let LinkError::LimitExceededException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some(link_messages::attribute_names_exhausted("CorpSAML", 5).as_str())
    );
    f.link(cognito("diego"), ident("CorpSAML", "location", "v9"))
        .await
        .unwrap();
    f.link(
        cognito("diego"),
        ident("CorpSAML", "Cognito_Subject", "nameid-1"),
    )
    .await
    .unwrap();
    // Another IdP has its own five.
    f.link(cognito("diego"), ident("Okta", "phone", "+1"))
        .await
        .unwrap();
}

/// `ProviderName=Cognito` disables the native user's password sign-in: it succeeds, removes
/// no identity, and an unknown username is refused.
#[tokio::test]
async fn unlinking_cognito_disables_password_sign_in() {
    let f = fixture().await;
    f.link(cognito("diego"), google("111")).await.unwrap();
    f.unlink(ident("Cognito", "Cognito_Subject", "diego"))
        .await
        .unwrap();
    assert_eq!(f.ids("diego").await.len(), 1, "no identity removed");
    let err = f
        .unlink(ident("Cognito", "Cognito_Subject", "nobody"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, UnlinkError::UserNotFoundException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn link_rules_answer_cognitos_errors() {
    let f = fixture().await;
    f.link(cognito("diego"), google("111")).await.unwrap();
    // Already linked, to this user or another one.
    for dest in ["diego", "maria"] {
        let msg = invalid_param(f.link(cognito(dest), google("111")).await.unwrap_err());
        assert!(
            msg.contains("SourceUser is already linked to DestinationUser"),
            "{msg}"
        );
    }
    // The source signed in before: merging.
    let msg = invalid_param(f.link(cognito("diego"), google("222")).await.unwrap_err());
    assert_eq!(msg, MERGING);
    // A native user as source.
    let msg = invalid_param(
        f.link(
            cognito("diego"),
            ident("Cognito", "Cognito_Subject", "maria"),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(msg, COGNITO_SOURCE);
    // A provider the pool does not have.
    let msg = invalid_param(
        f.link(
            cognito("diego"),
            ident("LoginWithAmazon", "Cognito_Subject", "amzn1"),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        msg,
        link_messages::provider_not_found("LoginWithAmazon", &f.pool)
    );
    // A social source not linked by Cognito_Subject.
    let msg = invalid_param(
        f.link(cognito("diego"), ident("Google", "email", "d@gmail.com"))
            .await
            .unwrap_err(),
    );
    assert_eq!(msg, link_messages::social_needs_subject("Google"));
    // An empty source value.
    let msg = invalid_param(f.link(cognito("diego"), google("")).await.unwrap_err());
    assert_eq!(
        msg,
        link_messages::required("SourceUser.ProviderAttributeValue")
    );
    // A ProviderName over 32 characters: model validation.
    let long = "G".repeat(33);
    let msg = invalid_param(
        f.link(cognito("diego"), ident(&long, "Cognito_Subject", "1"))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        msg,
        format!(
            "1 validation error detected: Value '{long}' at 'sourceUser.providerName' failed to satisfy constraint: Member must have length less than or equal to 32"
        )
    );
    // A destination that does not exist.
    let err = f.link(cognito("nobody"), google("999")).await.unwrap_err();
    let LinkError::UserNotFoundException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.message(), Some("User does not exist."));
    // A pool that does not exist.
    let err = f
        .env
        .client
        .admin_link_provider_for_user()
        .user_pool_id("us-east-1_Nope")
        .destination_user(cognito("diego"))
        .source_user(google("999"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let LinkError::ResourceNotFoundException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some("User pool us-east-1_Nope does not exist.")
    );
    // Nothing above changed diego.
    assert_eq!(f.ids("diego").await.len(), 1);
}

#[tokio::test]
async fn federated_destination_by_provider_and_subject() {
    let f = fixture().await;
    f.link(ident("Facebook", "Cognito_Subject", "333"), google("444"))
        .await
        .unwrap();
    let ids = f.ids("Facebook_333").await;
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].user_id, "444");
    let err = f
        .link(ident("Facebook", "Cognito_Subject", "999"), google("445"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LinkError::UserNotFoundException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_sixth_link_is_refused_and_unlinking_frees_a_slot() {
    let f = fixture().await;
    for i in 0..5 {
        f.link(cognito("maria"), google(&format!("g{i}")))
            .await
            .unwrap();
    }
    assert_eq!(f.ids("maria").await.len(), 5);
    let err = f.link(cognito("maria"), google("g5")).await.unwrap_err();
    let LinkError::LimitExceededException(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.message(), Some(link_messages::limit_exceeded(5).as_str()));
    // Sent once, not retried (the standard retry policy would resend LimitExceeded).
    let sent_g5 = f
        .env
        .server
        .change_requests()
        .iter()
        .filter(|c| c.input["SourceUser"]["ProviderAttributeValue"] == "g5")
        .count();
    assert_eq!(sent_g5, 1, "retried?");
    assert_eq!(f.ids("maria").await.len(), 5);
    f.unlink(google("g2")).await.unwrap();
    let ids = f.ids("maria").await;
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|i| i.user_id != "g2"));
    f.link(cognito("maria"), google("g5")).await.unwrap();
    assert_eq!(f.ids("maria").await.len(), 5);
}

#[tokio::test]
async fn unlink_rules_answer_cognitos_errors() {
    let f = fixture().await;
    f.link(cognito("diego"), google("111")).await.unwrap();
    // The federated username instead of the raw subject (aws/aws-sdk-go#4218).
    for user in [
        google("Google_111"),
        google("112"),
        ident("Facebook", "Cognito_Subject", "111"),
    ] {
        let err = f.unlink(user).await.unwrap_err();
        let UnlinkError::InvalidParameterException(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(e.message(), Some(NOT_LINKED));
    }
    let err = f
        .unlink(ident("Nope", "Cognito_Subject", "111"))
        .await
        .unwrap_err();
    assert_eq!(
        code_message(&err),
        (
            "InvalidParameterException".to_owned(),
            link_messages::provider_not_found("Nope", &f.pool)
        )
    );
    let err = f
        .env
        .client
        .admin_disable_provider_for_user()
        .user_pool_id("us-east-1_Nope")
        .user(google("111"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, UnlinkError::ResourceNotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(f.ids("diego").await.len(), 1);
}

#[tokio::test]
async fn demo_pool_users_at_the_limit_refuse_a_sixth_link() {
    let env = start(Seed::Demo).await;
    let users = all_users(&env.client, DEMO_POOL_ID, Some(60), None).await;
    let full = users
        .iter()
        .find(|u| {
            attribute(u.attributes(), "identities")
                .map(|v| parse_identities(v).unwrap())
                .is_some_and(|ids| ids.iter().filter(|i| !i.primary).count() == 5)
        })
        .expect("the demo pool has a user with 5 links");
    let err = env
        .client
        .admin_link_provider_for_user()
        .user_pool_id(DEMO_POOL_ID)
        .destination_user(cognito(full.username().unwrap()))
        .source_user(google("100000000000000000001"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, LinkError::LimitExceededException(_)),
        "{err:?}"
    );
}

/// A SAML identity linked by `email` signs in with that claim: it lands on the destination,
/// and from then on it can also be unlinked by Cognito_Subject (cognito-fidelity (b)1).
#[tokio::test]
async fn a_claim_linked_identity_signs_in_as_its_destination_and_then_unlinks_by_subject() {
    let f = fixture().await;
    f.link(
        cognito("diego"),
        ident("CorpSAML", "email", "d@corp.example.com"),
    )
    .await
    .unwrap();
    let signed_in = coglink::local::sign_in(
        &f.env.server.endpoint_url(),
        &coglink::local::SignInRequest {
            user_pool_id: f.pool.clone(),
            provider: "CorpSAML".into(),
            subject: "nameid-diego".into(),
            claims: [("email".to_owned(), "d@corp.example.com".to_owned())].into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(signed_in.username, "diego");
    assert!(signed_in.linked && !signed_in.created);
    f.unlink(ident("CorpSAML", "Cognito_Subject", "d@corp.example.com"))
        .await
        .unwrap();
    assert!(f.ids("diego").await.is_empty());
}
