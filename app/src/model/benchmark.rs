//! The municipalities' comparison page (issue 29).

use super::{Flash, Me};
use crate::domain::benchmark::Metric;
use serde::{Deserialize, Serialize};

/// The comparison as an administrator of a municipality sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkPage {
    pub me: Me,
    /// The municipality takes part (its own choice; off until an administrator turns it on).
    pub taking_part: bool,
    /// When its figures were last computed (local time, `YYYY-MM-DD HH:MM`), if they were.
    pub computed_at: Option<String>,
    /// How many municipalities take part.
    pub participants: usize,
    /// The months shown, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
    /// Every measure's months (empty when the municipality does not take part).
    pub measures: Vec<MeasureView>,
    pub form_key: String,
    pub flash: Flash,
}

/// One measure over the months shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureView {
    pub metric: Metric,
    /// One per month shown, in the same order.
    pub points: Vec<Point>,
}

/// A measure's month: the municipality's own figure and the spread over those taking part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub month: String,
    pub own: Option<f64>,
    /// How many municipalities gave a figure.
    pub contributors: i64,
    /// Lower quartile, median, upper quartile; None when fewer than five gave a figure.
    pub quartiles: Option<(f64, f64, f64)>,
}

/// A figure as shown and downloaded: one decimal, a decimal comma (as Swedish spreadsheets read
/// it).
pub fn number(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}
