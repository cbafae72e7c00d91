//! Time rows: one shift (or part of one) of one kind, in Swedish wall-clock time.
//!
//! Assistants report real clock times. Durations are computed in Europe/Stockholm so that a
//! night across a daylight-saving change counts the hours actually worked (FK's own example:
//! 00:00–04:00 the night summer time ends is 5 hours). The clock times are never adjusted.

pub use super::kind::TimeKind;
use super::{Minutes, TZ};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which of the two 02:00–02:59 the night summer time ends: the first (still summer time,
/// CEST) or the second (winter time, CET). Asked for only when a time is ambiguous.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DstFold {
    Summer,
    Winter,
}

impl DstFold {
    pub fn code(self) -> &'static str {
        match self {
            DstFold::Summer => "summer",
            DstFold::Winter => "winter",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [DstFold::Summer, DstFold::Winter].into_iter().find(|f| f.code() == s)
    }
}

/// What the add-row form sends, exactly as typed. Parsing it gives a [`TimeRow`] or the
/// reasons why not, each tied to a field so the form can show it next to that field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowInput {
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// Checkbox: the shift ends after midnight, on the next day.
    #[serde(default, deserialize_with = "checkbox")]
    pub next_day: bool,
    #[serde(default)]
    pub kind: String,
    /// `summer` / `winter` when a time falls in the repeated autumn hour; empty otherwise.
    /// Applies to the start, and to the end too unless `fold_end` says otherwise.
    #[serde(default)]
    pub fold: String,
    /// The end's own choice, so a shift from the first 02:30 to the second can be entered.
    #[serde(default)]
    pub fold_end: String,
}

impl RowInput {
    /// A stored row as its form shows it (to edit it).
    pub fn of(row: &TimeRow, recipient: i64) -> Self {
        RowInput {
            recipient: recipient.to_string(),
            date: row.date().format("%Y-%m-%d").to_string(),
            start: row.start().format("%H:%M").to_string(),
            end: row.end().format("%H:%M").to_string(),
            next_day: row.next_day(),
            kind: row.kind().code().to_string(),
            fold: row.fold().map(|f| f.code().to_string()).unwrap_or_default(),
            fold_end: row.fold_end().map(|f| f.code().to_string()).unwrap_or_default(),
        }
    }
}

/// HTML checkboxes send "on" when ticked and nothing when not; JSON carries a bool.
pub(crate) fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Checkbox {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<Checkbox>::deserialize(d)? {
        Some(Checkbox::Bool(b)) => b,
        Some(Checkbox::Text(s)) => matches!(s.as_str(), "on" | "true" | "1"),
        None => false,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowField {
    Recipient,
    Date,
    Start,
    End,
    Kind,
}

impl RowField {
    pub const ALL: [RowField; 5] =
        [RowField::Recipient, RowField::Date, RowField::Start, RowField::End, RowField::Kind];

    pub fn name(self) -> &'static str {
        match self {
            RowField::Recipient => "recipient",
            RowField::Date => "date",
            RowField::Start => "start",
            RowField::End => "end",
            RowField::Kind => "kind",
        }
    }
}

/// Why a row cannot be saved. Messages live in the app (`app::i18n`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowError {
    RecipientMissing,
    /// The recipient is unknown or not assigned to this assistant on that date.
    NotAssigned,
    DateInvalid,
    TimeInvalid(RowField),
    /// The wall-clock time does not exist (the hour skipped when summer time starts).
    TimeNonexistent(RowField),
    /// The wall-clock time happens twice (the hour repeated when summer time ends).
    TimeAmbiguous(RowField),
    EndNotAfterStart,
    /// A clocked shift runs over more than two calendar days: no single row can hold it.
    TooLongForOneRow,
    KindInvalid,
    /// Rule V3: overlaps another of the assistant's rows (for any recipient).
    Overlap {
        date: String,
        start: String,
        end: String,
    },
    /// The month has been submitted; rows can no longer be added.
    MonthLocked,
    /// Further ahead than a planned shift may be entered (the last allowed date).
    TooFarAhead(String),
    /// The month's FK deadline has passed (the deadline); only an administrator may correct it.
    MonthClosed(String),
    /// No decision on assistance covers the date.
    NoDecision,
    /// An error-level finding of the rules engine (V2, V4, V5, …).
    Rule(super::finding::Finding),
}

