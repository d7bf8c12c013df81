//! Prometheus text exposition, by hand: a few counters, a gauge and a histogram do not need
//! a metrics framework. Nothing here ever carries personal data: labels are fixed words.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds, in seconds, of the flush-latency buckets.
const BUCKETS_S: [f64; 12] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0];

#[derive(Debug, Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS_S.len()],
    count: AtomicU64,
    sum_ns: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        if let Some(i) = BUCKETS_S.iter().position(|bound| seconds <= *bound) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.sum_ns.fetch_add(nanos, Ordering::Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, count) in BUCKETS_S.iter().zip(&self.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_ns.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
    }
}

/// The outcome of a command, as counted.
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    Accepted,
    Duplicate,
    Rejected,
    Conflict,
    Forbidden,
    Invalid,
    Failed,
}

const OUTCOMES: [(Outcome, &str); 7] = [
    (Outcome::Accepted, "accepted"),
    (Outcome::Duplicate, "duplicate"),
    (Outcome::Rejected, "rejected"),
    (Outcome::Conflict, "conflict"),
    (Outcome::Forbidden, "forbidden"),
    (Outcome::Invalid, "invalid"),
    (Outcome::Failed, "failed"),
];

/// Kept by the log's writer.
#[derive(Debug, Default)]
pub struct LogStats {
    pub events_appended: AtomicU64,
    pub commits: Histogram,
}

/// Kept by the HTTP layer.
#[derive(Debug, Default)]
pub struct Metrics {
    commands: [AtomicU64; OUTCOMES.len()],
    pub sockets: AtomicI64,
    pub resyncs: AtomicU64,
}

impl Metrics {
    pub fn command(&self, outcome: Outcome) {
        self.commands[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, log: &LogStats) -> String {
        let mut out = String::new();
        let appended = log.events_appended.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP potluck_events_appended_total Events made durable in the log.\n\
             # TYPE potluck_events_appended_total counter\npotluck_events_appended_total {appended}"
        );
        log.commits.render(
            "potluck_log_commit_seconds",
            "Time of one group commit: batch write, flush and fdatasync.",
            &mut out,
        );
        let _ = writeln!(
            out,
            "# HELP potluck_commands_total Commands received, by outcome.\n\
             # TYPE potluck_commands_total counter"
        );
        for (outcome, label) in OUTCOMES {
            let count = self.commands[outcome as usize].load(Ordering::Relaxed);
            let _ = writeln!(out, "potluck_commands_total{{outcome=\"{label}\"}} {count}");
        }
        let sockets = self.sockets.load(Ordering::Relaxed);
        let resyncs = self.resyncs.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP potluck_websockets Connected WebSocket clients.\n\
             # TYPE potluck_websockets gauge\npotluck_websockets {sockets}\n\
             # HELP potluck_websocket_resyncs_total Slow clients dropped to a fresh snapshot.\n\
             # TYPE potluck_websocket_resyncs_total counter\npotluck_websocket_resyncs_total {resyncs}"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_everything() {
        let log = LogStats::default();
        log.commits.observe(Duration::from_micros(300));
        log.commits.observe(Duration::from_millis(3));
        log.commits.observe(Duration::from_secs(5));
        let text = Metrics::default().render(&log);
        assert!(text.contains("potluck_log_commit_seconds_bucket{le=\"0.0005\"} 1\n"), "{text}");
        assert!(text.contains("potluck_log_commit_seconds_bucket{le=\"0.005\"} 2\n"), "{text}");
        assert!(text.contains("potluck_log_commit_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
    }

    #[test]
    fn commands_are_counted_by_outcome() {
        let metrics = Metrics::default();
        metrics.command(Outcome::Rejected);
        metrics.command(Outcome::Rejected);
        assert!(
            metrics
                .render(&LogStats::default())
                .contains("potluck_commands_total{outcome=\"rejected\"} 2\n")
        );
    }
}
