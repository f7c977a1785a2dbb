//! Fault, latency and quota simulation for the local endpoint (all off by default).
//!
//! For every request that names a known operation, the simulator decides at arrival:
//! 1. quota: a token bucket per request-rate category (spec §4), capacity = refill = the
//!    category's RPS, starting full. A request that finds less than one token is answered
//!    `TooManyRequestsException` / `Rate exceeded` (HTTP 400) and NOT performed; it takes no
//!    token. A client spacing requests evenly at exactly the quota is never throttled.
//! 2. faults (requests within the quota only): with probability `fault_rate` an
//!    `InternalErrorException` (HTTP 500), else with probability `drop_rate` a dropped
//!    connection (closed without any HTTP response). Each fault happens, with probability
//!    `fault_after_apply_fraction`, *after* the operation was performed (a change is then
//!    applied although the client sees a failure); otherwise before it (nothing is applied).
//!
//! 3. a fault script (`Simulation::script`, see `fault_script`) overrides the random draw
//!    for the requests it names, so tests meet the faults they assert on by construction.
//!
//! Latency (`latency` plus a uniform `0..=jitter`, counted from arrival) is waited before any
//! answer to such a request, including throttles, faults and drops; requests refused before
//! their operation is known (bad signature, unknown target) are answered at once. The random draws come from one RNG seeded with `seed`, so a
//! sequence of requests sent one at a time meets the same faults on every run.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::fault_script::{ApplyPoint, Fault, ScriptedEffect, ScriptedFault};
use super::ops::Operation;

/// Request-rate quota categories (spec §4) of the operations the endpoint implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    UserCreation,
    UserFederation,
    UserRead,
    UserUpdate,
    UserResourceRead,
    UserList,
    UserPoolRead,
    UserPoolUpdate,
    UserPoolResourceRead,
    UserPoolResourceUpdate,
}

/// Operation → quota category → the category's default RPS. UNVERIFIED: spec §4 gives the
/// categories and their defaults, but no stored source lists which operation is in which
/// category; this is the spec's best recollection. CreateUserPool is not in the spec at all
/// (UserPoolUpdate is a guess). Cognito's extra per-pool limits (≤5 RPS per pool per op for
/// UserPoolResource*) and per-user limits (10 reads/writes per second) are not simulated.
/// Rows of one category must agree on its RPS (checked by a test).
///
/// UNVERIFIED, the user and group operations, placed by the category descriptions of spec §4:
/// - AdminDeleteUser, AdminUpdateUserAttributes, AdminDeleteUserAttributes, AdminDisableUser,
///   AdminEnableUser, AdminAddUserToGroup, AdminRemoveUserFromGroup → UserUpdate: each changes
///   one user's profile (membership shows in the user's `cognito:groups` claim), like the
///   linking calls. UserResourceUpdate is for things a user owns besides the profile
///   (devices, auth-event feedback).
/// - AdminListGroupsForUser → UserResourceRead: reads something attached to one user, not
///   the user itself (UserRead) nor a pool resource.
/// - ListUsersInGroup → UserList: it lists users, and UserList is the one category for that.
/// - GetGroup, ListGroups → UserPoolResourceRead; CreateGroup, DeleteGroup →
///   UserPoolResourceUpdate: groups are pool resources, like identity providers.
pub const QUOTA_TABLE: [(Operation, Category, f64); 25] = [
    // coglink's simulated federated sign-in: Cognito's own federated sign-ins count in
    // UserFederation (cognito-fidelity (e)).
    (Operation::SignInFederated, Category::UserFederation, 25.0),
    (Operation::ListUsers, Category::UserList, 30.0),
    (Operation::AdminGetUser, Category::UserRead, 120.0),
    (Operation::AdminCreateUser, Category::UserCreation, 50.0),
    (
        Operation::AdminLinkProviderForUser,
        Category::UserUpdate,
        25.0,
    ),
    (
        Operation::AdminDisableProviderForUser,
        Category::UserUpdate,
        25.0,
    ),
    (Operation::ListUserPools, Category::UserPoolRead, 15.0),
    (Operation::DescribeUserPool, Category::UserPoolRead, 15.0),
    (Operation::CreateUserPool, Category::UserPoolUpdate, 15.0),
    (
        Operation::ListIdentityProviders,
        Category::UserPoolResourceRead,
        20.0,
    ),
    (
        Operation::DescribeIdentityProvider,
        Category::UserPoolResourceRead,
        20.0,
    ),
    (
        Operation::CreateIdentityProvider,
        Category::UserPoolResourceUpdate,
        15.0,
    ),
    (Operation::AdminDeleteUser, Category::UserUpdate, 25.0),
    (
        Operation::AdminUpdateUserAttributes,
        Category::UserUpdate,
        25.0,
    ),
    (
        Operation::AdminDeleteUserAttributes,
        Category::UserUpdate,
        25.0,
    ),
    (Operation::AdminDisableUser, Category::UserUpdate, 25.0),
    (Operation::AdminEnableUser, Category::UserUpdate, 25.0),
    (Operation::AdminAddUserToGroup, Category::UserUpdate, 25.0),
    (
        Operation::AdminRemoveUserFromGroup,
        Category::UserUpdate,
        25.0,
    ),
    (
        Operation::AdminListGroupsForUser,
        Category::UserResourceRead,
        50.0,
    ),
    (Operation::ListUsersInGroup, Category::UserList, 30.0),
    (Operation::GetGroup, Category::UserPoolResourceRead, 20.0),
    (Operation::ListGroups, Category::UserPoolResourceRead, 20.0),
    (
        Operation::CreateGroup,
        Category::UserPoolResourceUpdate,
        15.0,
    ),
    (
        Operation::DeleteGroup,
        Category::UserPoolResourceUpdate,
        15.0,
    ),
];