impl RowError {
    pub fn field(&self) -> RowField {
        match self {
            RowError::RecipientMissing | RowError::NotAssigned => RowField::Recipient,
            RowError::DateInvalid
            | RowError::MonthLocked
            | RowError::TooFarAhead(_)
            | RowError::MonthClosed(_)
            | RowError::NoDecision => RowField::Date,
            RowError::TimeInvalid(f)
            | RowError::TimeNonexistent(f)
            | RowError::TimeAmbiguous(f) => *f,
            RowError::EndNotAfterStart | RowError::TooLongForOneRow => RowField::End,
            RowError::Overlap { .. } => RowField::Start,
            RowError::KindInvalid => RowField::Kind,
            RowError::Rule(f) => match f.rule {
                super::finding::RuleId::V2 => RowField::Recipient,
                super::finding::RuleId::V4 => RowField::Kind,
                super::finding::RuleId::V5 => RowField::End,
                _ => RowField::Date,
            },
        }
    }
}

/// A valid time row. It exists only through [`TimeRow::new`] / [`RowInput::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeRow {
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    next_day: bool,
    kind: TimeKind,
    /// Set only when the start is in the repeated autumn hour.
    fold: Option<DstFold>,
    /// Set only when the end is in the repeated autumn hour.
    fold_end: Option<DstFold>,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
}

/// Parses `07:30`, `7:30`, `07.30` (FK's paper style), `0730` and `7`.
/// Works on characters, never byte offsets: anything a person can type is answered with a
/// `None`, never a panic.
pub fn parse_clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    if !s.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.') {
        return None;
    }
    // Only ASCII is left, so byte positions are character positions from here on.
    let (h, m) = if let Some((h, m)) = s.split_once([':', '.']) {
        (h, m)
    } else if s.len() == 4 {
        s.split_at(2)
    } else if s.len() <= 2 {
        (s, "00")
    } else {
        return None;
    };
    if h.is_empty()
        || h.len() > 2
        || m.len() != 2
        || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Is `s` the end of the day, `24:00`, in any of the ways [`parse_clock`] reads a time
/// (`24:00`, `24.00`, `2400`, `24`)?
pub fn is_end_of_day(s: &str) -> bool {
    matches!(s.trim(), "24:00" | "24.00" | "2400" | "24")
}

/// Local midnight at the start of `date` as an instant (midnight always exists in Sweden:
/// the clocks change at 02:00/03:00).
pub fn midnight_utc(date: NaiveDate) -> DateTime<Utc> {
    TZ.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .expect("midnight exists in Europe/Stockholm")
        .with_timezone(&Utc)
}

/// The instant the clocks go back on `date` (03:00 summer time becomes 02:00 winter time), if
/// summer time ends that day.
fn autumn_change(date: NaiveDate) -> Option<DateTime<Utc>> {
    match TZ.from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(2, 0, 0)?)) {
        chrono::LocalResult::Ambiguous(_, second) => Some(second.with_timezone(&Utc)),
        _ => None,
    }
}

/// One calendar day's part of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPart {
    pub date: NaiveDate,
    pub start: NaiveTime,
    /// `None`: until midnight (24:00).
    pub end: Option<NaiveTime>,
    pub kind: TimeKind,
    pub minutes: Minutes,
}

impl DayPart {
    /// `HH:MM`, with `24:00` for a part that runs to midnight.
    pub fn end_text(&self) -> String {
        self.end.map(|t| t.format("%H:%M").to_string()).unwrap_or_else(|| "24:00".into())
    }
}

