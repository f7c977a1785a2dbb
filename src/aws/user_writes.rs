//! The user writes a merge needs besides linking (groups, attributes, deleting a user) and
//! the group read that checks them. Like `link` and `unlink`, every write is sent once: the
//! SDK resends it only when throttled (`retry::change_override`).

use super::convert;
use super::failure::Failure;
use super::ops::Ops;
use super::retry::change_override;

impl Ops {
    /// AdminListGroupsForUser, every page: the user's group names.
    pub async fn list_groups_for_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Vec<String>, Failure> {
        let mut groups = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .admin_list_groups_for_user()
                .user_pool_id(pool_id)
                .username(username)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail(e))?;
            groups.extend(
                out.groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_owned)),
            );
            match out.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return Ok(groups),
            }
        }
    }

    /// AdminAddUserToGroup.
    pub async fn add_user_to_group(
        &self,
        pool_id: &str,
        username: &str,
        group: &str,
    ) -> Result<(), Failure> {
        self.client
            .admin_add_user_to_group()
            .user_pool_id(pool_id)
            .username(username)
            .group_name(group)
            .customize()
            .config_override(change_override())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// AdminRemoveUserFromGroup.
    pub async fn remove_user_from_group(
        &self,
        pool_id: &str,
        username: &str,
        group: &str,
    ) -> Result<(), Failure> {
        self.client
            .admin_remove_user_from_group()
            .user_pool_id(pool_id)
            .username(username)
            .group_name(group)
            .customize()
            .config_override(change_override())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// AdminUpdateUserAttributes.
    pub async fn update_user_attributes(
        &self,
        pool_id: &str,
        username: &str,
        attributes: &[(String, String)],
    ) -> Result<(), Failure> {
        self.client
            .admin_update_user_attributes()
            .user_pool_id(pool_id)
            .username(username)
            .set_user_attributes(Some(
                attributes
                    .iter()
                    .map(|(n, v)| convert::attribute(n, v))
                    .collect(),
            ))
            .customize()
            .config_override(change_override())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// AdminDeleteUser.
    pub async fn delete_user(&self, pool_id: &str, username: &str) -> Result<(), Failure> {
        self.client
            .admin_delete_user()
            .user_pool_id(pool_id)
            .username(username)
            .customize()
            .config_override(change_override())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }
}