fn table_row(op: Operation) -> (Category, f64) {
    QUOTA_TABLE
        .iter()
        .find(|(o, _, _)| *o == op)
        .map(|&(_, c, rps)| (c, rps))
        .expect("every operation has a row in QUOTA_TABLE")
}

/// Which request-rate quota applies.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Quota {
    /// No quota.
    #[default]
    Off,
    /// The same RPS for every category (each category has its own bucket).
    Uniform(f64),
    /// The per-category defaults of [`QUOTA_TABLE`].
    Defaults,
}

/// What to simulate. `Simulation::default()` simulates nothing; set only what you need:
/// `Simulation { latency: Duration::from_millis(40), ..Default::default() }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Simulation {
    /// Fixed delay before every answer.
    pub latency: Duration,
    /// Extra delay, uniform in `0..=jitter`, added to `latency`.
    pub jitter: Duration,
    pub quota: Quota,
    /// Fraction (0..=1) of requests answered `InternalErrorException` (HTTP 500).
    pub fault_rate: f64,
    /// Fraction (0..=1) of requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Fraction (0..=1) of faults (5xx and drops) that happen after the operation was
    /// performed. 0 (the default): every fault happens before, nothing is applied.
    pub fault_after_apply_fraction: f64,
    /// RNG seed; None = a random one.
    pub seed: Option<u64>,
    /// Faults (5xx, drops) only for the changes (AdminLinkProviderForUser,
    /// AdminDisableProviderForUser); reads are never faulted. Latency and quota still apply.
    /// The script is not limited by it.
    pub faults_on_changes_only: bool,
    /// Scripted faults (see `fault_script`): the named requests meet these, whatever the
    /// random rates draw.
    pub script: Vec<ScriptedFault>,
    /// ListUsers pages as Cognito returns them in production (cognito-fidelity (b)3): with
    /// this seed, a page holds fewer users than `Limit` (sometimes none) and still carries
    /// a token while users remain. Deterministic: a page's size depends only on the seed,
    /// the pool and where the page starts.
    pub short_pages: Option<u64>,
}

impl Simulation {
    /// Whether any of it is on.
    pub fn is_active(&self) -> bool {
        *self
            != Simulation {
                seed: self.seed,
                fault_after_apply_fraction: self.fault_after_apply_fraction,
                faults_on_changes_only: self.faults_on_changes_only,
                ..Simulation::default()
            }
    }

