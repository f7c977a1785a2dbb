//! `coglink pools`.

use crate::common::{Env, stdout};

#[test]
fn pools_in_every_format() {
    let env = Env::new();
    let users = env.users().len();
    let run = |format: &str| {
        stdout(
            &env.cmd()
                .args(["pools", "--output", format])
                .assert()
                .success(),
        )
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let demo = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Id"] == env.pool.as_str())
        .unwrap();
    assert_eq!(demo["EstimatedNumberOfUsers"], users);
    let table = run("table");
    assert!(table.starts_with("ID"), "{table}");
    let row = table.lines().find(|l| l.starts_with(&env.pool)).unwrap();
    assert!(row.ends_with(&users.to_string()), "{row}");
    let csv = run("csv");
    assert!(csv.starts_with("id,name,estimated_users\n"), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{},", env.pool)) && l.ends_with(&format!(",{users}"))),
        "{csv}"
    );
}
