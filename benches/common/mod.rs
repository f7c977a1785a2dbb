//! Helpers shared by the benchmarks (`mod common;` in each; not every bench uses all).
#![allow(dead_code)]

use std::time::Duration;

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A memory figure of this process from /proc/self/status (`VmHWM:`, `VmRSS:`), in KiB;
/// 0 where /proc is unavailable.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// This process's peak resident memory (`VmHWM`), in KiB; 0 where /proc is unavailable.
pub fn peak_kib() -> u64 {
    status_kib("VmHWM:")
}

/// This process's resident memory now (`VmRSS`), in KiB; 0 where /proc is unavailable.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// Min, median, 95th percentile and max of a sample, in milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub n: usize,
    pub min: f64,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for an empty sample. Percentiles by the nearest-rank method.
    pub fn of(sample: &[Duration]) -> Option<Spread> {
        if sample.is_empty() {
            return None;
        }
        let mut ms: Vec<f64> = sample.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let rank = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
        Some(Spread {
            n: ms.len(),
            min: ms[0],
            median: rank(0.5),
            p95: rank(0.95),
            max: ms[ms.len() - 1],
        })
    }
}
