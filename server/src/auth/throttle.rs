//! Slows down password guessing: after a few failures for the same name or from the same
//! address, further attempts are refused for a while that doubles with each failure.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before the first wait.
const FREE_FAILURES: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// A key with no failure for this long starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Default)]
pub struct Throttle {
    keys: Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Throttle {
    /// `Err(wait)` if an attempt for any of `keys` must wait that long first.
    pub fn check(&self, keys: &[&str], now: Instant) -> Result<(), Duration> {
        let map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let wait = keys
            .iter()
            .filter_map(|key| map.get(*key))
            .filter_map(|f| wait_for(f.count).map(|w| (f.last + w).saturating_duration_since(now)))
            .max()
            .unwrap_or_default();
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    pub fn failed(&self, keys: &[&str], now: Instant) {
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, f| now.saturating_duration_since(f.last) < FORGET_AFTER);
        for key in keys {
            let entry = map.entry((*key).to_owned()).or_insert(Failures { count: 0, last: now });
            entry.count += 1;
            entry.last = now;
        }
    }

    pub fn succeeded(&self, keys: &[&str]) {
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            map.remove(*key);
        }
    }
}

fn wait_for(failures: u32) -> Option<Duration> {
    let over = failures.checked_sub(FREE_FAILURES)?;
    let wait = FIRST_WAIT.saturating_mul(1u32.checked_shl(over).unwrap_or(u32::MAX));
    Some(wait.min(LONGEST_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_and_the_sixth_attempt_waits() {
        let throttle = Throttle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES {
            assert_eq!(throttle.check(&["ana"], start), Ok(()));
            throttle.failed(&["ana"], start);
        }
        assert_eq!(throttle.check(&["ana"], start), Err(FIRST_WAIT));
        assert_eq!(throttle.check(&["bo"], start), Ok(()));
        assert_eq!(throttle.check(&["ana"], start + FIRST_WAIT), Ok(()));
    }

    #[test]
    fn waits_double_and_stop_growing() {
        assert_eq!(wait_for(7), Some(FIRST_WAIT * 4));
        assert_eq!(wait_for(200), Some(LONGEST_WAIT));
    }

    #[test]
    fn a_success_clears_the_count() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for _ in 0..10 {
            throttle.failed(&["ana"], now);
        }
        throttle.succeeded(&["ana"]);
        assert_eq!(throttle.check(&["ana"], now), Ok(()));
    }
}
