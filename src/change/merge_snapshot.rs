//! The snapshot of a merge, written durably before its first step: both users, their groups
//! and the pool's providers as read, and the options chosen. After the delete, the merged
//! user can no longer be read; a re-run plans the same steps from this file and resumes at
//! the first step the journal does not show applied. Mode 0600: it holds personal data.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::merge::{MergeInputs, MergeOptions};
use crate::domain::{IdentityProviderInfo, ProviderType, UserRecord};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MergeSnapshot {
    pub version: u32,
    /// When it was taken (RFC 3339); also part of the sequence id.
    pub time: String,
    pub pool_id: String,
    /// The engine sequence of this merge (stable across re-runs).
    pub sequence: String,
    pub keep: SavedUser,
    pub keep_groups: Vec<String>,
    pub merged: SavedUser,
    pub merged_groups: Vec<String>,
    pub providers: Vec<SavedProvider>,
    #[serde(default)]
    pub immutable_attributes: Vec<String>,
    pub copy_groups: bool,
    pub copy_attributes: Vec<String>,
    pub allow_unverified: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SavedUser {
    pub username: String,
    pub status: String,
    pub enabled: bool,
    pub created: Option<f64>,
    pub modified: Option<f64>,
    pub attributes: Vec<(String, String)>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SavedProvider {
    pub name: String,
    pub provider_type: String,
    pub attribute_mapping: std::collections::BTreeMap<String, String>,
}

impl SavedUser {
    fn of(u: &UserRecord) -> SavedUser {
        SavedUser {
            username: u.username().to_owned(),
            status: u.status().to_owned(),
            enabled: u.enabled,
            created: u.created(),
            modified: u.modified(),
            attributes: u.owned_attributes(),
        }
    }

    fn record(&self) -> UserRecord {
        UserRecord::new(
            self.username.clone(),
            self.status.clone(),
            self.enabled,
            self.attributes.clone(),
            self.created,
            self.modified,
        )
    }
}

impl MergeSnapshot {
    pub fn new(inputs: &MergeInputs, options: &MergeOptions, time: String) -> MergeSnapshot {
        MergeSnapshot {
            version: 1,
            sequence: format!(
                "merge:{}:{}:{time}",
                inputs.pool_id,
                inputs.merged.username()
            ),
            time,
            pool_id: inputs.pool_id.clone(),
            keep: SavedUser::of(&inputs.keep),
            keep_groups: inputs.keep_groups.clone(),
            merged: SavedUser::of(&inputs.merged),
            merged_groups: inputs.merged_groups.clone(),
            providers: inputs
                .providers
                .iter()
                .map(|p| SavedProvider {
                    name: p.name.clone(),
                    provider_type: p.provider_type.as_str().to_owned(),
                    attribute_mapping: p.attribute_mapping.clone(),
                })
                .collect(),
            immutable_attributes: inputs.immutable_attributes.clone(),
            copy_groups: options.copy_groups,
            copy_attributes: options.copy_attributes.clone(),
            allow_unverified: options.allow_unverified,
        }
    }

    /// The inputs and options the merge was planned from.
    pub fn plan_inputs(&self) -> (MergeInputs, MergeOptions) {
        let inputs = MergeInputs {
            pool_id: self.pool_id.clone(),
            keep: self.keep.record(),
            keep_groups: self.keep_groups.clone(),
            merged: self.merged.record(),
            merged_groups: self.merged_groups.clone(),
            providers: self
                .providers
                .iter()
                .filter_map(|p| {
                    Some(IdentityProviderInfo {
                        name: p.name.clone(),
                        provider_type: ProviderType::parse(&p.provider_type)?,
                        attribute_mapping: p.attribute_mapping.clone(),
                    })
                })
                .collect(),
            immutable_attributes: self.immutable_attributes.clone(),
        };
        let options = MergeOptions {
            copy_groups: self.copy_groups,
            copy_attributes: self.copy_attributes.clone(),
            allow_unverified: self.allow_unverified,
        };
        (inputs, options)
    }

    /// Where the snapshot of merging `merged` in `pool_id` lives under `dir`.
    pub fn path(dir: &Path, pool_id: &str, merged: &str) -> PathBuf {
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._-@+=".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        dir.join(safe(pool_id))
            .join(format!("{}.json", safe(merged)))
    }

    pub fn read(path: &Path) -> std::io::Result<Option<MergeSnapshot>> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes it atomically and durably (a temporary file, fsync, rename, fsync of the
    /// folder), mode 0600.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(self).expect("snapshots serialize");
        crate::atomic_file::write_atomic_private(path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_survives_the_disk_and_plans_the_same_merge() {
        let user = |name: &str, status: &str, extra: &[(&str, &str)]| {
            let mut attrs = vec![("sub".to_owned(), format!("s-{name}"))];
            attrs.extend(
                extra
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
            );
            UserRecord::new(name.into(), status.into(), true, attrs, Some(1.0), None)
        };
        let inputs = MergeInputs {
            pool_id: "us-east-1_P".into(),
            keep: user(
                "ann",
                "CONFIRMED",
                &[("email", "a@x"), ("email_verified", "true")],
            ),
            keep_groups: vec![],
            merged: user(
                "Google_1",
                "EXTERNAL_PROVIDER",
                &[
                    ("email", "a@x"),
                    ("email_verified", "true"),
                    (
                        "identities",
                        r#"[{"userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1}]"#,
                    ),
                ],
            ),
            merged_groups: vec!["beta".into()],
            providers: vec![IdentityProviderInfo {
                name: "Google".into(),
                provider_type: ProviderType::Google,
                attribute_mapping: Default::default(),
            }],
            immutable_attributes: vec!["sub".into()],
        };
        let options = MergeOptions {
            copy_groups: true,
            ..MergeOptions::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let path = MergeSnapshot::path(dir.path(), "us-east-1_P", "Google_1");
        assert!(MergeSnapshot::read(&path).unwrap().is_none());
        let snap = MergeSnapshot::new(&inputs, &options, "2026-12-01T10:00:00Z".into());
        snap.write(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let back = MergeSnapshot::read(&path).unwrap().unwrap();
        assert_eq!(back, snap);
        let (i, o) = back.plan_inputs();
        assert_eq!(
            super::super::merge::plan_merge(&i, &o).unwrap(),
            super::super::merge::plan_merge(&inputs, &options).unwrap()
        );
        assert_eq!(
            back.sequence,
            "merge:us-east-1_P:Google_1:2026-12-01T10:00:00Z"
        );
        // A username that is not a safe file name stays inside the folder.
        let odd = MergeSnapshot::path(dir.path(), "p", "../x/y");
        assert!(odd.starts_with(dir.path().join("p")), "{odd:?}");
    }
}