/// The instant of a wall-clock time, and whether it needed the fold to be found.
fn resolve(
    date: NaiveDate,
    time: NaiveTime,
    field: RowField,
    fold: Option<DstFold>,
) -> Result<(DateTime<Utc>, bool), RowError> {
    match TZ.from_local_datetime(&date.and_time(time)) {
        chrono::LocalResult::Single(t) => Ok((t.with_timezone(&Utc), false)),
        chrono::LocalResult::None => Err(RowError::TimeNonexistent(field)),
        // `first` is the earlier instant: the hour as it first passes, still in summer time.
        chrono::LocalResult::Ambiguous(first, second) => match fold {
            Some(DstFold::Summer) => Ok((first.with_timezone(&Utc), true)),
            Some(DstFold::Winter) => Ok((second.with_timezone(&Utc), true)),
            None => Err(RowError::TimeAmbiguous(field)),
        },
    }
}

impl TimeRow {
    pub fn new(
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
        next_day: bool,
        kind: TimeKind,
    ) -> Result<Self, Vec<RowError>> {
        Self::with_folds(date, start, end, next_day, kind, None, None)
    }

    /// As [`TimeRow::new`], with the user's explicit choice for a time in the repeated autumn
    /// hour, one per end of the row. Without a choice such a time is refused, never guessed.
    pub fn with_folds(
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
        next_day: bool,
        kind: TimeKind,
        fold: Option<DstFold>,
        fold_end: Option<DstFold>,
    ) -> Result<Self, Vec<RowError>> {
        // Only dates whose month BITA handles: every row has a report month ([`TimeRow::month`]).
        if super::ReportMonth::of(date).is_none() {
            return Err(vec![RowError::DateInvalid]);
        }
        let end_date = if next_day {
            date.succ_opt().ok_or_else(|| vec![RowError::DateInvalid])?
        } else {
            date
        };
        let s = resolve(date, start, RowField::Start, fold);
        let e = resolve(end_date, end, RowField::End, fold_end);
        match (s, e) {
            (Ok((start_at, sf)), Ok((end_at, ef))) if end_at > start_at => Ok(Self {
                date,
                start,
                end,
                next_day,
                kind,
                fold: if sf { fold } else { None },
                fold_end: if ef { fold_end } else { None },
                start_at,
                end_at,
            }),
            (Ok(_), Ok(_)) => Err(vec![RowError::EndNotAfterStart]),
            (s, e) => Err([s.err(), e.err()].into_iter().flatten().collect()),
        }
    }

    /// The start's autumn-hour choice, when it needed one.
    pub fn fold(&self) -> Option<DstFold> {
        self.fold
    }

    /// The end's autumn-hour choice, when it needed one.
    pub fn fold_end(&self) -> Option<DstFold> {
        self.fold_end
    }

