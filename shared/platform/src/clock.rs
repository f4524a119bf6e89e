//! The one clock every service in a process reads (DESIGN.md "Time, outbox and sweeper").
//!
//! `SHANYRAQ_CLOCK` chooses how it starts: `system`, `fixed:<RFC 3339>` or
//! `offset:<duration>`. In the dev profile `ClockService` moves it: `SetTime` puts it at any
//! instant (past ones too, since the law's scenarios are dated) where it stands still;
//! `AdvanceTime` moves it forward; `UseSystemTime` returns to the system clock. Whoever needs to
//! act when time jumps (the deadline sweeper) subscribes to changes.
//!
//! This module is the only place allowed to read the system clock (clippy.toml).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use tokio::sync::watch;

/// Kazakhstan's single time zone since 1 March 2024: UTC+5.
pub const KAZAKHSTAN_OFFSET_SECONDS: i32 = 5 * 3600;

/// Kazakhstan's time zone, UTC+5.
pub fn kazakhstan() -> FixedOffset {
    #[allow(clippy::unwrap_used)] // a constant offset well inside FixedOffset's range
    FixedOffset::east_opt(KAZAKHSTAN_OFFSET_SECONDS).unwrap()
}

/// How the clock tells time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSetting {
    /// The system clock.
    System,
    /// A fixed instant: the clock stands still.
    Fixed(DateTime<Utc>),
    /// The system clock shifted by an offset: the clock runs.
    Offset(Duration),
}

impl ClockSetting {
    /// Parses `system`, `fixed:<RFC 3339>` or `offset:<duration>` (a leading `-` for the past).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "system" {
            return Ok(ClockSetting::System);
        }
        if let Some(instant) = text.strip_prefix("fixed:") {
            return DateTime::parse_from_rfc3339(instant.trim())
                .map(|t| ClockSetting::Fixed(t.with_timezone(&Utc)))
                .map_err(|e| format!("expected fixed:<RFC 3339 instant> ({e})"));
        }
        if let Some(offset) = text.strip_prefix("offset:") {
            let offset = offset.trim();
            let (sign, magnitude) = match offset.strip_prefix('-') {
                Some(rest) => (-1, rest),
                None => (1, offset.strip_prefix('+').unwrap_or(offset)),
            };
            let std = humantime::parse_duration(magnitude)
                .map_err(|e| format!("expected offset:<duration> such as offset:-3days ({e})"))?;
            let d = Duration::from_std(std).map_err(|e| format!("offset too large ({e})"))?;
            return Ok(ClockSetting::Offset(d * sign));
        }
        Err("expected `system`, `fixed:<RFC 3339>` or `offset:<duration>`".to_owned())
    }
}

/// The clock shared by every service in the process. Cloning shares it.
#[derive(Debug, Clone)]
pub struct Clock {
    state: Arc<RwLock<ClockSetting>>,
    /// Counts changes, so that subscribers wake when the clock is set or moved.
    changes: Arc<watch::Sender<u64>>,
}

/// Why the clock refused a move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// `AdvanceTime` moves forward only.
    #[error("the clock moves forward only; {0} is not a positive duration")]
    NotForward(Duration),
    /// The result is outside the representable range.
    #[error("the clock cannot be moved that far")]
    OutOfRange,
}

impl Clock {
    /// A clock in the given setting.
    pub fn new(setting: ClockSetting) -> Self {
        let (changes, _) = watch::channel(0);
        Clock { state: Arc::new(RwLock::new(setting)), changes: Arc::new(changes) }
    }

    /// The system clock.
    pub fn system() -> Self {
        Self::new(ClockSetting::System)
    }

    /// A clock standing still at `instant`: for tests.
    pub fn fixed(instant: DateTime<Utc>) -> Self {
        Self::new(ClockSetting::Fixed(instant))
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self.setting() {
            ClockSetting::System => system_now(),
            ClockSetting::Fixed(t) => t,
            ClockSetting::Offset(d) => system_now() + d,
        }
    }

