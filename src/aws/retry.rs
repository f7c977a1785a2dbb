//! Retry policy for changes.
//!
//! The SDK's standard retry resends TooManyRequestsException, 5xx and transport failures,
//! and also LimitExceededException (its code counts as throttling: build-notes.md). For a
//! link or unlink that is wrong twice over: a link refused for the 5-link limit is final, and
//! a change whose outcome is unknown (5xx, timeout, dropped connection) may have been applied,
//! so it must be resolved by reading the user again, never by a blind resend.
//!
//! [`ChangeRetryPolicy`] runs after the SDK's classifiers and forbids every retry of a change
//! except throttling, which Cognito answers before doing anything.

use aws_sdk_cognitoidentityprovider::config::interceptors::InterceptorContext;
use aws_sdk_cognitoidentityprovider::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::admin_disable_provider_for_user::AdminDisableProviderForUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_link_provider_for_user::AdminLinkProviderForUserError;
use aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority;

use crate::domain::ErrorKind;

/// Forbids retrying a change unless Cognito said it was throttled.
#[derive(Debug, Default, Clone, Copy)]
pub struct ChangeRetryPolicy;

/// Whether a failed change may be sent again, by its error code (None: no service answer).
pub fn change_may_be_resent(code: Option<&str>) -> bool {
    code.and_then(ErrorKind::from_type_name) == Some(ErrorKind::TooManyRequests)
}

impl ClassifyRetry for ChangeRetryPolicy {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let code = err.as_operation_error().and_then(|e| {
            e.downcast_ref::<AdminLinkProviderForUserError>()
                .and_then(|e| e.code())
                .or_else(|| {
                    e.downcast_ref::<AdminDisableProviderForUserError>()
                        .and_then(|e| e.code())
                })
        });
        if change_may_be_resent(code) {
            RetryAction::NoActionIndicated
        } else {
            RetryAction::RetryForbidden
        }
    }

    fn name(&self) -> &'static str {
        "coglink change retry policy"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Config override for link and unlink calls: `.customize().config_override(change_override())`.
pub fn change_override() -> aws_sdk_cognitoidentityprovider::config::Builder {
    aws_sdk_cognitoidentityprovider::Config::builder().retry_classifier(ChangeRetryPolicy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_throttling_may_be_resent() {
        assert!(change_may_be_resent(Some("TooManyRequestsException")));
        for code in [
            "LimitExceededException",
            "InternalErrorException",
            "InvalidParameterException",
        ] {
            assert!(!change_may_be_resent(Some(code)), "{code}");
        }
        assert!(!change_may_be_resent(None));
    }
}
