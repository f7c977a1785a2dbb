//! A group of a user pool, as ListGroups describes it.

/// A group with what ListGroups answers (times in epoch seconds).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupInfo {
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i32>,
    pub role_arn: Option<String>,
    pub created: Option<f64>,
    pub modified: Option<f64>,
}
