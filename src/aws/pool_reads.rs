//! The reads a pool snapshot needs besides ListUsers and the identity providers: the pool's
//! name, its groups and each group's members. Every page is read with the SDK's standard
//! retries (reads are idempotent).

use super::failure::Failure;
use super::ops::Ops;
use crate::domain::GroupInfo;

/// Largest page of ListGroups and ListUsersInGroup.
const GROUP_PAGE: i32 = 60;

impl Ops {
    /// DescribeUserPool's Name and EstimatedNumberOfUsers, from one read (`None` when the
    /// answer holds no pool).
    pub async fn pool_name_and_estimate(
        &self,
        pool_id: &str,
    ) -> Result<(Option<String>, Option<i32>), Failure> {
        let pool = self.describe_pool(pool_id).await?;
        Ok(match pool {
            Some(p) => (
                p.name().map(str::to_owned),
                Some(p.estimated_number_of_users()),
            ),
            None => (None, None),
        })
    }

    /// ListGroups, every page.
    pub async fn list_groups(&self, pool_id: &str) -> Result<Vec<GroupInfo>, Failure> {
        let mut groups = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_groups()
                .user_pool_id(pool_id)
                .limit(GROUP_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail(e))?;
            groups.extend(out.groups().iter().map(|g| GroupInfo {
                name: g.group_name().unwrap_or_default().to_owned(),
                description: g.description().map(str::to_owned),
                precedence: g.precedence(),
                role_arn: g.role_arn().map(str::to_owned),
                created: g.creation_date().map(|d| d.as_secs_f64()),
                modified: g.last_modified_date().map(|d| d.as_secs_f64()),
            }));
            match out.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return Ok(groups),
            }
        }
    }

    /// ListUsersInGroup, every page: the usernames of the group's members.
    pub async fn list_group_members(
        &self,
        pool_id: &str,
        group: &str,
    ) -> Result<Vec<String>, Failure> {
        let mut members = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_users_in_group()
                .user_pool_id(pool_id)
                .group_name(group)
                .limit(GROUP_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail(e))?;
            members.extend(
                out.users()
                    .iter()
                    .filter_map(|u| u.username().map(str::to_owned)),
            );
            match out.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => return Ok(members),
            }
        }
    }
}