    /// The current instant in Kazakhstan's time, UTC+5.
    pub fn now_local(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&kazakhstan())
    }

    /// How the clock tells time now.
    pub fn setting(&self) -> ClockSetting {
        *self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts the clock at `instant`, where it stands still.
    pub fn set(&self, instant: DateTime<Utc>) {
        self.replace(ClockSetting::Fixed(instant));
    }

    /// Moves the clock forward by `by`: a standing clock stays standing, a running one runs on.
    /// The clock never leaves the years a protobuf `Timestamp` carries ([`LATEST`]): a client
    /// could not read the time it answers.
    pub fn advance(&self, by: Duration) -> Result<(), ClockError> {
        if by <= Duration::zero() {
            return Err(ClockError::NotForward(by));
        }
        let next = match self.setting() {
            ClockSetting::Fixed(t) => ClockSetting::Fixed(t.checked_add_signed(by).ok_or(ClockError::OutOfRange)?),
            ClockSetting::System => ClockSetting::Offset(by),
            ClockSetting::Offset(d) => ClockSetting::Offset(d.checked_add(&by).ok_or(ClockError::OutOfRange)?),
        };
        let reached = match next {
            ClockSetting::Fixed(t) => Some(t),
            ClockSetting::Offset(d) => system_now().checked_add_signed(d),
            ClockSetting::System => Some(system_now()),
        };
        if !reached.is_some_and(within_timestamps) {
            return Err(ClockError::OutOfRange);
        }
        self.replace(next);
        Ok(())
    }

    /// Sets the clock to `instant`, standing, if a protobuf `Timestamp` carries it.
    pub fn try_set(&self, instant: DateTime<Utc>) -> Result<(), ClockError> {
        if !within_timestamps(instant) {
            return Err(ClockError::OutOfRange);
        }
        self.set(instant);
        Ok(())
    }

    /// Returns to the system clock.
    pub fn use_system_time(&self) {
        self.replace(ClockSetting::System);
    }

    /// A receiver that changes whenever the clock is set or moved.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn replace(&self, setting: ClockSetting) {
        *self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = setting;
        self.changes.send_modify(|n| *n += 1);
    }
}

/// The last instant a protobuf `Timestamp` carries: 9999-12-31T23:59:59Z.
pub const LATEST: i64 = 253_402_300_799;
/// The first: 0001-01-01T00:00:00Z.
pub const EARLIEST: i64 = -62_135_596_800;

fn within_timestamps(t: DateTime<Utc>) -> bool {
    (EARLIEST..=LATEST).contains(&t.timestamp())
}

#[allow(clippy::disallowed_methods)] // the one sanctioned read of the system clock
fn system_now() -> DateTime<Utc> {
    Utc::now()
}

/// The system clock, for the machinery's own timing only (leases, backoff, retention): these
/// must keep running when a test puts the law's clock in the past.
pub fn wall_time() -> DateTime<Utc> {
    system_now()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn settings_parse_from_their_documented_forms() {
        assert_eq!(ClockSetting::parse("system").unwrap(), ClockSetting::System);
        assert_eq!(
            ClockSetting::parse("fixed:2026-03-12T09:00:00+05:00").unwrap(),
            ClockSetting::Fixed(at("2026-03-12T04:00:00Z"))
        );
        assert_eq!(ClockSetting::parse("offset:-3days").unwrap(), ClockSetting::Offset(Duration::days(-3)));
        assert_eq!(ClockSetting::parse("offset:90m").unwrap(), ClockSetting::Offset(Duration::minutes(90)));
        assert!(ClockSetting::parse("fixed:yesterday").is_err());
        assert!(ClockSetting::parse("offset:soon").is_err());
        assert!(ClockSetting::parse("lunar").is_err());
    }

    #[test]
    fn a_set_clock_stands_still_at_any_instant_past_ones_too() {
        let clock = Clock::system();
        clock.set(at("2026-03-12T09:00:00+05:00"));
        assert_eq!(clock.now(), at("2026-03-12T04:00:00Z"));
        assert_eq!(clock.now(), at("2026-03-12T04:00:00Z"));
        assert_eq!(clock.now_local().to_rfc3339(), "2026-03-12T09:00:00+05:00");
    }

    #[test]
    fn advancing_moves_forward_only() {
        let clock = Clock::fixed(at("2026-03-12T04:00:00Z"));
        clock.advance(Duration::days(3)).unwrap();
        assert_eq!(clock.now(), at("2026-03-15T04:00:00Z"));
        assert_eq!(clock.advance(Duration::zero()), Err(ClockError::NotForward(Duration::zero())));
        assert!(clock.advance(Duration::seconds(-1)).is_err());
        assert_eq!(clock.now(), at("2026-03-15T04:00:00Z"), "a refused move changes nothing");
    }

    #[test]
    fn advancing_a_running_clock_keeps_it_running_ahead() {
        let clock = Clock::system();
        clock.advance(Duration::days(365)).unwrap();
        assert_eq!(clock.setting(), ClockSetting::Offset(Duration::days(365)));
        assert!(clock.now() > system_now() + Duration::days(364));
        clock.advance(Duration::days(1)).unwrap();
        assert_eq!(clock.setting(), ClockSetting::Offset(Duration::days(366)));
    }

    #[test]
    fn use_system_time_returns_to_the_system_clock() {
        let clock = Clock::fixed(at("2000-01-01T00:00:00Z"));
        clock.use_system_time();
        assert_eq!(clock.setting(), ClockSetting::System);
        assert!(clock.now() > at("2026-01-01T00:00:00Z"));
    }

    #[test]
    fn clones_share_one_clock_and_subscribers_see_every_change() {
        let clock = Clock::system();
        let other = clock.clone();
        let mut changes = clock.subscribe();
        other.set(at("2026-03-12T04:00:00Z"));
        assert!(changes.has_changed().unwrap());
        assert_eq!(clock.now(), at("2026-03-12T04:00:00Z"));
        changes.mark_unchanged();
        clock.advance(Duration::hours(1)).unwrap();
        assert!(changes.has_changed().unwrap());
    }
}