    /// Starts or ends in the hour that happens twice the night summer time ends (FK's sum of
    /// such a 3059 can differ from the 3057: the administrator is told to check with FK).
    pub fn in_repeated_hour(&self) -> bool {
        self.fold.is_some() || self.fold_end.is_some()
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The report month of the row's first day.
    pub fn month(&self) -> super::ReportMonth {
        super::ReportMonth::of(self.date)
            .expect("a row's date is in ReportMonth::YEARS: checked when the row was made")
    }
    pub fn start(&self) -> NaiveTime {
        self.start
    }
    pub fn end(&self) -> NaiveTime {
        self.end
    }
    pub fn next_day(&self) -> bool {
        self.next_day
    }
    pub fn kind(&self) -> TimeKind {
        self.kind
    }

    /// Real elapsed time, daylight-saving changes included.
    pub fn minutes(&self) -> Minutes {
        Minutes((self.end_at - self.start_at).num_minutes())
    }

    /// Rule V3: two rows overlap when their real time intervals share any minute.
    /// Touching rows (one ends 15:00, the next starts 15:00) do not overlap.
    pub fn overlaps(&self, other: &TimeRow) -> bool {
        self.start_at < other.end_at && other.start_at < self.end_at
    }

    /// The instant the row starts, for sorting.
    pub fn start_at(&self) -> DateTime<Utc> {
        self.start_at
    }

    /// The instant the row ends.
    pub fn end_at(&self) -> DateTime<Utc> {
        self.end_at
    }

    /// The row split at midnight, as FK's day-based form wants it. A part that runs to midnight
    /// ends at 24:00 (`end` is `None`); each part keeps its real minutes (DST included), and
    /// the parts' minutes add up to the row's.
    pub fn day_parts(&self) -> Vec<DayPart> {
        if !self.next_day || self.end == NaiveTime::MIN {
            // Ends the same day, or exactly at midnight: one part.
            let end = if self.next_day { None } else { Some(self.end) };
            return vec![DayPart {
                date: self.date,
                start: self.start,
                end,
                kind: self.kind,
                minutes: self.minutes(),
            }];
        }
        let next = self.date.succ_opt().expect("TimeRow::new checked the next day exists");
        let midnight = midnight_utc(next);
        vec![
            DayPart {
                date: self.date,
                start: self.start,
                end: None,
                kind: self.kind,
                minutes: Minutes((midnight - self.start_at).num_minutes()),
            },
            DayPart {
                date: next,
                start: NaiveTime::MIN,
                end: Some(self.end),
                kind: self.kind,
                minutes: Minutes((self.end_at - midnight).num_minutes()),
            },
        ]
    }

    /// The day parts as FK's 3059 writes them: [`TimeRow::day_parts`], except that a part that
    /// crosses the night summer time ends with an end in the repeated hour (02:00–02:59) is
    /// split at the change: `02:30`–`03:00` and `02:00`–`02:30` instead of `02:30`–`02:30`,
    /// which reads as no time at all. Each piece's from–to read on the clock is then its real
    /// length, and FK's sum of the rows is the time worked. A part whose ends are both outside
    /// the repeated hour stays whole: FK itself counts `00:00`–`04:00` that night as 5 hours.
    pub fn fk_parts(&self) -> Vec<DayPart> {
        let parts = self.day_parts();
        let mut out = Vec::with_capacity(parts.len());
        let repeated = |t: NaiveTime| t.hour() == 2;
        for (i, p) in parts.iter().enumerate() {
            let from = if i == 0 { self.start_at } else { midnight_utc(p.date) };
            let to = if i + 1 == parts.len() {
                self.end_at
            } else {
                p.date.succ_opt().map(midnight_utc).unwrap_or(self.end_at)
            };
            match autumn_change(p.date) {
                Some(change)
                    if from < change
                        && change < to
                        && (repeated(p.start) || p.end.is_some_and(repeated)) =>
                {
                    let (two, three) = (
                        NaiveTime::from_hms_opt(2, 0, 0).unwrap_or(NaiveTime::MIN),
                        NaiveTime::from_hms_opt(3, 0, 0).unwrap_or(NaiveTime::MIN),
                    );
                    out.push(DayPart {
                        end: Some(three),
                        minutes: Minutes((change - from).num_minutes()),
                        ..*p
                    });
                    out.push(DayPart {
                        start: two,
                        minutes: Minutes((to - change).num_minutes()),
                        ..*p
                    });
                }
                _ => out.push(*p),
            }
        }
        out
    }

    /// Length of the shift if it had no DST change: used to tell the user about the change.
    pub fn clock_minutes(&self) -> Minutes {
        let days = if self.next_day { Duration::days(1) } else { Duration::zero() };
        Minutes((self.end - self.start + days).num_minutes())
    }
}

impl RowInput {
    /// Checks everything that can be checked without the database. The recipient is only
    /// checked for presence here; whether it is the assistant's is the server's question.
    pub fn parse(&self) -> Result<TimeRow, Vec<RowError>> {
        let mut errors = Vec::new();
        if self.recipient.trim().is_empty() {
            errors.push(RowError::RecipientMissing);
        }
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok();
        if date.is_none() {
            errors.push(RowError::DateInvalid);
        }
        let start = parse_clock(&self.start);
        if start.is_none() {
            errors.push(RowError::TimeInvalid(RowField::Start));
        }
        // `24:00` ends the row at the end of its day (midnight, as the next day's 00:00): people
        // write it, and FK's paper form does. A start cannot be 24:00.
        let (end, next_day) = if is_end_of_day(&self.end) {
            (Some(NaiveTime::MIN), true)
        } else {
            (parse_clock(&self.end), self.next_day)
        };
        if end.is_none() {
            errors.push(RowError::TimeInvalid(RowField::End));
        }
        let kind = TimeKind::from_code(self.kind.trim());
        if kind.is_none() {
            errors.push(RowError::KindInvalid);
        }
        let fold = DstFold::from_code(self.fold.trim());
        let fold_end = DstFold::from_code(self.fold_end.trim()).or(fold);
        match (date, start, end, kind) {
            (Some(d), Some(s), Some(e), Some(k)) => {
                match TimeRow::with_folds(d, s, e, next_day, k, fold, fold_end) {
                    Ok(row) if errors.is_empty() => Ok(row),
                    Ok(_) => Err(errors),
                    Err(mut more) => {
                        errors.append(&mut more);
                        Err(errors)
                    }
                }
            }
            _ => Err(errors),
        }
    }
}

/// Minutes per kind for a set of rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub aktiv: Minutes,
    pub vantetid: Minutes,
    pub beredskap: Minutes,
}