    /// One line for `coglink local serve`, None when nothing is simulated.
    pub fn describe(&self) -> Option<String> {
        if !self.is_active() {
            return None;
        }
        let mut parts = Vec::new();
        if !self.latency.is_zero() || !self.jitter.is_zero() {
            parts.push(format!(
                "latency {} ms + 0..={} ms jitter",
                self.latency.as_millis(),
                self.jitter.as_millis()
            ));
        }
        match self.quota {
            Quota::Off => {}
            Quota::Uniform(rps) => parts.push(format!("quota {rps} RPS per category")),
            Quota::Defaults => parts.push("default per-category quotas (UNVERIFIED)".into()),
        }
        if self.fault_rate > 0.0 || self.drop_rate > 0.0 {
            parts.push(format!(
                "{}% InternalError, {}% dropped connections, {}% of them after applying{}",
                self.fault_rate * 100.0,
                self.drop_rate * 100.0,
                self.fault_after_apply_fraction * 100.0,
                if self.faults_on_changes_only {
                    ", on changes only"
                } else {
                    ""
                }
            ));
        }
        if let Some(seed) = self.short_pages {
            parts.push(format!("short ListUsers pages (seed {seed})"));
        }
        if !self.script.is_empty() {
            let entries: Vec<String> = self.script.iter().map(ToString::to_string).collect();
            parts.push(format!("scripted faults: {}", entries.join(", ")));
        }
        if let Some(seed) = self.seed {
            parts.push(format!("seed {seed}"));
        }
        Some(parts.join("; "))
    }
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    pub delay: Duration,
    pub throttled: bool,
    pub fault: Option<(Fault, ApplyPoint)>,
}

/// Counts of what the simulator did, for tests and measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SimulationStats {
    pub throttled: u64,
    pub internal_errors: u64,
    pub drops: u64,
}

/// A token bucket: `capacity` tokens, refilled at `rate` per second.
#[derive(Clone, Debug)]
struct Bucket {
    category: Category,
    rate: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.rate);
        self.at = self.at.max(now);
        // A small tolerance keeps float rounding from throttling a client that is exactly
        // at the quota.
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct Inner {
    rng: fastrand::Rng,
    buckets: Vec<Bucket>,
    stats: SimulationStats,
    /// Requests within the quota so far, per operation (the script's request numbers).
    counted: Vec<(Operation, u64)>,
    /// Which entries of the script were met.
    met: Vec<bool>,
}

/// The running simulation, shared by all requests.
pub struct Simulator {
    config: Simulation,
    inner: Mutex<Inner>,
}

impl Simulator {
    pub fn new(config: Simulation) -> Simulator {
        let rng = config
            .seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Simulator {
            inner: Mutex::new(Inner {
                rng,
                buckets: Vec::new(),
                stats: SimulationStats::default(),
                counted: Vec::new(),
                met: vec![false; config.script.len()],
            }),
            config,
        }
    }

    /// The script's entries whose request has not arrived (yet): empty once a test has met
    /// every fault it scripted.
    pub fn unmet_script(&self) -> Vec<ScriptedFault> {
        let inner = self.lock();
        self.config
            .script
            .iter()
            .zip(&inner.met)
            .filter(|(_, met)| !**met)
            .map(|(s, _)| *s)
            .collect()
    }

    /// The ListUsers short-page seed, if short pages are simulated.
    pub fn short_pages(&self) -> Option<u64> {
        self.config.short_pages
    }

