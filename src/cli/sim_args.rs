//! `coglink local serve` simulation flags (latency, quota, faults; see `local::Simulation`).

use std::time::Duration;

use clap::Args;

use crate::local::{Quota, Simulation, parse_script};

/// Simulation of a remote, rate-limited, unreliable Cognito (all off by default).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Simulation")]
pub struct SimulationArgs {
    /// Delay every answer by this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Add a random 0..=MS milliseconds to every delay.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub jitter_ms: u64,
    /// Requests per second allowed per quota category: a number applies to every category,
    /// `default` uses Cognito's default quotas (UNVERIFIED operation mapping). Requests over
    /// it get TooManyRequestsException and are not performed.
    #[arg(long, value_name = "N|default", value_parser = parse_quota)]
    pub quota_rps: Option<Quota>,
    /// Fraction (0-1) of requests answered InternalErrorException (HTTP 500).
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub fault_rate: f64,
    /// Fraction (0-1) of requests whose connection is closed without an answer.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub drop_rate: f64,
    /// Fraction (0-1) of 5xx faults and drops that happen after the change was applied.
    #[arg(long, value_name = "F", default_value_t = 0.5, value_parser = parse_fraction)]
    pub fault_after_apply: f64,
    /// Seed of the fault and jitter random numbers (default: random).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Fault only AdminLinkProviderForUser and AdminDisableProviderForUser (reads never fail).
    #[arg(long)]
    pub faults_on_changes_only: bool,
    /// Scripted faults, independent of timing: lines of `OPERATION NTH FAULT`, e.g.
    /// `AdminDisableProviderForUser 3 500-after` (the 3rd such request within the quota is
    /// applied, then answered 500). FAULT: 500-before, 500-after, drop-before, drop-after,
    /// throttle. `#` starts a comment.
    #[arg(long, value_name = "FILE")]
    pub fault_script: Option<std::path::PathBuf>,
    /// ListUsers answers short pages (fewer users than Limit, sometimes none) that still carry
    /// a token, as Cognito does in production; deterministic for a SEED. `--local` takes it
    /// from COGLINK_LOCAL_SHORT_PAGES=SEED.
    #[arg(long, value_name = "SEED")]
    pub short_pages: Option<u64>,
}

impl SimulationArgs {
    pub fn simulation(&self) -> Result<Simulation, String> {
        if self.fault_rate + self.drop_rate > 1.0 {
            return Err("--fault-rate and --drop-rate add up to more than 1".into());
        }
        let script = match &self.fault_script {
            None => Vec::new(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--fault-script: cannot read {}: {e}", path.display()))?;
                parse_script(&text)
                    .map_err(|e| format!("--fault-script {}: {e}", path.display()))?
            }
        };
        Ok(Simulation {
            latency: Duration::from_millis(self.latency_ms),
            jitter: Duration::from_millis(self.jitter_ms),
            quota: self.quota_rps.unwrap_or_default(),
            fault_rate: self.fault_rate,
            drop_rate: self.drop_rate,
            fault_after_apply_fraction: self.fault_after_apply,
            seed: self.seed,
            faults_on_changes_only: self.faults_on_changes_only,
            script,
            short_pages: self.short_pages,
        })
    }
}

fn parse_quota(s: &str) -> Result<Quota, String> {
    if s.eq_ignore_ascii_case("default") {
        return Ok(Quota::Defaults);
    }
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(Quota::Uniform(n)),
        _ => Err(format!(
            "expected a positive number of requests per second or `default`, got {s:?}"
        )),
    }
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("expected a fraction between 0 and 1, got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{Cli, Command, LocalCommand};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Simulation, String> {
        let mut argv = vec!["coglink", "local", "serve"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv)
            .map_err(|e| e.to_string())?
            .command
        {
            Some(Command::Local(LocalCommand::Serve { sim, .. })) => sim.simulation(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_flags_simulate_nothing() {
        assert!(!parse(&[]).unwrap().is_active());
    }

    #[test]
    fn every_flag_reaches_the_simulation() {
        let s = parse(&[
            "--latency-ms",
            "40",
            "--jitter-ms",
            "5",
            "--quota-rps",
            "30",
            "--fault-rate",
            "0.1",
            "--drop-rate",
            "0.05",
            "--fault-after-apply",
            "1",
            "--seed",
            "7",
            "--faults-on-changes-only",
            "--short-pages",
            "9",
        ])
        .unwrap();
        assert_eq!(
            s,
            Simulation {
                latency: Duration::from_millis(40),
                jitter: Duration::from_millis(5),
                quota: Quota::Uniform(30.0),
                fault_rate: 0.1,
                drop_rate: 0.05,
                fault_after_apply_fraction: 1.0,
                seed: Some(7),
                faults_on_changes_only: true,
                script: Vec::new(),
                short_pages: Some(9),
            }
        );
        assert_eq!(
            parse(&["--quota-rps", "default"]).unwrap().quota,
            Quota::Defaults
        );
    }

    #[test]
    fn a_fault_script_file_reaches_the_simulation_and_a_bad_one_names_its_line() {
        use crate::local::{ApplyPoint, Fault, Operation, ScriptedEffect, ScriptedFault};
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good");
        std::fs::write(&good, "# scripted\nAdminLinkProviderForUser 2 drop-after\n").unwrap();
        let s = parse(&["--fault-script", good.to_str().unwrap()]).unwrap();
        assert!(s.is_active());
        assert_eq!(
            s.script,
            vec![ScriptedFault::new(
                Operation::AdminLinkProviderForUser,
                2,
                ScriptedEffect::Fault(Fault::Drop, ApplyPoint::AfterApply)
            )]
        );
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "ListUsers 1 throttle\nListUsers one throttle\n").unwrap();
        let err = parse(&["--fault-script", bad.to_str().unwrap()]).unwrap_err();
        assert!(err.starts_with("--fault-script "), "{err}");
        assert!(err.contains("line 2: the request number"), "{err}");
        let missing = dir.path().join("missing");
        let err = parse(&["--fault-script", missing.to_str().unwrap()]).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }

    #[test]
    fn bad_values_are_refused() {
        for bad in [
            &["--quota-rps", "0"][..],
            &["--quota-rps", "fast"],
            &["--fault-rate", "1.5"],
            &["--drop-rate", "-0.1"],
            &["--fault-rate", "0.6", "--drop-rate", "0.6"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
