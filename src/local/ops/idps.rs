//! ListIdentityProviders, DescribeIdentityProvider, CreateIdentityProvider (spec §1.8, §1.9).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Checks, Reply, input, page_size, pool, pool_mut};
use crate::domain::{
    CognitoError, PROVIDER_NAME_MAX, PROVIDER_NAME_PATTERN, PROVIDER_NAME_V2_PATTERN, ProviderType,
};
use crate::local::ids::{now_ms, wire_time};
use crate::local::limits::LIST_PROVIDERS_DEFAULT_LIMIT;
use crate::local::persist::Shared;
use crate::local::store::IdentityProvider;
use crate::local::token::{self, Kind};

/// `IdpIdentifierType`.
const IDP_IDENTIFIER_PATTERN: &str = r"[\w\s+=.@-]+";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    user_pool_id: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

pub fn list(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: ListInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.range("maxResults", req.max_results, 0, 60);
    c.page_token("nextToken", &req.next_token);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let limit = page_size(req.max_results, LIST_PROVIDERS_DEFAULT_LIMIT);
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let mut it = token::resume(
            &p.data().providers,
            Kind::Providers,
            &pool_id,
            req.next_token.as_deref(),
        )?
        .map(|(_, idp)| idp)
        .peekable();
        let page: Vec<&IdentityProvider> = it.by_ref().take(limit).collect();
        // `Providers` without details (spec §1.8).
        let mut out = json!({
            "Providers": page.iter().map(|idp| json!({
                "ProviderName": idp.name,
                "ProviderType": idp.provider_type.as_str(),
                "LastModifiedDate": wire_time(idp.modified_ms),
                "CreationDate": wire_time(idp.created_ms),
            })).collect::<Vec<_>>(),
        });
        if let (Some(last), Some(_)) = (page.last(), it.peek()) {
            out["NextToken"] = json!(token::encode(Kind::Providers, &pool_id, &last.name));
        }
        Ok(Reply::Read(out))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInput {
    user_pool_id: Option<String>,
    provider_name: Option<String>,
}

pub fn describe(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: DescribeInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.required(&req.provider_name, "providerName");
    c.string(
        "providerName",
        &req.provider_name,
        1,
        PROVIDER_NAME_MAX,
        Some(PROVIDER_NAME_PATTERN),
    );
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let name = req.provider_name.unwrap_or_default();
    shared.read(|s| {
        let idp = pool(s, &pool_id)?
            .data()
            .providers
            .get(&name)
            .ok_or_else(|| CognitoError::identity_provider_not_found(&name, &pool_id))?;
        Ok(Reply::Read(
            json!({ "IdentityProvider": idp_json(&pool_id, idp) }),
        ))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    user_pool_id: Option<String>,
    provider_name: Option<String>,
    provider_type: Option<String>,
    provider_details: Option<BTreeMap<String, String>>,
    attribute_mapping: Option<BTreeMap<String, String>>,
    idp_identifiers: Option<Vec<String>>,
}

pub fn create(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: CreateInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.required(&req.provider_name, "providerName");
    // ProviderNameTypeV2 (spec §1.9).
    c.string(
        "providerName",
        &req.provider_name,
        1,
        PROVIDER_NAME_MAX,
        Some(PROVIDER_NAME_V2_PATTERN),
    );
    c.required(&req.provider_type, "providerType");
    let provider_type = req.provider_type.as_deref().and_then(ProviderType::parse);
    if let (Some(t), None) = (&req.provider_type, provider_type) {
        let allowed: Vec<&str> = ProviderType::ALL.iter().map(|t| t.as_str()).collect();
        c.one_of("providerType", t, &allowed);
    }
    c.required(&req.provider_details, "providerDetails");
    for key in req.attribute_mapping.iter().flat_map(|m| m.keys()) {
        c.string("attributeMapping", &Some(key.clone()), 1, 32, None);
    }
    for (i, id) in req.idp_identifiers.iter().flatten().enumerate() {
        let path = format!("idpIdentifiers.{}.member", i + 1);
        c.string(
            &path,
            &Some(id.clone()),
            1,
            40,
            Some(IDP_IDENTIFIER_PATTERN),
        );
    }
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let name = req.provider_name.unwrap_or_default();
    let Some(provider_type) = provider_type else {
        return Err(CognitoError::internal());
    };
    let details = req.provider_details.unwrap_or_default();
    // Social providers are named as their type, and the social names are reserved for
    // their type (spec §1.9, `Provider NameOfGP cannot be of type Google.`).
    let social_name = ProviderType::social_from_name(&name);
    if (provider_type.is_social() && name != provider_type.as_str())
        || social_name.is_some_and(|t| t != provider_type)
    {
        return Err(CognitoError::provider_cannot_be_of_type(
            &name,
            provider_type.as_str(),
        ));
    }
    if matches!(
        provider_type,
        ProviderType::Google | ProviderType::Facebook | ProviderType::LoginWithAmazon
    ) && ["client_id", "client_secret", "authorize_scopes"]
        .iter()
        .any(|k| details.get(*k).is_none_or(|v| v.is_empty()))
    {
        return Err(CognitoError::social_details_required());
    }
    let now = now_ms();
    let idp = IdentityProvider {
        name: name.clone(),
        provider_type,
        details,
        attribute_mapping: req.attribute_mapping.unwrap_or_default(),
        idp_identifiers: req.idp_identifiers.unwrap_or_default(),
        created_ms: now,
        modified_ms: now,
    };
    let (body, version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        if p.data().providers.contains_key(&name) {
            return Err(CognitoError::duplicate_provider(&name));
        }
        let body = json!({ "IdentityProvider": idp_json(&pool_id, &idp) });
        p.data_mut().providers.insert(name.clone(), idp);
        Ok(body)
    })?;
    Ok(Reply::Write(body, version))
}

/// `IdentityProviderType` (spec §1.8).
fn idp_json(pool_id: &str, idp: &IdentityProvider) -> Value {
    json!({
        "UserPoolId": pool_id,
        "ProviderName": idp.name,
        "ProviderType": idp.provider_type.as_str(),
        "ProviderDetails": idp.details,
        "AttributeMapping": idp.attribute_mapping,
        "IdpIdentifiers": idp.idp_identifiers,
        "LastModifiedDate": wire_time(idp.modified_ms),
        "CreationDate": wire_time(idp.created_ms),
    })
}