impl Totals {
    pub fn add(&mut self, kind: TimeKind, m: Minutes) {
        match kind {
            TimeKind::Aktiv => self.aktiv += m,
            TimeKind::Vantetid => self.vantetid += m,
            TimeKind::Beredskap => self.beredskap += m,
        }
    }

    pub fn of<'a>(rows: impl IntoIterator<Item = &'a TimeRow>) -> Self {
        let mut t = Totals::default();
        for r in rows {
            t.add(r.kind(), r.minutes());
        }
        t
    }

    pub fn get(&self, kind: TimeKind) -> Minutes {
        match kind {
            TimeKind::Aktiv => self.aktiv,
            TimeKind::Vantetid => self.vantetid,
            TimeKind::Beredskap => self.beredskap,
        }
    }

    /// Estimated payable hours = aktiv + väntetid/4 + beredskap/7, exact (not rounded).
    pub fn payable_hours(&self) -> Decimal {
        Decimal::from(self.aktiv.0) / Decimal::from(60)
            + Decimal::from(self.vantetid.0) / Decimal::from(240)
            + Decimal::from(self.beredskap.0) / Decimal::from(420)
    }
}

impl std::ops::Add for Totals {
    type Output = Totals;
    fn add(self, o: Totals) -> Totals {
        Totals {
            aktiv: self.aktiv + o.aktiv,
            vantetid: self.vantetid + o.vantetid,
            beredskap: self.beredskap + o.beredskap,
        }
    }
}

/// A month's rows as canonical text, one line per row, sorted (order-independent): the bytes
/// an assistant's attestation with e-legitimation signs, and what [`content_hash`] hashes.
pub fn content_lines<'a>(rows: impl IntoIterator<Item = &'a TimeRow>) -> String {
    let mut lines: Vec<String> = rows
        .into_iter()
        .map(|r| {
            let fold = |f: Option<DstFold>| f.map(|f| f.code()).unwrap_or("");
            format!(
                "{};{};{};{};{};{};{}\n",
                r.date(),
                r.start().format("%H:%M"),
                r.end().format("%H:%M"),
                r.next_day(),
                r.kind().code(),
                fold(r.fold()),
                fold(r.fold_end())
            )
        })
        .collect();
    lines.sort();
    lines.concat()
}

