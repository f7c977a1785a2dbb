//! A request-rate limiter shared by concurrent tasks, adapting when Cognito throttles.
//!
//! Requests are spaced evenly at the current rate (no bursts), so a client limited to the
//! quota never exceeds a token bucket of that quota. On `TooManyRequestsException` the rate is
//! halved (never below `min_rps`); after a second's worth of successes it climbs back by a
//! tenth of the configured rate (additive increase, multiplicative decrease).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::failure::Failure;

/// The limiter's state; pure and testable with synthetic instants.
#[derive(Clone, Debug)]
pub struct Pacer {
    max_rps: f64,
    min_rps: f64,
    rps: f64,
    next_slot: Option<Instant>,
    successes: u32,
    throttles: u64,
}

impl Pacer {
    /// `max_rps` of `f64::INFINITY` means unlimited.
    pub fn new(max_rps: f64) -> Self {
        let max_rps = if max_rps > 0.0 {
            max_rps
        } else {
            f64::INFINITY
        };
        Pacer {
            max_rps,
            min_rps: if max_rps.is_finite() {
                (max_rps / 16.0).max(0.5)
            } else {
                1.0
            },
            rps: max_rps,
            next_slot: None,
            successes: 0,
            throttles: 0,
        }
    }

    /// Reserves the next send slot at or after `now` and returns it.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        if !self.rps.is_finite() {
            return now;
        }
        let slot = self.next_slot.map_or(now, |s| s.max(now));
        self.next_slot = Some(slot + Duration::from_secs_f64(1.0 / self.rps));
        slot
    }

    pub fn on_success(&mut self) {
        if !self.rps.is_finite() || self.rps >= self.max_rps {
            return;
        }
        self.successes += 1;
        if f64::from(self.successes) >= self.rps {
            self.successes = 0;
            self.rps = (self.rps + self.max_rps / 10.0).min(self.max_rps);
        }
    }

    /// Halves the rate and pushes the next slot out by one interval of the new rate.
    pub fn on_throttle(&mut self, now: Instant) {
        self.throttles += 1;
        self.successes = 0;
        let base = if self.rps.is_finite() { self.rps } else { 64.0 };
        self.rps = (base / 2.0).max(self.min_rps);
        let pause = Duration::from_secs_f64(1.0 / self.rps);
        self.next_slot = Some(self.next_slot.map_or(now, |s| s.max(now)) + pause);
    }

    pub fn rate(&self) -> f64 {
        self.rps
    }

    pub fn throttles(&self) -> u64 {
        self.throttles
    }
}

/// A [`Pacer`] shared by tasks.
#[derive(Debug)]
pub struct RateLimiter {
    pacer: Mutex<Pacer>,
}

