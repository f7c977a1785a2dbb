//! `coglink pools`: user pools with their estimated user counts.

use std::io::Write;

use serde::Serialize;

use super::output::{Output, printed};
use super::{CmdError, with_session, write_result};
use crate::aws::ops::{Ops, PoolSummary};
use crate::awscli::output::{csv_record, iso8601, table};
use crate::cli::args::{GlobalArgs, PoolsArgs};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: PoolsArgs) -> Result<(), CmdError> {
    let output = Output::from_args(&args.output)?;
    with_session(global, async |_: &Session, ops: &Ops| {
        let pools = ops
            .list_pools()
            .await
            .map_err(|f| CmdError::failure("ListUserPools", &f))?;
        let mut out = std::io::stdout().lock();
        let text = match &output {
            Output::Table => render_table(&pools),
            Output::Csv => render_csv(&pools),
            Output::V2(writer) => {
                return printed(
                    writer
                        .write(&mut out, &to_json(&pools))
                        .and_then(|()| Ok(out.flush()?)),
                );
            }
        };
        write_result(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
    })
    .await
}

/// A pool as the v2 formats print it: ListUserPools' member names, with the estimate that
/// DescribeUserPool adds.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PoolJson<'a> {
    id: &'a str,
    name: &'a str,
    estimated_number_of_users: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creation_date: Option<String>,
}

fn to_json(pools: &[PoolSummary]) -> Vec<PoolJson<'_>> {
    pools
        .iter()
        .map(|p| PoolJson {
            id: &p.id,
            name: &p.name,
            estimated_number_of_users: p.estimated_users,
            creation_date: p.created.map(iso8601),
        })
        .collect()
}

fn count(p: &PoolSummary) -> String {
    p.estimated_users.map(|n| n.to_string()).unwrap_or_default()
}

/// The table, each column as wide as its widest cell (pools are few: no streaming needed).
pub fn render_table(pools: &[PoolSummary]) -> String {
    let rows: Vec<Vec<String>> = pools
        .iter()
        .map(|p| vec![p.id.clone(), p.name.clone(), count(p)])
        .collect();
    table(&["ID", "NAME", "ESTIMATED USERS"], &rows)
}

pub fn render_csv(pools: &[PoolSummary]) -> String {
    let mut s = String::from("id,name,estimated_users\n");
    for p in pools {
        s.push_str(&csv_record(&[p.id.clone(), p.name.clone(), count(p)]));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pools() -> Vec<PoolSummary> {
        vec![
            PoolSummary {
                id: "us-east-1_demo".into(),
                name: "demo \x1b[2J".into(),
                estimated_users: Some(12),
                created: Some(1682955829.0),
            },
            PoolSummary {
                id: "us-east-1_b".into(),
                name: "b,c".into(),
                estimated_users: None,
                created: None,
            },
        ]
    }

    #[test]
    fn formats() {
        let t = render_table(&pools());
        assert!(t.lines().nth(1).unwrap().ends_with("12"), "{t}");
        assert!(!t.contains('\x1b'));
        assert_eq!(
            render_csv(&pools()),
            "id,name,estimated_users\nus-east-1_demo,demo \\e[2J,12\nus-east-1_b,\"b,c\",\n"
        );
        let v = serde_json::to_value(to_json(&pools())).unwrap();
        assert_eq!(v[0]["EstimatedNumberOfUsers"], 12);
        assert_eq!(v[0]["Name"], "demo \x1b[2J");
        assert_eq!(v[0]["CreationDate"], "2023-05-01T15:43:49+00:00");
        assert!(v[1]["EstimatedNumberOfUsers"].is_null());
    }

    #[test]
    fn a_pool_id_longer_than_usual_keeps_the_columns_in_line() {
        let mut pools = pools();
        pools[1].id = "eu-west-1_0123456789abcdef0123456789abcdef01".into();
        let t = render_table(&pools);
        let starts = |word: &str| -> Vec<usize> {
            t.lines()
                .filter_map(|l| l.find(word).map(|_| l))
                .map(|l| l.find(word).unwrap())
                .collect()
        };
        let name_at: Vec<usize> = ["NAME", "demo \\e", "b,c"]
            .iter()
            .flat_map(|w| starts(w))
            .collect();
        assert_eq!(name_at.len(), 3, "{t}");
        assert!(name_at.iter().all(|&at| at == name_at[0]), "{t}");
        assert!(name_at[0] > pools[1].id.len(), "{t}");
        let count_at: Vec<usize> = t
            .lines()
            .filter(|l| !l.contains("b,c"))
            .map(|l| l.rfind("  ").unwrap() + 2)
            .collect();
        assert_eq!(count_at.len(), 2, "{t}");
        assert!(count_at.iter().all(|&at| at == count_at[0]), "{t}");
    }
}