    pub fn stats(&self) -> SimulationStats {
        self.lock().stats
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Decides the fate of a request for `op` that arrived at `now`.
    pub fn decide(&self, op: Operation, now: Instant) -> Decision {
        let c = &self.config;
        let mut inner = self.lock();
        let Inner {
            rng,
            buckets,
            stats,
            counted,
            met,
        } = &mut *inner;
        let jitter = if c.jitter.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_nanos(rng.u64(0..=c.jitter.as_nanos() as u64))
        };
        let delay = c.latency + jitter;
        let (category, default_rps) = table_row(op);
        let rps = match c.quota {
            Quota::Off => None,
            Quota::Uniform(rps) => Some(rps),
            Quota::Defaults => Some(default_rps),
        };
        if let Some(rps) = rps {
            let i = match buckets.iter().position(|b| b.category == category) {
                Some(i) => i,
                None => {
                    buckets.push(Bucket {
                        category,
                        rate: rps,
                        tokens: rps,
                        at: now,
                    });
                    buckets.len() - 1
                }
            };
            if !buckets[i].take(now) {
                stats.throttled += 1;
                return Decision {
                    delay,
                    throttled: true,
                    fault: None,
                };
            }
        }
        let nth = match counted.iter_mut().find(|(o, _)| *o == op) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counted.push((op, 1));
                1
            }
        };
        if let Some(i) = c
            .script
            .iter()
            .position(|s| s.operation == op && s.nth == nth)
        {
            met[i] = true;
            let fault = match c.script[i].effect {
                ScriptedEffect::Throttle => {
                    stats.throttled += 1;
                    return Decision {
                        delay,
                        throttled: true,
                        fault: None,
                    };
                }
                ScriptedEffect::Fault(fault, phase) => (fault, phase),
            };
            match fault.0 {
                Fault::Internal => stats.internal_errors += 1,
                Fault::Drop | Fault::Hang => stats.drops += 1,
                Fault::Twice => {}
            }
            return Decision {
                delay,
                throttled: false,
                fault: Some(fault),
            };
        }
        let is_change = matches!(
            op,
            Operation::AdminLinkProviderForUser | Operation::AdminDisableProviderForUser
        );
        if c.faults_on_changes_only && !is_change {
            return Decision {
                delay,
                throttled: false,
                fault: None,
            };
        }
        let draw = rng.f64();
        let fault = if draw < c.fault_rate {
            stats.internal_errors += 1;
            Some(Fault::Internal)
        } else if draw < c.fault_rate + c.drop_rate {
            stats.drops += 1;
            Some(Fault::Drop)
        } else {
            None
        };
        let fault = fault.map(|f| {
            let phase = if rng.f64() < c.fault_after_apply_fraction {
                ApplyPoint::AfterApply
            } else {
                ApplyPoint::BeforeApply
            };
            (f, phase)
        });
        Decision {
            delay,
            throttled: false,
            fault,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quota(q: Quota) -> Simulator {
        Simulator::new(Simulation {
            quota: q,
            seed: Some(1),
            ..Simulation::default()
        })
    }

    #[test]
    fn faults_on_changes_only_spare_every_read() {
        let sim = Simulator::new(Simulation {
            fault_rate: 0.5,
            drop_rate: 0.5,
            faults_on_changes_only: true,
            seed: Some(3),
            ..Simulation::default()
        });
        let now = Instant::now();
        for op in Operation::ALL {
            let change = matches!(
                op,
                Operation::AdminLinkProviderForUser | Operation::AdminDisableProviderForUser
            );
            for _ in 0..20 {
                assert_eq!(sim.decide(op, now).fault.is_some(), change, "{op:?}");
            }
        }
    }

    #[test]
    fn the_table_has_every_operation_once_and_one_rps_per_category() {
        for op in Operation::ALL {
            assert_eq!(
                QUOTA_TABLE.iter().filter(|r| r.0 == op).count(),
                1,
                "{op:?}"
            );
        }
        for (_, c, rps) in QUOTA_TABLE {
            assert!(
                QUOTA_TABLE.iter().all(|r| r.1 != c || r.2 == rps),
                "{c:?} has two figures"
            );
        }
        assert_eq!(table_row(Operation::ListUsers), (Category::UserList, 30.0));
    }

    #[test]
    fn evenly_spaced_requests_at_the_quota_are_never_throttled() {
        let sim = quota(Quota::Uniform(30.0));
        let t0 = Instant::now();
        for i in 0..300u32 {
            let at = t0 + Duration::from_secs_f64(f64::from(i) / 30.0);
            assert!(
                !sim.decide(Operation::ListUsers, at).throttled,
                "request {i}"
            );
        }
        assert_eq!(sim.stats().throttled, 0);
    }

    #[test]
    fn a_burst_beyond_the_capacity_is_throttled_until_tokens_refill() {
        let sim = quota(Quota::Uniform(10.0));
        let t0 = Instant::now();
        let passed = (0..15)
            .filter(|_| !sim.decide(Operation::ListUsers, t0).throttled)
            .count();
        assert_eq!(passed, 10);
        assert_eq!(sim.stats().throttled, 5);
        // A throttled request takes no token: 100 ms later exactly one more passes.
        let later = t0 + Duration::from_millis(100);
        assert!(!sim.decide(Operation::ListUsers, later).throttled);
        assert!(sim.decide(Operation::ListUsers, later).throttled);
    }

    #[test]
    fn categories_have_their_own_buckets_and_defaults() {
        let sim = quota(Quota::Defaults);
        let t0 = Instant::now();
        let passed = |op| (0..200).filter(|_| !sim.decide(op, t0).throttled).count();
        assert_eq!(passed(Operation::ListUsers), 30);
        assert_eq!(passed(Operation::AdminGetUser), 120);
        // Same category (UserUpdate, 25): the second op finds the bucket empty.
        assert_eq!(passed(Operation::AdminLinkProviderForUser), 25);
        assert_eq!(passed(Operation::AdminDisableProviderForUser), 0);
    }

    #[test]
    fn fault_rates_are_roughly_honoured_and_reproducible_with_a_seed() {
        let config = Simulation {
            fault_rate: 0.1,
            drop_rate: 0.2,
            fault_after_apply_fraction: 0.5,
            latency: Duration::from_millis(5),
            jitter: Duration::from_millis(10),
            seed: Some(42),
            ..Simulation::default()
        };
        let run = || {
            let sim = Simulator::new(config.clone());
            let t0 = Instant::now();
            let ds: Vec<Decision> = (0..10_000)
                .map(|_| sim.decide(Operation::AdminGetUser, t0))
                .collect();
            (ds, sim.stats())
        };
        let (ds, stats) = run();
        assert_eq!(run().0, ds);
        assert!((800..1200).contains(&stats.internal_errors), "{stats:?}");
        assert!((1700..2300).contains(&stats.drops), "{stats:?}");
        let after = ds
            .iter()
            .filter(|d| matches!(d.fault, Some((_, ApplyPoint::AfterApply))))
            .count() as u64;
        let faults = stats.internal_errors + stats.drops;
        assert!(
            after > faults / 3 && after < faults * 2 / 3,
            "{after} of {faults}"
        );
        assert!(
            ds.iter().all(
                |d| d.delay >= Duration::from_millis(5) && d.delay <= Duration::from_millis(15)
            )
        );
        assert!(ds.iter().any(|d| d.delay > Duration::from_millis(10)));
    }

    #[test]
    fn a_script_overrides_the_draw_for_the_requests_it_names_counted_within_the_quota() {
        use super::super::fault_script::{ScriptedEffect, ScriptedFault};
        let sim = Simulator::new(Simulation {
            quota: Quota::Uniform(2.0),
            fault_rate: 1.0,
            faults_on_changes_only: true,
            script: vec![
                ScriptedFault::new(
                    Operation::ListUsers,
                    3,
                    ScriptedEffect::Fault(Fault::Drop, ApplyPoint::AfterApply),
                ),
                ScriptedFault::new(Operation::ListUsers, 4, ScriptedEffect::Throttle),
                ScriptedFault::new(
                    Operation::AdminLinkProviderForUser,
                    1,
                    ScriptedEffect::Throttle,
                ),
                ScriptedFault::new(Operation::AdminGetUser, 9, ScriptedEffect::Throttle),
            ],
            ..Simulation::default()
        });
        let t0 = Instant::now();
        let list = |at| sim.decide(Operation::ListUsers, at);
        // Requests 1 and 2 pass (reads are not faulted: changes only); the third is over
        // the quota and not counted.
        assert_eq!(list(t0).fault, None);
        assert_eq!(list(t0).fault, None);
        assert!(list(t0).throttled);
        // Tokens back: the 3rd and 4th counted requests meet the script.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(list(t1).fault, Some((Fault::Drop, ApplyPoint::AfterApply)));
        let fourth = list(t1);
        assert!(fourth.throttled && fourth.fault.is_none());
        // A change: scripted throttle first, then the random rate (1.0) again.
        let link = |at| sim.decide(Operation::AdminLinkProviderForUser, at);
        assert!(link(t1).throttled);
        assert_eq!(link(t1).fault.map(|f| f.0), Some(Fault::Internal));
        assert_eq!(
            sim.stats(),
            SimulationStats {
                throttled: 3,
                internal_errors: 1,
                drops: 1
            }
        );
        assert_eq!(
            sim.unmet_script(),
            vec![ScriptedFault::new(
                Operation::AdminGetUser,
                9,
                ScriptedEffect::Throttle
            )]
        );
    }

    #[test]
    fn the_default_simulates_nothing() {
        assert!(!Simulation::default().is_active());
        let sim = Simulator::new(Simulation::default());
        let d = sim.decide(Operation::AdminCreateUser, Instant::now());
        assert_eq!(
            d,
            Decision {
                delay: Duration::ZERO,
                throttled: false,
                fault: None
            }
        );
        assert!(
            Simulation {
                drop_rate: 0.1,
                ..Default::default()
            }
            .is_active()
        );
    }
}