impl RateLimiter {
    pub fn new(max_rps: Option<f64>) -> Self {
        RateLimiter {
            pacer: Mutex::new(Pacer::new(max_rps.unwrap_or(f64::INFINITY))),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Pacer) -> T) -> T {
        let mut guard = self.pacer.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Waits for this task's send slot.
    pub async fn acquire(&self) {
        let now = Instant::now();
        let slot = self.with(|p| p.reserve(now));
        if slot > now {
            tokio::time::sleep_until(slot.into()).await;
        }
    }

    pub fn on_success(&self) {
        self.with(Pacer::on_success);
    }

    pub fn on_throttle(&self) {
        self.with(|p| p.on_throttle(Instant::now()));
    }

    pub fn rate(&self) -> f64 {
        self.with(|p| p.rate())
    }

    pub fn throttles(&self) -> u64 {
        self.with(|p| p.throttles())
    }
}

/// Sends a read (reads are idempotent) at the limiter's pace, and again after a transient
/// failure, up to `max_attempts` sends: throttling slows the shared limiter; 5xx, lost
/// connections and timeouts wait a growing pause. `on_retry` hears of each failure read again.
/// Never use it for changes: their unclear outcomes are read back, not resent.
pub async fn paced_read<T, Fut>(
    limiter: &RateLimiter,
    max_attempts: u32,
    mut read: impl FnMut() -> Fut,
    mut on_retry: impl FnMut(&Failure),
) -> Result<T, Failure>
where
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        limiter.acquire().await;
        match read().await {
            Ok(value) => {
                limiter.on_success();
                return Ok(value);
            }
            Err(f) if f.is_transient() && attempt < max_attempts => {
                if f.is_throttling() {
                    limiter.on_throttle();
                } else {
                    tokio::time::sleep(Duration::from_millis(50u64 << attempt.min(6))).await;
                }
                tracing::debug!(attempt, "read failed, reading again: {}", f.summary());
                on_retry(&f);
            }
            Err(f) => return Err(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_evenly_spaced_at_the_rate() {
        let mut p = Pacer::new(10.0);
        let t0 = Instant::now();
        let slots: Vec<_> = (0..5).map(|_| p.reserve(t0)).collect();
        for (i, s) in slots.iter().enumerate() {
            let expected = Duration::from_millis(100 * i as u64);
            let got = s.duration_since(t0);
            assert!(
                got.abs_diff(expected) < Duration::from_micros(10),
                "{i}: {got:?}"
            );
        }
    }

    #[test]
    fn idle_time_is_not_banked_as_a_burst() {
        let mut p = Pacer::new(10.0);
        let t0 = Instant::now();
        p.reserve(t0);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(p.reserve(later), later);
        assert_eq!(p.reserve(later), later + Duration::from_millis(100));
    }

    #[test]
    fn unlimited_never_waits() {
        let mut p = Pacer::new(f64::INFINITY);
        let t0 = Instant::now();
        assert!((0..100).all(|_| p.reserve(t0) == t0));
    }

    #[test]
    fn throttling_halves_then_recovers_additively() {
        let mut p = Pacer::new(30.0);
        let t0 = Instant::now();
        p.on_throttle(t0);
        assert_eq!(p.rate(), 15.0);
        p.on_throttle(t0);
        assert_eq!(p.rate(), 7.5);
        for _ in 0..8 {
            p.on_success();
        }
        assert_eq!(p.rate(), 10.5);
        for _ in 0..200 {
            p.on_success();
        }
        assert_eq!(p.rate(), 30.0);
        assert_eq!(p.throttles(), 2);
    }

    #[test]
    fn rate_never_falls_below_the_floor() {
        let mut p = Pacer::new(30.0);
        for _ in 0..50 {
            p.on_throttle(Instant::now());
        }
        assert!(p.rate() >= 30.0 / 16.0);
    }

    fn failure(kind: crate::aws::FailureKind) -> Failure {
        Failure {
            kind,
            code: None,
            message: String::new(),
            hint: None,
        }
    }

    #[tokio::test]
    async fn paced_reads_retry_transient_failures_and_slow_down_on_throttling() {
        use crate::aws::FailureKind;
        use crate::domain::ErrorKind;
        let limiter = RateLimiter::new(Some(1000.0));
        let mut answers = vec![
            Err(failure(FailureKind::Service(ErrorKind::TooManyRequests))),
            Err(failure(FailureKind::Timeout)),
            Ok(7),
        ]
        .into_iter();
        let mut retries = 0;
        let got = paced_read(
            &limiter,
            5,
            || std::future::ready(answers.next().unwrap()),
            |_| retries += 1,
        )
        .await;
        assert_eq!(got, Ok(7));
        assert_eq!(retries, 2);
        assert_eq!(limiter.throttles(), 1);
        assert!(limiter.rate() < 1000.0);
    }

    #[tokio::test]
    async fn paced_reads_give_up_on_final_failures_and_after_max_attempts() {
        use crate::aws::FailureKind;
        use crate::domain::ErrorKind;
        let limiter = RateLimiter::new(None);
        let mut sends = 0;
        let got: Result<(), Failure> = paced_read(
            &limiter,
            5,
            || {
                sends += 1;
                std::future::ready(Err(failure(FailureKind::Service(ErrorKind::UserNotFound))))
            },
            |_| (),
        )
        .await;
        assert!(got.is_err());
        assert_eq!(sends, 1, "a final failure is not sent again");
        let mut sends = 0;
        let got: Result<(), Failure> = paced_read(
            &limiter,
            3,
            || {
                sends += 1;
                std::future::ready(Err(failure(FailureKind::Service(ErrorKind::InternalError))))
            },
            |_| (),
        )
        .await;
        assert!(got.is_err());
        assert_eq!(sends, 3);
    }
}
