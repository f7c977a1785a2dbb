//! A profile's guard in `config.toml` applies to the headless changes too: `read_only`
//! refuses them, `production` needs `--yes` (or the pool id typed on a terminal), and a bad
//! file stops every command with the key and the rule.

use crate::common::{Env, Has, fresh_subject};

fn write_config(env: &Env, text: &str) {
    let dir = env.dir.path().join("config/coglink");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn a_read_only_profile_refuses_changes_and_allows_reads_and_dry_runs() {
    let env = Env::new();
    let user = env.native_user(3);
    write_config(&env, "[local]\nread_only = true\n");
    let subject = fresh_subject();
    env.link(&user, &subject)
        .code(2)
        .err_has("the profile is read_only in ")
        .err_has("nothing was sent");
    assert!(!env.has_identity(&user, &env.social(), &subject));
    env.cmd()
        .args(env.link_args(&user, &subject))
        .arg("--dry-run")
        .assert()
        .success();
    assert!(!env.users().is_empty(), "reads still work");
    assert!(env.journal().is_empty(), "nothing was attempted");
}

#[test]
fn a_production_profile_needs_yes_when_no_one_can_type_the_pool_id() {
    let env = Env::new();
    let user = env.native_user(3);
    write_config(&env, "[local]\nproduction = true\n");
    let subject = fresh_subject();
    // assert_cmd gives the child no terminal: it cannot ask.
    env.link(&user, &subject)
        .code(2)
        .err_has("--yes: the profile is marked production in ");
    assert!(!env.has_identity(&user, &env.social(), &subject));
    env.cmd()
        .args(env.link_args(&user, &subject))
        .arg("--yes")
        .assert()
        .success();
    assert!(env.has_identity(&user, &env.social(), &subject));
    // Another profile's guard does not apply to --local.
    write_config(&env, "[profiles.prod]\nproduction = true\n");
    let other = fresh_subject();
    env.link(&user, &other).success();
}

#[test]
fn a_bad_config_file_stops_every_command_naming_the_key() {
    let env = Env::new();
    write_config(&env, "[local]\nreadonly = true\n");
    env.cmd()
        .args(["users", "--user-pool-id", &env.pool])
        .assert()
        .code(2)
        .err_has(
            "unknown key `local.readonly`: the keys are production, read_only, badge, color, cache",
        );
}
