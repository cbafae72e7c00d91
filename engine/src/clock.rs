//! Clocking in and out: a running shift is an instant it started and a kind; when it ends (or
//! switches kind) it becomes a [`TimeRow`] in Swedish wall-clock time. Times are whole minutes;
//! the autumn hour that happens twice is told apart by the instants, never asked for.

use super::TZ;
use super::row::{DstFold, RowError, TimeKind, TimeRow};
use chrono::{DateTime, Duration, NaiveTime, Offset, TimeZone, Timelike, Utc};

/// A running shift is flagged as left running (forgotten) once it has run this long and a new
/// day has begun: a night shift over midnight is not flagged, a day shift forgotten is.
pub const LEFT_RUNNING_AFTER_HOURS: i64 = 14;

/// `at` truncated to the whole minute.
pub fn whole_minute(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(at)
}

/// A clock time typed on the shift card ("I started at 22:00"): the most recent moment with
/// that wall-clock time at or before `now`, so 22:00 typed at 01:30 is yesterday's 22:00. In the
/// repeated autumn hour the later of the two is the more recent; a time skipped in spring is
/// refused. Empty means `now`.
pub fn recent_clock_time(typed: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, RowError> {
    let now = whole_minute(now);
    if typed.trim().is_empty() {
        return Ok(now);
    }
    let time: NaiveTime =
        super::row::parse_clock(typed).ok_or(RowError::TimeInvalid(super::RowField::Start))?;
    let today = now.with_timezone(&TZ).date_naive();
    for date in [today, today.pred_opt().unwrap_or(today)] {
        let candidates: Vec<DateTime<Utc>> = match TZ.from_local_datetime(&date.and_time(time)) {
            chrono::LocalResult::Single(t) => vec![t.with_timezone(&Utc)],
            chrono::LocalResult::Ambiguous(a, b) => {
                vec![b.with_timezone(&Utc), a.with_timezone(&Utc)]
            }
            chrono::LocalResult::None => {
                return Err(RowError::TimeNonexistent(super::RowField::Start));
            }
        };
        if let Some(t) = candidates.into_iter().find(|t| *t <= now) {
            return Ok(t);
        }
    }
    Err(RowError::TimeInvalid(super::RowField::Start))
}

/// The wall-clock row for the real interval `start`..`end`: its date is the start's, it ends the
/// next day when the end is on the next date, and a time in the repeated autumn hour carries
/// which of the two it was. An interval over more than two calendar days is no single row.
pub fn row_between(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    kind: TimeKind,
) -> Result<TimeRow, Vec<RowError>> {
    let (start, end) = (whole_minute(start), whole_minute(end));
    if end <= start {
        return Err(vec![RowError::EndNotAfterStart]);
    }
    let (s, e) = (start.with_timezone(&TZ), end.with_timezone(&TZ));
    let date = s.date_naive();
    let next_day = e.date_naive() != date;
    if next_day && date.succ_opt() != Some(e.date_naive()) {
        return Err(vec![RowError::TooLongForOneRow]);
    }
    // Summer time is UTC+2: the first pass of the repeated hour.
    let fold = |t: chrono::DateTime<chrono_tz::Tz>| {
        Some(if t.offset().fix().local_minus_utc() == 7200 {
            DstFold::Summer
        } else {
            DstFold::Winter
        })
    };
    TimeRow::with_folds(date, s.time(), e.time(), next_day, kind, fold(s), fold(e))
}

/// Has the shift that started at `started` been left running (see [`LEFT_RUNNING_AFTER_HOURS`])?
pub fn left_running(started: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now.with_timezone(&TZ).date_naive() > started.with_timezone(&TZ).date_naive()
        && now - started >= Duration::hours(LEFT_RUNNING_AFTER_HOURS)
}

/// An instant as BITA stores it: UTC, RFC 3339 to the millisecond.
pub fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A stored instant as people read it: Swedish local time to the minute (what is not an
/// instant is shown as it is).
pub fn local_time(iso: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(iso)
        .map(|t| t.with_timezone(&TZ).format("%Y-%m-%d %H:%M").to_string())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%d %H:%M:%S")
                .map(|t| t.and_utc().with_timezone(&TZ).format("%Y-%m-%d %H:%M").to_string())
        })
        .unwrap_or_else(|_| iso.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Minutes;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_typed_time_is_its_most_recent_past_moment() {
        // 01:30 on 24 Nov (UTC+1): 22:00 is the evening before, 01:00 is half an hour ago.
        let now = utc("2026-11-24T00:30:40Z");
        assert_eq!(recent_clock_time("22:00", now).unwrap(), utc("2026-11-23T21:00:00Z"));
        assert_eq!(recent_clock_time("01:00", now).unwrap(), utc("2026-11-24T00:00:00Z"));
        assert_eq!(recent_clock_time("", now).unwrap(), utc("2026-11-24T00:30:00Z"));
        assert_eq!(recent_clock_time("1:30", now).unwrap(), utc("2026-11-24T00:30:00Z"));
        assert!(recent_clock_time("25:00", now).is_err());
        assert!(recent_clock_time("kl 8", now).is_err());
        // The spring night: 02:30 does not exist on 29 March 2026.
        assert_eq!(
            recent_clock_time("02:30", utc("2026-03-29T02:00:00Z")),
            Err(RowError::TimeNonexistent(crate::RowField::Start))
        );
        // The autumn night, at 02:40 winter time: 02:30 is the second pass (10 minutes ago).
        assert_eq!(
            recent_clock_time("02:30", utc("2026-10-25T01:40:00Z")).unwrap(),
            utc("2026-10-25T01:30:00Z")
        );
        // At 02:40 summer time (the first pass), 02:30 is 10 minutes ago too.
        assert_eq!(
            recent_clock_time("02:30", utc("2026-10-25T00:40:00Z")).unwrap(),
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn a_clocked_interval_becomes_a_wall_clock_row() {
        // A night shift over midnight.
        let r = row_between(
            utc("2026-11-23T21:00:00Z"),
            utc("2026-11-24T06:00:00Z"),
            TimeKind::Vantetid,
        )
        .unwrap();
        assert_eq!(
            (r.date().to_string(), r.start().to_string(), r.end().to_string(), r.next_day()),
            ("2026-11-23".into(), "22:00:00".into(), "07:00:00".into(), true)
        );
        assert_eq!(r.minutes(), Minutes(9 * 60));
        // FK's DST night: 00:00–04:00 on 25 Oct 2026 is five real hours.
        let r =
            row_between(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T03:00:00Z"), TimeKind::Aktiv)
                .unwrap();
        assert_eq!(
            (r.start().to_string(), r.end().to_string(), r.minutes()),
            ("00:00:00".into(), "04:00:00".into(), Minutes(300))
        );
        // From the first 02:30 to the second: an hour, told apart by the instants.
        let r =
            row_between(utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:30:00Z"), TimeKind::Aktiv)
                .unwrap();
        assert_eq!(
            (r.fold(), r.fold_end(), r.minutes()),
            (Some(DstFold::Summer), Some(DstFold::Winter), Minutes(60))
        );
        // Seconds are dropped; less than a minute is no row; three calendar days are no row.
        assert_eq!(
            row_between(utc("2026-11-24T08:00:59Z"), utc("2026-11-24T08:00:10Z"), TimeKind::Aktiv),
            Err(vec![RowError::EndNotAfterStart])
        );
        assert_eq!(
            row_between(utc("2026-11-22T08:00:00Z"), utc("2026-11-24T08:00:00Z"), TimeKind::Aktiv),
            Err(vec![RowError::TooLongForOneRow])
        );
    }

    #[test]
    fn a_forgotten_shift_is_flagged_the_next_day_but_a_night_shift_is_not() {
        let started = utc("2026-11-23T21:00:00Z"); // 22:00
        assert!(!left_running(started, utc("2026-11-24T06:00:00Z")), "07:00 after a night");
        assert!(left_running(started, utc("2026-11-24T11:00:00Z")), "12:00 the next day");
        let day = utc("2026-11-23T07:00:00Z"); // 08:00
        assert!(!left_running(day, utc("2026-11-23T22:50:00Z")), "still the same day");
        assert!(left_running(day, utc("2026-11-23T23:10:00Z")), "00:10 the next day, 16 h");
    }
}
