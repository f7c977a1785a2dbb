//! Keeps a child `coglink` away from the machine's AWS settings and the user's directories.

use std::path::Path;
use std::process::Command;

/// Removes every AWS variable that could point the child elsewhere and puts every
/// user-level directory (home, XDG state/data/config/cache, AWS config files) inside `dir`.
pub fn isolate(cmd: &mut Command, dir: &Path) {
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
}
