//! Schedules (issue 27): the planner's pages (a work leader's recipients, or all of them for
//! the administrator), the assistant's planned shifts, and the forms that change them.

use super::{Flash, Me, Person};
use crate::domain::rules::Finding;
use crate::domain::{ReportMonth, TimeKind};
use serde::{Deserialize, Serialize};

/// Payable hours against what the decisions grant for the month, drawn as a bar: each figure
/// as text (hours with two decimals) and its share of the bar's length (0–100).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HoursBar {
    /// None: no decision covers the month.
    pub granted: Option<String>,
    pub planned: String,
    pub reported: String,
    /// Granted less planned (negative: planned over the grant).
    pub left: Option<String>,
    /// Planned more than granted.
    pub over: bool,
    pub granted_pct: u32,
    pub planned_pct: u32,
    pub reported_pct: u32,
}

/// One recipient on the schedule overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduleSummary {
    pub recipient: Person,
    pub made: bool,
    pub published: bool,
    pub shifts: usize,
    pub vacant: usize,
    /// Planned shifts with a rule's finding.
    pub flagged: usize,
    pub bar: HoursBar,
}

/// Follow-up per assistant × recipient: planned against reported, and the planned shifts that
/// have ended and are neither confirmed nor marked as not worked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairFollowUp {
    pub assistant: Person,
    pub recipient: Person,
    pub planned: String,
    pub reported: String,
    pub unconfirmed: usize,
    /// The month report's status and key (to attest an approved one).
    pub status: crate::domain::MonthStatus,
    pub key: Option<i64>,
    /// Someone has not acted: the assistant has not submitted, or the recipient not approved.
    pub waiting: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchedulesPage {
    pub me: Me,
    pub month: ReportMonth,
    pub recipients: Vec<ScheduleSummary>,
    pub pairs: Vec<PairFollowUp>,
    /// Assistants with unconfirmed shifts (the reminder goes to each once a day).
    pub to_remind: usize,
    pub flash: Flash,
    pub form_key: String,
}

/// A shift of the base schedule as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseShiftView {
    pub id: i64,
    /// 1 for the first week.
    pub week: u8,
    /// 0 Monday … 6 Sunday.
    pub weekday: u8,
    pub start: String,
    pub end: String,
    pub kind: TimeKind,
    pub assistant: Option<Person>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseView {
    pub weeks: u8,
    pub starts_on: String,
    pub shifts: Vec<BaseShiftView>,
}

/// Where a planned shift stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlannedState {
    Open,
    Confirmed,
    NotWorked,
    Cancelled,
}

/// A shift of the month's schedule as shown, with what the rules say of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedView {
    pub id: i64,
    pub date: String,
    pub weekday: u8,
    pub start: String,
    pub end: String,
    pub next_day: bool,
    pub kind: TimeKind,
    /// Hours as worked (a night across a clock change differs from the clock).
    pub hours: String,
    pub dst: bool,
    pub assistant: Option<Person>,
    pub recipient: Person,
    pub extra: bool,
    pub state: PlannedState,
    pub findings: Vec<Finding>,
    /// The assistant has no assignment with the recipient that day.
    pub not_assigned: bool,
    /// It has ended (the assistant may settle it).
    pub ended: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    /// When it was published (Swedish time), None while a draft.
    pub published: Option<String>,
    pub shifts: Vec<PlannedView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchedulePage {
    pub me: Me,
    pub month: ReportMonth,
    pub recipient: Person,
    /// The assistants assigned to the recipient, to plan.
    pub assistants: Vec<Person>,
    pub base: Option<BaseView>,
    pub plan: Option<PlanView>,
    pub bar: HoursBar,
    /// Whether the recipient's decisions grant double assistance some day of the month.
    pub double: bool,
    /// The shift whose swap form is open (`?byt=`): one list of the month's other shifts,
    /// not one per shift (a 200-shift month would be megabytes).
    pub swapping: Option<i64>,
    pub flash: Flash,
    pub form_key: String,
}

/// The base schedule's length and first Monday.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseInput {
    #[serde(default)]
    pub weeks: String,
    #[serde(default)]
    pub starts_on: String,
}

/// A shift of the base schedule as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseShiftInput {
    #[serde(default)]
    pub week: String,
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub kind: String,
    /// An assistant's id, or empty: vacant.
    #[serde(default)]
    pub assistant: String,
}

/// An extra shift of the month as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtraShiftInput {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub assistant: String,
}

/// A work leader and the recipients given them, on the administrator's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkLeaderView {
    pub user: i64,
    pub name: String,
    pub username: String,
    pub active: bool,
    pub recipients: Vec<Person>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkLeadersPage {
    pub me: Me,
    pub leaders: Vec<WorkLeaderView>,
    /// Every recipient of the municipality, to give.
    pub recipients: Vec<Person>,
    pub flash: Flash,
    pub form_key: String,
}

/// The assistant's planned shifts, on their page: today's and the coming week's, and those
/// of the month that have ended and are still open.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantPlan {
    pub shifts: Vec<PlannedView>,
    /// A calendar subscription exists.
    pub calendar: bool,
    /// The calendar's address, shown once after it was made.
    pub calendar_link: Option<String>,
    /// "Jobbade annorlunda": the shift whose values fill the row form (`?planerat=`).
    pub filling: Option<(i64, crate::domain::RowInput)>,
}