/// SHA-256 (hex) of a month's rows, order-independent: what the recipient saw when approving
/// is compared with what is stored when the approval is written.
pub fn content_hash<'a>(rows: impl IntoIterator<Item = &'a TimeRow>) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(content_lines(rows).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(date: &str, start: &str, end: &str, next_day: bool) -> RowInput {
        RowInput {
            recipient: "1".into(),
            date: date.into(),
            start: start.into(),
            end: end.into(),
            next_day,
            kind: "aktiv".into(),
            fold: String::new(),
            fold_end: String::new(),
        }
    }

    #[test]
    fn an_ordinary_day_shift() {
        let row = input("2026-11-23", "07:00", "15:30", false).parse().unwrap();
        assert_eq!(row.minutes(), Minutes(8 * 60 + 30));
    }

    #[test]
    fn fk_example_night_summer_time_ends_is_five_hours() {
        // 2026-10-25 is the last Sunday of October: 03:00 CEST becomes 02:00 CET.
        // 00:00 CEST (22:00 UTC) to 04:00 CET (03:00 UTC) = 5 h.
        let row = input("2026-10-25", "00:00", "04:00", false).parse().unwrap();
        assert_eq!(row.minutes(), Minutes(300));
        assert_eq!(row.clock_minutes(), Minutes(240));
    }

    #[test]
    fn night_summer_time_starts_is_three_hours() {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST. 00:00 CET (23:00 UTC) to 04:00 CEST (02:00 UTC) = 3 h.
        assert_eq!(
            input("2026-03-29", "00:00", "04:00", false).parse().unwrap().minutes(),
            Minutes(180)
        );
    }

    #[test]
    fn a_time_in_the_skipped_hour_is_rejected_and_the_repeated_hour_needs_a_choice() {
        assert_eq!(
            input("2026-03-29", "02:30", "06:00", false).parse(),
            Err(vec![RowError::TimeNonexistent(RowField::Start)])
        );
        assert_eq!(
            input("2026-10-25", "00:00", "02:30", false).parse(),
            Err(vec![RowError::TimeAmbiguous(RowField::End)])
        );
    }

    #[test]
    fn the_repeated_autumn_hour_is_resolved_by_an_explicit_choice() {
        // 2026-10-25: 00:00 CEST = 22:00 UTC. 02:30 first time (CEST) = 00:30 UTC → 2 h 30;
        // 02:30 second time (CET) = 01:30 UTC → 3 h 30.
        let mut i = input("2026-10-25", "00:00", "02:30", false);
        i.fold = "summer".into();
        let summer = i.parse().unwrap();
        // One choice given applies to both ends; only the end needed it here.
        assert_eq!(
            (summer.minutes(), summer.fold(), summer.fold_end()),
            (Minutes(150), None, Some(DstFold::Summer))
        );
        i.fold = "winter".into();
        assert_eq!(i.parse().unwrap().minutes(), Minutes(210));
        // Issue 7: one choice per end: from the first 02:30 to the second 02:30 is one hour.
        let mut both = input("2026-10-25", "02:30", "02:30", false);
        both.fold = "summer".into();
        both.fold_end = "winter".into();
        let both = both.parse().unwrap();
        assert_eq!(
            (both.minutes(), both.fold(), both.fold_end(), both.in_repeated_hour()),
            (Minutes(60), Some(DstFold::Summer), Some(DstFold::Winter), true)
        );
        // A choice on a row that needs none is dropped.
        let mut plain = input("2026-10-26", "00:00", "02:30", false);
        plain.fold = "winter".into();
        assert_eq!(plain.parse().unwrap().fold(), None);
    }

    #[test]
    fn fk_s_parts_never_read_as_no_time_in_the_repeated_hour() {
        let folded = |start: &str, end: &str, fold: &str, fold_end: &str| {
            let mut i = input("2026-10-25", start, end, false);
            (i.fold, i.fold_end) = (fold.into(), fold_end.into());
            i.parse().unwrap()
        };
        let clock = |p: &DayPart| (p.start.format("%H:%M").to_string(), p.end_text(), p.minutes.0);
        // Issue 24 item 6: the first 02:30 to the second 02:30 was written 2.30–2.30.
        let hour = folded("02:30", "02:30", "summer", "winter");
        assert_eq!(
            hour.fk_parts().iter().map(clock).collect::<Vec<_>>(),
            [("02:30".into(), "03:00".into(), 30), ("02:00".into(), "02:30".into(), 30)]
        );
        // From before the change to the second 02:30: 01:00–03:00 (2 h) and 02:00–02:30.
        let across = folded("01:00", "02:30", "", "winter");
        assert_eq!(
            across.fk_parts().iter().map(clock).collect::<Vec<_>>(),
            [("01:00".into(), "03:00".into(), 120), ("02:00".into(), "02:30".into(), 30)]
        );
        // Each piece reads on the clock as its real length, and the pieces add up to the row.
        for row in [&hour, &across] {
            let parts = row.fk_parts();
            assert_eq!(parts.iter().map(|p| p.minutes).sum::<Minutes>(), row.minutes());
            assert!(
                parts
                    .iter()
                    .all(|p| (p.end.unwrap_or(NaiveTime::MIN) - p.start).num_minutes()
                        == p.minutes.0)
            );
        }
        // The neighbours that must not change: FK's own example 00:00–04:00 (5 h) stays one
        // part; a part inside one occurrence of the hour, and any other night, are left alone.
        let fk_example = input("2026-10-25", "00:00", "04:00", false).parse().unwrap();
        assert_eq!(fk_example.fk_parts(), fk_example.day_parts());
        assert_eq!(fk_example.fk_parts()[0].minutes, Minutes(300));
        let inside = folded("02:10", "02:40", "winter", "winter");
        assert_eq!(inside.fk_parts(), inside.day_parts());
        let night = input("2026-10-24", "22:00", "04:00", true).parse().unwrap();
        assert_eq!(night.fk_parts(), night.day_parts());
    }

    #[test]
    fn a_night_shift_across_midnight_needs_the_next_day_box() {
        // 22:00–07:00 = 2 h before midnight + 7 h after.
        assert_eq!(
            input("2026-11-23", "22:00", "07:00", true).parse().unwrap().minutes(),
            Minutes(9 * 60)
        );
        assert_eq!(
            input("2026-11-23", "22:00", "07:00", false).parse(),
            Err(vec![RowError::EndNotAfterStart])
        );
        assert_eq!(
            input("2026-11-23", "08:00", "08:00", false).parse(),
            Err(vec![RowError::EndNotAfterStart])
        );
    }

    #[test]
    fn a_night_shift_splits_at_midnight_into_parts_that_add_up() {
        // 22:00–07:00: 2 h on the first day (22→24), 7 h on the next (00→07).
        let row = input("2026-11-30", "22:00", "07:00", true).parse().unwrap();
        let parts = row.day_parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].date.to_string(), parts[0].end_text(), parts[0].minutes),
            ("2026-11-30".into(), "24:00".into(), Minutes(120))
        );
        assert_eq!(
            (parts[1].date.to_string(), parts[1].start.to_string(), parts[1].minutes),
            ("2026-12-01".into(), "00:00:00".into(), Minutes(420))
        );
        // The night summer time ends: 22:00–04:00 is 2 h + 5 h (02:00–03:00 happens twice).
        let dst = input("2026-10-24", "22:00", "04:00", true).parse().unwrap();
        assert_eq!(dst.day_parts().iter().map(|p| p.minutes).sum::<Minutes>(), Minutes(420));
        // Ending exactly at midnight is one part to 24:00.
        let to_midnight = input("2026-11-23", "16:00", "00:00", true).parse().unwrap();
        assert_eq!(to_midnight.day_parts().len(), 1);
        assert_eq!(to_midnight.day_parts()[0].end_text(), "24:00");
    }

    #[test]
    fn twenty_four_is_the_end_of_the_day_as_people_write_it() {
        // Issue 24 item 8: 24:00 was refused ("Skriv tiden som TT:MM"), and 23:59 lost a minute.
        for end in ["24:00", "24.00", "2400", "24"] {
            let row = input("2026-11-23", "16:00", end, false).parse().unwrap();
            assert_eq!(
                (row.minutes(), row.day_parts().len(), row.day_parts()[0].end_text()),
                (Minutes(8 * 60), 1, "24:00".to_string()),
                "{end}"
            );
            // The next-day box changes nothing: 24:00 is the end of the row's own day.
            assert_eq!(input("2026-11-23", "16:00", end, true).parse().unwrap(), row);
        }
        // A whole day, and the neighbour that must not change: 23:59 is still a minute short.
        assert_eq!(
            input("2026-11-23", "00:00", "24:00", false).parse().unwrap().minutes(),
            Minutes(24 * 60)
        );
        assert_eq!(
            input("2026-11-23", "16:00", "23:59", false).parse().unwrap().minutes(),
            Minutes(8 * 60 - 1)
        );
        // The night summer time ends: 20:00–24:00 is 4 h (the repeated hour is after midnight).
        assert_eq!(
            input("2026-10-24", "20:00", "24:00", false).parse().unwrap().minutes(),
            Minutes(4 * 60)
        );
        assert!(
            input("2026-11-23", "24:00", "08:00", false).parse().is_err(),
            "a start is never 24:00"
        );
        assert_eq!(
            input("262142-11-23", "16:00", "24:00", false).parse(),
            Err(vec![RowError::DateInvalid])
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = RowInput {
            recipient: "".into(),
            date: "23/11".into(),
            start: "7:5".into(),
            end: "25:00".into(),
            next_day: false,
            kind: "jour".into(),
            fold: String::new(),
            fold_end: String::new(),
        };
        assert_eq!(
            bad.parse().unwrap_err(),
            vec![
                RowError::RecipientMissing,
                RowError::DateInvalid,
                RowError::TimeInvalid(RowField::Start),
                RowError::TimeInvalid(RowField::End),
                RowError::KindInvalid
            ]
        );
    }

    #[test]
    fn clock_times_in_the_usual_forms() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_clock("07:30"), t(7, 30));
        assert_eq!(parse_clock("7.30"), t(7, 30));
        assert_eq!(parse_clock("0730"), t(7, 30));
        assert_eq!(parse_clock("7"), t(7, 0));
        assert_eq!(parse_clock("7:5"), None);
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("ab:cd"), None);
        // Issue 7: multi-byte characters where a byte offset would split one (this panicked).
        for s in ["1å2", "1é2", "a€", "€€€€", "12€", "1:å0"] {
            assert_eq!(parse_clock(s), None, "{s}");
        }
    }

    #[test]
    fn overlap_is_about_real_time_and_touching_is_fine() {
        let a = input("2026-11-23", "07:00", "15:00", false).parse().unwrap();
        let b = input("2026-11-23", "15:00", "22:00", false).parse().unwrap();
        let c = input("2026-11-22", "22:00", "07:30", true).parse().unwrap();
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert!(a.overlaps(&c) && c.overlaps(&a));
    }

    #[test]
    fn payable_hours_weigh_vantetid_a_quarter_and_beredskap_a_seventh() {
        // 8 h aktiv + 8 h väntetid (= 2 h) + 7 h beredskap (= 1 h) = 11 h.
        let t = Totals { aktiv: Minutes(480), vantetid: Minutes(480), beredskap: Minutes(420) };
        assert_eq!(t.payable_hours(), Decimal::from(11));
    }
}
