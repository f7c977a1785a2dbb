//! `coglink pools`: user pools with their estimated user counts.

use std::io::Write;

use serde::Serialize;

use super::{CmdError, with_session, write_result};
use crate::aws::ops::{Ops, PoolSummary};
use crate::awscli::output::{csv_record, json_terminal_safe, pretty4, table};
use crate::cli::args::{GlobalArgs, OutputFormat, PoolsArgs};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: PoolsArgs) -> Result<(), CmdError> {
    with_session(global, async |_: &Session, ops: &Ops| {
        let pools = ops
            .list_pools()
            .await
            .map_err(|f| CmdError::failure("ListUserPools", &f))?;
        let mut out = std::io::stdout().lock();
        write_result(
            out.write_all(render(args.output, &pools).as_bytes())
                .and_then(|()| out.flush()),
        )
    })
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PoolJson<'a> {
    id: &'a str,
    name: &'a str,
    estimated_number_of_users: Option<i32>,
}

fn count(p: &PoolSummary) -> String {
    p.estimated_users.map(|n| n.to_string()).unwrap_or_default()
}

/// The whole listing in one format (pools are few: no streaming needed).
pub fn render(format: OutputFormat, pools: &[PoolSummary]) -> String {
    match format {
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = pools
                .iter()
                .map(|p| vec![p.id.clone(), p.name.clone(), count(p)])
                .collect();
            table(&["ID", "NAME", "ESTIMATED USERS"], &rows)
        }
        OutputFormat::Csv => {
            let mut s = String::from("id,name,estimated_users\n");
            for p in pools {
                s.push_str(&csv_record(&[p.id.clone(), p.name.clone(), count(p)]));
                s.push('\n');
            }
            s
        }
        OutputFormat::Json => {
            let rows: Vec<_> = pools
                .iter()
                .map(|p| PoolJson {
                    id: &p.id,
                    name: &p.name,
                    estimated_number_of_users: p.estimated_users,
                })
                .collect();
            format!("{}\n", json_terminal_safe(&pretty4(&rows)))
        }
    }
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
                created: None,
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
        let t = render(OutputFormat::Table, &pools());
        assert!(t.lines().nth(1).unwrap().ends_with("12"), "{t}");
        assert!(!t.contains('\x1b'));
        assert_eq!(
            render(OutputFormat::Csv, &pools()),
            "id,name,estimated_users\nus-east-1_demo,demo \\e[2J,12\nus-east-1_b,\"b,c\",\n"
        );
        let v: serde_json::Value =
            serde_json::from_str(&render(OutputFormat::Json, &pools())).unwrap();
        assert_eq!(v[0]["EstimatedNumberOfUsers"], 12);
        assert_eq!(v[0]["Name"], "demo \x1b[2J");
        assert!(v[1]["EstimatedNumberOfUsers"].is_null());
    }

    #[test]
    fn a_pool_id_longer_than_usual_keeps_the_columns_in_line() {
        let mut pools = pools();
        pools[1].id = "eu-west-1_0123456789abcdef0123456789abcdef01".into();
        let t = render(OutputFormat::Table, &pools);
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
