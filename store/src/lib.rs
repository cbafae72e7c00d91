//! The storage port: traits per aggregate (the register, settings, signing, export, shifts),
//! implemented per database by the server crate (`server::db`) and used only by the app's
//! service layer. They return records (never page views or display strings: a stored instant
//! stays as stored, and the pages word it). A personnummer leaves a list masked; the full number
//! is handed out only by the methods that ask for it, whose callers audit the view. Every method
//! that reads or writes people's data takes the tenant, so no query can forget it.

use chrono::NaiveDate;
use engine::people::Role;
use engine::rules::{Absence, RowFacts};
use engine::{Assistant, Decision, MonthStatus, Recipient, ReportMonth, TimeRow};
use std::collections::HashMap;

pub type RepoResult<T> = Result<T, RepoError>;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The database refused the change because of what must never exist.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    #[error("database error: {0}")]
    Db(String),
}

/// What the database's own constraints refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// Another of the assistant's rows covers part of the same time (V3).
    Overlap,
    /// The row's month is not a draft.
    MonthLocked,
    /// The same thing already exists (a unique key).
    Duplicate,
}

/// What a change does when the database refuses one of its rows (a [`Conflict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnRefusal {
    /// It goes on without the row (copying a week skips one row and keeps the rest).
    GoOn,
    /// It ends, and nothing of it is kept: PostgreSQL then needs no savepoint around the row
    /// (two round trips fewer while the change holds its municipality's lock).
    End,
}

/// One entry of the audit log: who, from where, what, and the content before and after
/// (JSON with personnummer masked). Written in the same transaction as the change.
#[derive(Clone, Debug, Default)]
pub struct AuditEntry {
    pub tenant: Option<i64>,
    pub user: Option<i64>,
    /// The username as typed, for login events.
    pub actor: Option<String>,
    pub client: Option<String>,
    pub action: &'static str,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A failed-login counter (per username or per client address).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i64,
    /// Unix seconds until which attempts are refused without checking the password.
    pub blocked_until: i64,
}

/// Who is asking, loaded from the database for every request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub role: Role,
    pub display_name: String,
    /// For assistants: their assistant record.
    pub assistant_id: Option<i64>,
    /// For recipients: themselves; for representatives: those they act for; for work
    /// leaders: the recipients given them.
    pub recipient_ids: Vec<i64>,
    /// Raised by the database when the password, the account's activity or the role changes:
    /// a session started in an earlier epoch has ended (on every server).
    pub session_epoch: i64,
    /// What the municipality lets only a strong sign-in reach.
    pub strong_for: engine::people::StrongFor,
}

#[derive(Clone, Debug)]
pub struct Credentials {
    pub user_id: i64,
    pub tenant_id: i64,
    pub password_hash: String,
    pub session_epoch: i64,
}

#[derive(Clone, Debug)]
pub struct StoredRow {
    pub id: i64,
    pub assistant_id: i64,
    pub recipient_id: i64,
    pub row: TimeRow,
}

impl StoredRow {
    /// The row as the rules engine checks it.
    pub fn into_record(self) -> engine::rules::RowRecord {
        engine::rules::RowRecord {
            id: self.id,
            assistant: self.assistant_id,
            recipient: self.recipient_id,
            row: self.row,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MonthRecord {
    /// None while nothing has been stored for the month yet.
    pub id: Option<i64>,
    pub assistant_id: i64,
    pub assistant_name: String,
    pub recipient_id: i64,
    pub recipient_name: String,
    pub status: MonthStatus,
    pub rejected_reason: Option<String>,
}

/// The people and decisions of a tenant, as the rules engine needs them.
#[derive(Clone, Debug, Default)]
pub struct People {
    pub assistants: HashMap<i64, Assistant>,
    pub recipients: HashMap<i64, Recipient>,
    /// (assistant, recipient) pairs with an assignment.
    pub assignments: Vec<(i64, i64)>,
    pub decisions: Vec<Decision>,
    pub absences: Vec<Absence>,
}

impl People {
    /// What the rules need to know of `assistant`'s rows for each recipient they are assigned
    /// to (or only `recipient`), by recipient name: the facts the row form checks with.
    pub fn row_facts(&self, assistant: i64, recipient: Option<i64>) -> Vec<RowFacts> {
        let Some(a) = self.assistants.get(&assistant) else { return vec![] };
        let mut out: Vec<RowFacts> = self
            .assignments
            .iter()
            .filter(|(aid, rid)| *aid == assistant && recipient.is_none_or(|r| r == *rid))
            .filter_map(|(_, rid)| self.recipients.get(rid))
            .map(|r| RowFacts::new(a, r, &self.decisions, &self.absences))
            .collect();
        out.sort_by(|x, y| x.recipient_name.cmp(&y.recipient_name));
        out
    }
}

/// The database: hands out a [`Store`] for reads, or one inside a write transaction.
#[async_trait::async_trait]
pub trait Repo: Send + Sync + 'static {
    async fn ping(&self) -> RepoResult<()>;
    /// A connection for reads; `finish` just returns it.
    async fn read(&self) -> RepoResult<Box<dyn Store>>;
    /// A write transaction that holds the database's write lock from its first statement, so
    /// what it reads stays true until it commits (`finish`); dropped unfinished, it rolls back.
    /// This one is the installation's: for what is no one municipality's (a login, an account
    /// found by its name) — every municipality's changes wait for it.
    async fn write(&self) -> RepoResult<Box<dyn Store>>;
    /// [`Repo::write`] for a change of one municipality: it holds that municipality's write
    /// lock, and another municipality's changes go on beside it where the database allows
    /// (PostgreSQL; SQLite has one lock for all). Its audit entries are that municipality's.
    async fn write_in(&self, tenant: i64) -> RepoResult<Box<dyn Store>>;
    /// A change of one municipality that inserts a new row checked before it began (against
    /// a read of `row.versions`), with its audit entry and the outcome under its form's key.
    /// It is inserted together with the other new rows waiting for the municipality's lock,
    /// in one statement that holds for each only while nothing its read covers has moved
    /// since and its form's key is unused. `Some(id)` once committed; `None`: nothing was
    /// inserted (a version moved, the key was used, or the database refused a row of the
    /// statement), and the caller checks the row the long way, in a change of its own.
    async fn insert_new_row(&self, row: NewRow) -> RepoResult<Option<i64>>;
}

/// A new row for [`Repo::insert_new_row`].
pub struct NewRow {
    pub tenant: i64,
    pub assistant: i64,
    pub recipient: i64,
    pub row: TimeRow,
    pub by_user: i64,
    /// The versions of what the row was checked against ([`RowContext::versions`]).
    pub versions: ContextVersions,
    /// The form's idempotency key, and the outcome (JSON) to store under it.
    pub key: Option<String>,
    pub outcome: String,
    /// The change's audit entry, given the new row's id.
    pub audit: Box<dyn FnOnce(i64) -> AuditEntry + Send>,
}

/// Every query, on one connection or inside one transaction. Every method that reads or
/// writes people's data takes the tenant, so no query can forget it.
#[async_trait::async_trait]
pub trait Store:
    SettingsStore
    + SigningStore
    + ExportStore
    + ShiftStore
    + IdentityStore
    + ScheduleStore
    + KeptStore
    + BenchmarkStore
    + ApiStore
    + Send
{
    /// Commits a write transaction (a no-op for reads).
    async fn finish(self: Box<Self>) -> RepoResult<()>;

    async fn credentials(&mut self, username: &str) -> RepoResult<Option<Credentials>>;
    async fn caller(&mut self, user_id: i64) -> RepoResult<Option<Caller>>;

    /// Recipients the assistant is assigned to at any time in the month, with names.
    async fn assigned_recipients(
        &mut self,
        tenant: i64,
        assistant: i64,
        month: ReportMonth,
    ) -> RepoResult<Vec<(i64, String)>>;
    /// Is the assistant assigned to the recipient on that date (same tenant)?
    async fn is_assigned(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        date: NaiveDate,
    ) -> RepoResult<bool>;
    async fn recipient_names(&mut self, tenant: i64, ids: &[i64])
    -> RepoResult<Vec<(i64, String)>>;

    /// The assistant's rows for all recipients with a date in `from..=to`.
    async fn assistant_rows(
        &mut self,
        tenant: i64,
        assistant: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> RepoResult<Vec<StoredRow>>;
    /// One of the assistant's rows, if it is theirs.
    async fn assistant_row(
        &mut self,
        tenant: i64,
        assistant: i64,
        row_id: i64,
    ) -> RepoResult<Option<StoredRow>>;
    /// Inserts a checked row; a refusal (a [`Conflict`]) does what `then` says.
    async fn insert_row(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        row: &TimeRow,
        by_user: i64,
        then: OnRefusal,
    ) -> RepoResult<i64>;
    /// Deletes the row only if it is the assistant's; returns what was deleted.
    async fn delete_row(
        &mut self,
        tenant: i64,
        assistant: i64,
        row_id: i64,
    ) -> RepoResult<Option<StoredRow>>;
    /// All rows of the tenant in the month, optionally only for some recipients.
    async fn month_rows(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        recipients: Option<&[i64]>,
    ) -> RepoResult<Vec<StoredRow>>;

    /// The stored month record's id and status, if one exists (nothing is created).
    async fn month_status(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<Option<(i64, MonthStatus)>>;
    /// The month record, created as a draft if missing.
    async fn month_record(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<MonthRecord>;
    async fn month_record_by_id(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(MonthRecord, ReportMonth)>>;
    /// One record per assignment active in the month (drafts where nothing is stored yet),
    /// optionally only for some recipients or one assistant.
    async fn month_records(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        recipients: Option<&[i64]>,
        assistant: Option<i64>,
    ) -> RepoResult<Vec<MonthRecord>>;
    /// Moves a month from `from` to `to` (compare and set); false if it was not in `from`.
    async fn transition(
        &mut self,
        tenant: i64,
        id: i64,
        from: MonthStatus,
        to: MonthStatus,
        by_user: i64,
        reason: Option<&str>,
    ) -> RepoResult<bool>;
    /// Appends a step to the month's history (kept: a resubmission erases nothing).
    /// `snapshot`: for a rejection, the rows as the recipient saw them and which they marked.
    async fn month_event(
        &mut self,
        tenant: i64,
        month_id: i64,
        user: i64,
        action: &str,
        reason: Option<&str>,
        content_hash: &str,
        snapshot: Option<&str>,
    ) -> RepoResult<()>;

    /// Everything an assistant's month page shows, read together (one trip to the database
    /// where it allows: see the server's `db::sql::fetch_batch`).
    /// `user`: the assistant's login (whose calendar address it is); `plan`: the days whose
    /// published planned shifts the page lists.
    async fn assistant_month(
        &mut self,
        tenant: i64,
        assistant: i64,
        user: i64,
        month: ReportMonth,
        plan: std::ops::RangeInclusive<NaiveDate>,
    ) -> RepoResult<AssistantMonth>;
    /// What a new row of the assistant's for the recipient on `date` is checked against,
    /// read together (the pair's versions first); `near`: the days whose rows it is checked
    /// against.
    async fn row_context(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        date: NaiveDate,
        near: std::ops::RangeInclusive<NaiveDate>,
    ) -> RepoResult<RowContext>;
    /// What a [`RowContext`] read before the change is checked against inside it: the pair's
    /// versions now, and what they do not cover (the month's status, the terms), read anew.
    async fn row_recheck(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        date: NaiveDate,
    ) -> RepoResult<RowRecheck>;

    /// What the per-row rules need for each recipient the assistant is assigned to (or one).
    async fn row_facts(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: Option<i64>,
    ) -> RepoResult<Vec<RowFacts>>;
    /// Everyone and every decision and absence of the tenant, for the month's preflight.
    async fn people(&mut self, tenant: i64) -> RepoResult<People>;
    /// All the tenant's rows with a date in `from..=to`.
    async fn rows_between(
        &mut self,
        tenant: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> RepoResult<Vec<StoredRow>>;

    /// The outcome stored under a form's idempotency key, if that post was already done.
    async fn idempotent_outcome(&mut self, user: i64, key: &str) -> RepoResult<Option<String>>;
    /// Stores a post's outcome under its key, in the same transaction as the change.
    async fn remember_outcome(
        &mut self,
        user: i64,
        key: &str,
        action: &str,
        outcome: &str,
    ) -> RepoResult<()>;

    async fn audit(&mut self, entry: &AuditEntry) -> RepoResult<()>;

    /// One page of the tenant's assistants (a name search), and how many match in all.
    async fn assistant_list(
        &mut self,
        tenant: i64,
        query: &str,
        offset: i64,
        limit: i64,
    ) -> RepoResult<(Vec<AssistantSummary>, i64)>;
    /// One of the tenant's assistants as the form shows it: masked number, whether the number
    /// carries a birth date, the values.
    async fn assistant_form(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(String, bool, engine::register::AssistantInput)>>;
    /// Creates (`id` None) or updates one of the tenant's assistants; returns its id. A
    /// personnummer another assistant of the tenant has is a `Conflict::Duplicate`.
    async fn save_assistant(
        &mut self,
        tenant: i64,
        id: Option<i64>,
        a: &engine::register::AssistantData,
    ) -> RepoResult<Option<i64>>;

    /// One page of the tenant's recipients (a name search), and how many match in all.
    async fn recipient_list(
        &mut self,
        tenant: i64,
        query: &str,
        offset: i64,
        limit: i64,
    ) -> RepoResult<(Vec<RecipientSummary>, i64)>;
    /// One of the tenant's recipients for the form: masked number and the values.
    async fn recipient_form(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(String, engine::register::RecipientInput)>>;
    /// Creates or updates one of the tenant's recipients (`Conflict::Duplicate` on a taken number).
    async fn save_recipient(
        &mut self,
        tenant: i64,
        id: Option<i64>,
        r: &engine::register::RecipientData,
    ) -> RepoResult<Option<i64>>;
    /// A recipient's decisions, newest first.
    async fn decisions_of(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Vec<StoredDecision>>;
    /// Adds a decision; false when another decision of the recipient overlaps it.
    async fn add_decision(&mut self, tenant: i64, d: &engine::Decision) -> RepoResult<Option<i64>>;
    /// An assistant's assignments, newest first.
    async fn assignments_of(
        &mut self,
        tenant: i64,
        assistant: i64,
    ) -> RepoResult<Vec<AssignmentRecord>>;
    /// All the tenant's recipients (id, name), by name.
    async fn recipient_choices(&mut self, tenant: i64) -> RepoResult<Vec<(i64, String)>>;
    /// Adds an assignment; the recipient must be the tenant's (else None). Refuses (Ok(Err))
    /// when no decision of the recipient covers its first day, or it overlaps another of the pair.
    async fn add_assignment(
        &mut self,
        tenant: i64,
        assistant: i64,
        a: &engine::register::AssignmentData,
    ) -> RepoResult<Option<Result<i64, engine::register::AssignmentError>>>;
    /// Ends an assignment of the tenant's on `valid_to` (history is kept); false if not theirs.
    async fn end_assignment(
        &mut self,
        tenant: i64,
        assistant: i64,
        id: i64,
        valid_to: NaiveDate,
    ) -> RepoResult<bool>;
    /// Creates a login without a usable password (the person chooses one through an
    /// invitation); `Conflict::Duplicate` when the username (or a representative's
    /// personnummer) is taken.
    async fn create_account(&mut self, tenant: i64, login: &NewLogin<'_>) -> RepoResult<i64>;
    /// A new one-time link for the user, valid until `expires_at`; earlier unused ones are voided.
    async fn create_invitation(
        &mut self,
        tenant: i64,
        user: i64,
        token_sha256: &str,
        expires_at: i64,
        by_user: i64,
        now: i64,
    ) -> RepoResult<()>;
    /// The open invitation (unused, not expired) with this hash: (id, tenant, user, username).
    async fn open_invitation(
        &mut self,
        token_sha256: &str,
        now: i64,
    ) -> RepoResult<Option<(i64, i64, i64, String)>>;
    /// Uses the invitation and sets the password; false if it was used or expired meanwhile.
    async fn use_invitation(
        &mut self,
        id: i64,
        user: i64,
        password_hash: &str,
        now: i64,
    ) -> RepoResult<bool>;
    /// Deactivates or activates one of the tenant's accounts; false if it is not theirs.
    async fn set_account_active(
        &mut self,
        tenant: i64,
        user: i64,
        active: bool,
    ) -> RepoResult<bool>;

    /// The provider (the municipality) as the FK documents name it.
    async fn provider(&mut self, tenant: i64) -> RepoResult<Option<engine::Provider>>;
    /// The latest step of `action` in a month's history: when (ISO instant) and the content hash.
    async fn last_event(
        &mut self,
        tenant: i64,
        month_id: i64,
        action: &str,
    ) -> RepoResult<Option<(String, Option<String>)>>;
    /// Stores a 3059 frozen at attestation (append-only; a correction is a new version).
    /// `parts`: the document's day parts (JSON), which the räkning sums.
    async fn store_frozen(
        &mut self,
        tenant: i64,
        month_id: i64,
        report: &engine::fk::Frozen3059,
        parts: &str,
        by_user: i64,
    ) -> RepoResult<()>;
    /// The latest frozen 3059 of a month, exactly as stored.
    async fn frozen(
        &mut self,
        tenant: i64,
        month_id: i64,
    ) -> RepoResult<Option<engine::fk::Frozen3059>>;

    /// The failed-login counter under `key`.
    async fn throttle(&mut self, key: &str) -> RepoResult<Throttle>;
    async fn set_throttle(&mut self, key: &str, t: Throttle, now: i64) -> RepoResult<()>;
    /// Forgets the failures under `key` (a login that succeeded); refused attempts stay counted
    /// until they are summarised.
    async fn clear_throttle(&mut self, key: &str) -> RepoResult<()>;
    /// Counts one attempt refused while `key` was blocked (no audit entry of its own).
    async fn note_refused(&mut self, key: &str, now: i64) -> RepoResult<()>;
    /// Counters with refused attempts not yet summarised: key, how many, since when.
    async fn refused_attempts(&mut self) -> RepoResult<Vec<(String, i64, i64)>>;
    /// Takes `n` summarised refusals off `key`'s count.
    async fn summarised(&mut self, key: &str, n: i64) -> RepoResult<()>;
    /// The tenant and id of the user whose username, lower-cased, is `username` (for a
    /// throttle summary's audit entry).
    async fn login_user(&mut self, username: &str) -> RepoResult<Option<(i64, i64)>>;
}

/// A login to create: who it is for and how to reach them.
#[derive(Clone, Copy, Debug)]
pub struct NewLogin<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub assistant: Option<i64>,
    pub recipient: Option<i64>,
    /// Where invitations are e-mailed (may be empty).
    pub email: &'a str,
    /// A representative's personnummer, in full (the 3057 carries it).
    pub personnummer: Option<&'a str>,
}

/// Whose login an account action is about, as the register knows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountOwner {
    Assistant(i64),
    Recipient(i64),
    /// A representative linked to this recipient.
    Representative {
        recipient: i64,
        user: i64,
    },
    /// A work leader's login (their user id).
    WorkLeader(i64),
}

/// Whose personnummer an explicit "show" is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonRef {
    Assistant(i64),
    Recipient(i64),
}

/// What an assistant's month page shows ([`Store::assistant_month`]).
#[derive(Clone, Debug, Default)]
pub struct AssistantMonth {
    /// The recipients the assistant is assigned to in the month, by name.
    pub recipients: Vec<(i64, String)>,
    /// The assistant's rows of the month, in date order.
    pub rows: Vec<StoredRow>,
    /// The month's report of each of the assistant's pairs.
    pub records: Vec<MonthRecord>,
    /// The assistant and their recipients, decisions and absences.
    /// Shared with what the server keeps of the register, not copied for each page.
    pub people: std::sync::Arc<People>,
    pub terms: Terms,
    pub running: Option<RunningShift>,
    /// The assistant's published planned shifts of the days asked for (issue 27).
    pub planned: Vec<PlannedRecord>,
    /// The login has a calendar address.
    pub calendar: bool,
}

/// What a new row is checked against ([`Store::row_context`]).
#[derive(Clone, Debug, Default)]
pub struct RowContext {
    /// The versions of what it was read from: every change of what the rest of it holds
    /// raises one of them (the terms raise the register's), except the month's status (which
    /// [`RowRecheck`] reads anew, and the database guards).
    pub versions: ContextVersions,
    /// Is the assistant assigned to the recipient on the date?
    pub assigned: bool,
    /// What the per-row rules need of the pair, if they are assigned at all.
    pub facts: Option<RowFacts>,
    /// The month's report, if one is stored.
    pub status: Option<(i64, MonthStatus)>,
    /// The assistant's rows (every recipient) in the days asked for: overlap (V3) and rest (V5).
    pub near: Vec<StoredRow>,
    pub terms: Terms,
}

/// The versions of an assistant's and a recipient's findings (`None`: nothing has changed
/// them yet).
pub type PairVersions = (Option<i64>, Option<i64>);

/// The versions a [`RowContext`] was read at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContextVersions {
    /// The assistant's and the recipient's findings (`kept_versions`): their rows and their
    /// register entries.
    pub pair: PairVersions,
    /// The municipality's register (`register_versions`): the assistants, recipients,
    /// assignments, decisions and absences, which a server may keep between rows, and its
    /// terms (hourly amounts, LSS amount, rule settings).
    pub register: Option<i64>,
}

/// See [`Store::row_recheck`].
#[derive(Clone, Debug)]
pub struct RowRecheck {
    pub versions: ContextVersions,
    pub status: Option<(i64, MonthStatus)>,
    pub terms: Terms,
}

/// What a municipality has set that pages and checks use together ([`SettingsStore::terms`]).
#[derive(Clone, Debug, Default)]
pub struct Terms {
    /// The standard hourly amount per year, as the administrator entered them.
    pub rates: engine::RateTable,
    /// The municipality's own hourly amount for LSS assistance, if set.
    pub lss_rate: Option<rust_decimal::Decimal>,
    pub rules: engine::rules::RuleConfig,
}

/// The provider's settings and the recipient card's smaller registers (issue 8). A part of
/// [`Store`], kept apart so no adapter file holds every query.
#[async_trait::async_trait]
pub trait SettingsStore: Send {
    /// How many municipalities the installation has.
    async fn tenant_count(&mut self) -> RepoResult<i64>;
    /// The municipality with this organisationsnummer (its 10 digits).
    async fn tenant_by_org_number(&mut self, org_number: &str) -> RepoResult<Option<i64>>;
    /// A new municipality: its name, organisationsnummer (10 digits), contact person and phone.
    async fn create_tenant(
        &mut self,
        name: &str,
        org_number: &str,
        contact_person: &str,
        phone: &str,
    ) -> RepoResult<i64>;
    /// Sets a user's password hash (the first administrator's and the demo's accounts; everyone
    /// else chooses theirs from an invitation).
    async fn set_password(
        &mut self,
        tenant: i64,
        user: i64,
        password_hash: &str,
    ) -> RepoResult<bool>;
    /// Saves the provider's facts; `Conflict::Duplicate` when another municipality has the
    /// organisationsnummer.
    async fn save_provider(&mut self, tenant: i64, p: &engine::Provider) -> RepoResult<()>;
    /// The municipality's terms, in one read: the standard hourly amount per year, the LSS
    /// amount and the rule settings (the engine's defaults where none are stored).
    async fn terms(&mut self, tenant: i64) -> RepoResult<Terms>;
    /// Sets a year's amount; the amount it replaces, if any.
    async fn set_rate(
        &mut self,
        tenant: i64,
        year: i32,
        amount: rust_decimal::Decimal,
    ) -> RepoResult<Option<rust_decimal::Decimal>>;
    async fn save_rule_config(
        &mut self,
        tenant: i64,
        c: &engine::rules::RuleConfig,
    ) -> RepoResult<()>;
    /// The login of a register entry of the tenant's: (user id, username, active).
    async fn account_of(
        &mut self,
        tenant: i64,
        owner: AccountOwner,
    ) -> RepoResult<Option<(i64, String, bool)>>;
    /// The recipient's representatives, ended ones too.
    async fn representatives_of(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Vec<RepresentativeRecord>>;
    /// The tenant's representative with this personnummer.
    async fn representative_by_personnummer(
        &mut self,
        tenant: i64,
        personnummer: &str,
    ) -> RepoResult<Option<i64>>;
    /// Links a representative to a recipient in a capacity (an ended link is opened again).
    async fn link_representative(
        &mut self,
        tenant: i64,
        recipient: i64,
        user: i64,
        capacity: engine::people::Capacity,
    ) -> RepoResult<()>;
    /// Ends a representation today (kept as history); false if there is none open.
    async fn end_representation(
        &mut self,
        tenant: i64,
        recipient: i64,
        user: i64,
        on: NaiveDate,
    ) -> RepoResult<bool>;
    async fn absences_of(&mut self, tenant: i64, recipient: i64)
    -> RepoResult<Vec<(i64, Absence)>>;
    /// None when another absence of the same kind covers part of the same days.
    async fn add_absence(&mut self, tenant: i64, a: &Absence) -> RepoResult<Option<i64>>;
    /// Removes an absence entered by mistake; what was removed.
    async fn delete_absence(
        &mut self,
        tenant: i64,
        recipient: i64,
        id: i64,
    ) -> RepoResult<Option<Absence>>;
    /// Ends a decision early (its history kept): `valid_to` within its validity; false if not.
    async fn end_decision(
        &mut self,
        tenant: i64,
        recipient: i64,
        id: i64,
        valid_to: NaiveDate,
    ) -> RepoResult<bool>;
    /// Where to e-mail a register entry's people: an assistant's login, or a recipient's own
    /// login and their current representatives (active accounts with an address only).
    async fn emails(&mut self, tenant: i64, owner: AccountOwner) -> RepoResult<Vec<String>>;
    /// Every recipient of the tenant by personnummer (12 digits): id and form fields (the CSV
    /// import reads them once instead of once per line).
    async fn recipients_by_personnummer(
        &mut self,
        tenant: i64,
    ) -> RepoResult<HashMap<String, (i64, engine::register::RecipientInput)>>;
    /// Every assistant by personnummer: id, whether the number carries a birth date, form fields.
    async fn assistants_by_personnummer(
        &mut self,
        tenant: i64,
    ) -> RepoResult<HashMap<String, (i64, bool, engine::register::AssistantInput)>>;
    /// Does the pair have an assignment starting on `from`?
    async fn assignment_exists(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        from: NaiveDate,
    ) -> RepoResult<bool>;
    /// Keeps an uploaded CSV and its dry-run report for the administrator who uploaded it.
    async fn save_import_draft(
        &mut self,
        tenant: i64,
        user: i64,
        bytes: &[u8],
        report: &str,
        now: i64,
    ) -> RepoResult<i64>;
    /// The draft's bytes and report, only for the same tenant and user.
    async fn import_draft(
        &mut self,
        tenant: i64,
        user: i64,
        id: i64,
    ) -> RepoResult<Option<(Vec<u8>, String)>>;
    /// Removes a draft; false when it was already gone (another post took it).
    async fn delete_import_draft(&mut self, tenant: i64, id: i64) -> RepoResult<bool>;
    /// Every decision's (recipient, from, to) and every assignment's (assistant, recipient,
    /// from, to) of the tenant: what an import's assignment lines are checked against.
    #[allow(clippy::type_complexity)]
    async fn assignment_spans(
        &mut self,
        tenant: i64,
    ) -> RepoResult<(Vec<(i64, NaiveDate, NaiveDate)>, Vec<(i64, i64, NaiveDate, Option<NaiveDate>)>)>;
    /// A personnummer in full, for an explicit, audited "show".
    async fn full_personnummer(
        &mut self,
        tenant: i64,
        who: PersonRef,
    ) -> RepoResult<Option<String>>;
}

/// A signature record to write: who signs which exact bytes, in which capacity.
#[derive(Clone, Debug)]
pub struct NewSignature<'a> {
    pub tenant: i64,
    /// What is signed: an assistant's month (3059) or a recipient's räkning (3057).
    pub what: Signed,
    pub user: i64,
    pub signer_name: &'a str,
    pub capacity: engine::documents::SignerCapacity,
    /// ISO instant.
    pub at: &'a str,
    pub document_id: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
    /// Made with e-legitimation: its evidence (else with the password typed again).
    pub eid: Option<&'a engine::documents::EidEvidence>,
}

/// What a signature is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signed {
    /// The recipient's (or a representative's) approval of a month's 3059.
    Month(i64),
    Claim(i64),
    /// The assistant's attestation on honour of a month, signed with e-legitimation (a
    /// municipality that does not ask for it keeps the attestation as the month's history).
    Attestation(i64),
}

/// A step in a month's history as stored.
#[derive(Clone, Debug)]
pub struct MonthEvent {
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub reason: Option<String>,
    pub content_hash: Option<String>,
    pub snapshot: Option<String>,
}

/// A räkning's stored answers.
#[derive(Clone, Debug)]
pub struct ClaimRecord {
    pub id: i64,
    pub answers: String,
    pub costs: Option<String>,
}

/// One frozen 3059 as the räkning reads it.
#[derive(Clone, Debug)]
pub struct FrozenPart {
    pub month_id: i64,
    pub assistant_id: i64,
    pub sha256: String,
    /// JSON day parts.
    pub parts: Option<String>,
}

/// Signatures, month history, the räkning and the audit chain (issue 9). A part of [`Store`].
#[async_trait::async_trait]
pub trait SigningStore: Send {
    /// A user's username and password hash (to confirm a signature with the password).
    async fn login_of(&mut self, user: i64) -> RepoResult<Option<(String, String)>>;
    /// Only the people named (an assistant, a recipient), with their decisions.
    async fn people_of(
        &mut self,
        tenant: i64,
        assistant: Option<i64>,
        recipient: Option<i64>,
    ) -> RepoResult<People>;
    /// `Conflict::Duplicate` when the thing already has a signature that is not void.
    async fn add_signature(&mut self, s: &NewSignature<'_>) -> RepoResult<i64>;
    /// Voids the standing signature of `what` with a reason; whether there was one.
    async fn void_signature(
        &mut self,
        tenant: i64,
        what: Signed,
        at: &str,
        reason: &str,
    ) -> RepoResult<bool>;
    /// Every signature of `what`, void ones too, oldest first.
    async fn signatures(&mut self, tenant: i64, what: Signed) -> RepoResult<Vec<SignatureRecord>>;
    /// The standing signature's hash and document id.
    async fn standing_signature(
        &mut self,
        tenant: i64,
        what: Signed,
    ) -> RepoResult<Option<(String, String)>>;
    /// The capacity in which `user` acts for `recipient` today (a representative).
    async fn capacity_of(
        &mut self,
        tenant: i64,
        user: i64,
        recipient: i64,
    ) -> RepoResult<Option<engine::people::Capacity>>;
    /// The month's history, oldest first.
    async fn month_history(&mut self, tenant: i64, month_id: i64) -> RepoResult<Vec<MonthEvent>>;
    /// The months (YYYY-MM) from `from` on where the recipients have a stored month report.
    async fn months_with_reports(
        &mut self,
        tenant: i64,
        recipients: &[i64],
        from: &str,
    ) -> RepoResult<Vec<String>>;
    /// The räkning of a recipient and month, if answers were stored.
    async fn claim(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
    ) -> RepoResult<Option<ClaimRecord>>;
    /// Stores the räkning's answers (creating it); its id.
    async fn save_claim(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
        answers: &str,
        costs: Option<&str>,
    ) -> RepoResult<i64>;
    /// The recipients of the tenant whose räkning for the month is signed (standing signature).
    async fn signed_claims(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<i64>>;
    /// The latest frozen 3059 of each of the recipient's month reports in the month.
    async fn frozen_parts(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
    ) -> RepoResult<Vec<FrozenPart>>;
    /// The tenant's audit chain (None: the installation's own), in order.
    async fn audit_chain(
        &mut self,
        tenant: Option<i64>,
    ) -> RepoResult<Vec<engine::audit::StoredEntry>>;
    /// The tenant's latest audit entries, newest first, with who made them.
    async fn audit_recent(&mut self, tenant: i64, limit: i64) -> RepoResult<Vec<AuditSummary>>;
}

/// The latest frozen 3059 of a month report, as the export reads it.
#[derive(Clone, Debug)]
pub struct FrozenReport {
    pub month_id: i64,
    pub assistant_id: i64,
    pub recipient_id: i64,
    pub status: engine::MonthStatus,
    pub version: i64,
    pub report_id: String,
    pub xml: Vec<u8>,
    pub sha256: String,
    /// JSON day parts.
    pub parts: Option<String>,
    pub attested_by: String,
    /// ISO instant.
    pub attested_at: String,
    /// The report id of the version before (a correction replaces it).
    pub previous: Option<String>,
}

/// A signed räkning's exact bytes and signature.
#[derive(Clone, Debug)]
pub struct SignedClaim {
    pub recipient_id: i64,
    pub content: Vec<u8>,
    pub sha256: String,
    pub signature: SignatureRecord,
}

/// A month archive to store.
#[derive(Clone, Debug)]
pub struct NewArchive<'a> {
    pub tenant: i64,
    pub month: &'a str,
    pub version: i64,
    /// ISO instant with offset.
    pub created_at: &'a str,
    pub by_user: i64,
    pub sha256: &'a str,
    pub manifest_sha256: &'a str,
    pub files: i64,
    pub corrections: i64,
    pub zip: &'a [u8],
}

/// Month-end exports (issue 10). A part of [`Store`].
#[async_trait::async_trait]
pub trait ExportStore: Send {
    /// The latest frozen 3059 of every month report of the month, by recipient and assistant.
    async fn frozen_reports(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<FrozenReport>>;
    /// The status of every month report of the month that has a frozen 3059 (what
    /// [`Self::frozen_reports`] gives, without the documents).
    async fn frozen_states(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<MonthStatus>>;
    /// Every räkning of the month with a standing signature (only `recipient`'s, when given).
    async fn signed_claim_documents(
        &mut self,
        tenant: i64,
        month: &str,
        recipient: Option<i64>,
    ) -> RepoResult<Vec<SignedClaim>>;
    /// The month's archives, newest first.
    async fn archives(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<ArchiveRecord>>;
    /// The highest archive version of the month (0: none yet).
    async fn last_archive_version(&mut self, tenant: i64, month: &str) -> RepoResult<i64>;
    /// `Conflict::Duplicate` when the version is taken (a concurrent export).
    async fn store_archive(&mut self, a: &NewArchive<'_>) -> RepoResult<i64>;
    /// An archive's month, version and bytes — the tenant's own only.
    async fn archive(&mut self, tenant: i64, id: i64)
    -> RepoResult<Option<(String, i64, Vec<u8>)>>;
    /// The municipality's own hourly amount for LSS assistance, if entered.
    async fn lss_rate(&mut self, tenant: i64) -> RepoResult<Option<rust_decimal::Decimal>>;
    /// Each assistant's employment number in the payroll system, where entered.
    async fn employee_numbers(&mut self, tenant: i64) -> RepoResult<HashMap<i64, String>>;
    /// Sets or clears it; what it was.
    async fn set_lss_rate(
        &mut self,
        tenant: i64,
        amount: Option<rust_decimal::Decimal>,
    ) -> RepoResult<Option<rust_decimal::Decimal>>;
    /// The latest uploaded blank form of each kind, with its mapping.
    async fn fk_forms(&mut self, tenant: i64) -> RepoResult<Vec<engine::documents::FkForm>>;
    /// The uploaded forms as the export page lists them.
    async fn fk_form_lines(&mut self, tenant: i64) -> RepoResult<Vec<FormRecord>>;
    /// Stores an uploaded blank form (decrypted), its mapping and what the mapping misses.
    async fn save_fk_form(
        &mut self,
        tenant: i64,
        user: i64,
        kind: &str,
        pdf: &[u8],
        mapping: &str,
        fields: i64,
        missing: &[String],
    ) -> RepoResult<()>;
    /// The personnummer of a signature's signer (a representative's, from their account).
    async fn signer_personnummer(
        &mut self,
        tenant: i64,
        claim_recipient: i64,
        month: &str,
    ) -> RepoResult<Option<String>>;

    /// The month's running export job, if any.
    async fn running_export_job(
        &mut self,
        tenant: i64,
        month: &str,
    ) -> RepoResult<Option<ExportJob>>;
    /// One of the tenant's export jobs (None for another municipality's id).
    async fn export_job(&mut self, tenant: i64, id: i64) -> RepoResult<Option<ExportJob>>;
    /// Starts a job for the month, run by `runner`; `Conflict::Duplicate` while one runs.
    async fn start_export_job(
        &mut self,
        tenant: i64,
        month: &str,
        user: i64,
        runner: &str,
        now: i64,
    ) -> RepoResult<i64>;
    /// The runner's heartbeat with how far it got; false when the job is no longer its own
    /// (taken over after its heartbeat went stale, or finished).
    async fn export_job_beat(
        &mut self,
        id: i64,
        runner: &str,
        done: i64,
        total: i64,
        now: i64,
    ) -> RepoResult<bool>;
    /// Ends the runner's job with its answer (JSON); false when it is not its own any more.
    async fn finish_export_job(
        &mut self,
        id: i64,
        runner: &str,
        failed: bool,
        outcome: &str,
        now: i64,
    ) -> RepoResult<bool>;
    /// Running jobs (of every municipality) whose heartbeat is older than `before`.
    async fn stale_export_jobs(&mut self, before: i64) -> RepoResult<Vec<ExportJob>>;
    /// Takes a stale job over for `runner` (a new run from the start, `started_at` now, so
    /// the time left is this run's); false when another server was first.
    async fn take_export_job(
        &mut self,
        id: i64,
        stale_runner: &str,
        runner: &str,
        now: i64,
    ) -> RepoResult<bool>;
}

/// A month's export as a background job (issue 28): its progress and, once ended, its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportJob {
    pub id: i64,
    pub tenant_id: i64,
    pub month: String,
    pub started_by: i64,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// Documents made of `total` (0 while the month's content is gathered).
    pub done: i64,
    pub total: i64,
    pub started_at: i64,
    pub beat_at: i64,
    pub runner: String,
    pub runs: i64,
    pub finished_at: Option<i64>,
    /// The answer the administrator gets (an `Outcome` as JSON), once ended.
    pub outcome: Option<String>,
}

/// A shift an assistant has clocked in to and not yet ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningShift {
    pub id: i64,
    pub recipient_id: i64,
    pub recipient_name: String,
    pub kind: engine::TimeKind,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

/// Clocking in and out (issue 11). A part of [`Store`].
#[async_trait::async_trait]
pub trait ShiftStore: Send {
    /// The assistant's running shift, if any.
    async fn running_shift(
        &mut self,
        tenant: i64,
        assistant: i64,
    ) -> RepoResult<Option<RunningShift>>;
    /// `Conflict::Duplicate` when the assistant already has one running.
    async fn start_shift(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        kind: engine::TimeKind,
        at: chrono::DateTime<chrono::Utc>,
        by_user: i64,
    ) -> RepoResult<i64>;
    /// Goes on as `kind` from `at` (after a switch); false when it is no longer running.
    async fn restart_shift(
        &mut self,
        tenant: i64,
        assistant: i64,
        id: i64,
        kind: engine::TimeKind,
        at: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool>;
    /// Ends it (its time is saved as a row, or it is cancelled); false when it was not running.
    async fn end_shift(&mut self, tenant: i64, assistant: i64, id: i64) -> RepoResult<bool>;
    /// Notes that the clock made the row (for the municipalities' comparison of where rows
    /// come from).
    async fn mark_clocked(&mut self, tenant: i64, row: i64) -> RepoResult<()>;
}

/// A shift of a month's schedule as stored (issue 27).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRecord {
    pub id: i64,
    pub recipient_id: i64,
    /// None: vacant.
    pub assistant_id: Option<i64>,
    pub row: TimeRow,
    pub cancelled: bool,
    /// Added by hand, not made from the base schedule.
    pub extra: bool,
    /// The time row that confirmed it.
    pub row_id: Option<i64>,
    pub not_worked: bool,
    /// Its month's schedule is published to the assistants.
    pub published: bool,
}

impl PlannedRecord {
    /// Confirmed as a row or marked as not worked (a cancelled shift needs neither).
    pub fn settled(&self) -> bool {
        self.row_id.is_some() || self.not_worked
    }
}

/// A work leader and the recipients given them.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkLeader {
    pub user_id: i64,
    pub name: String,
    pub username: String,
    pub active: bool,
    pub recipients: Vec<(i64, String)>,
}

/// Schedules, work leaders and the assistants' calendars (issue 27). A part of [`Store`].
#[async_trait::async_trait]
pub trait ScheduleStore: Send {
    /// The municipality's work leaders, each with their recipients.
    async fn work_leaders(&mut self, tenant: i64) -> RepoResult<Vec<WorkLeader>>;
    /// Gives (`on`) or takes away a recipient of the municipality from one of its work leaders;
    /// false when the user is not a work leader there or nothing changed.
    async fn set_work_leader_recipient(
        &mut self,
        tenant: i64,
        user: i64,
        recipient: i64,
        on: bool,
    ) -> RepoResult<bool>;
    /// A recipient's base schedule with each shift's id (in the order of `shifts`).
    async fn base_schedule(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Option<(engine::schedule::BaseSchedule, Vec<i64>)>>;
    /// Creates or changes the pattern's length and first Monday (its shifts stay).
    async fn save_base_schedule(
        &mut self,
        tenant: i64,
        recipient: i64,
        weeks: u8,
        starts_on: NaiveDate,
    ) -> RepoResult<()>;
    async fn add_base_shift(
        &mut self,
        tenant: i64,
        recipient: i64,
        shift: &engine::schedule::BaseShift,
    ) -> RepoResult<i64>;
    async fn delete_base_shift(&mut self, tenant: i64, recipient: i64, id: i64)
    -> RepoResult<bool>;
    /// Whether the recipient has a schedule for the month, and when it was published.
    async fn schedule_month(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<Option<Option<i64>>>;
    /// The recipients with a schedule for the month, and when each was published.
    async fn schedule_months(
        &mut self,
        tenant: i64,
        month: ReportMonth,
    ) -> RepoResult<Vec<(i64, Option<i64>)>>;
    /// Starts the month's schedule; false when it exists.
    async fn create_schedule_month(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<bool>;
    async fn add_planned(
        &mut self,
        tenant: i64,
        recipient: i64,
        assistant: Option<i64>,
        row: &TimeRow,
        extra: bool,
    ) -> RepoResult<i64>;
    /// The planned shifts of the municipality's month (optionally of some recipients), in time order.
    async fn planned_in_month(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        recipients: Option<&[i64]>,
    ) -> RepoResult<Vec<PlannedRecord>>;
    /// An assistant's planned shifts starting between two days (published only, or all).
    async fn planned_of_assistant(
        &mut self,
        tenant: i64,
        assistant: i64,
        days: std::ops::RangeInclusive<NaiveDate>,
        published_only: bool,
    ) -> RepoResult<Vec<PlannedRecord>>;
    async fn planned(&mut self, tenant: i64, id: i64) -> RepoResult<Option<PlannedRecord>>;
    /// Gives an unsettled shift another assistant (a substitute) or makes it vacant.
    async fn set_planned_assistant(
        &mut self,
        tenant: i64,
        id: i64,
        assistant: Option<i64>,
    ) -> RepoResult<bool>;
    /// Cancels an unsettled shift (or takes the cancellation back).
    async fn set_planned_cancelled(&mut self, tenant: i64, id: i64, on: bool) -> RepoResult<bool>;
    async fn publish_schedule(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: ReportMonth,
        at: i64,
    ) -> RepoResult<bool>;
    /// Settles one of the assistant's open shifts, as the row `row` or (None) as not worked;
    /// false when it was not theirs, not open or not published.
    async fn settle_planned(
        &mut self,
        tenant: i64,
        assistant: i64,
        id: i64,
        row: Option<i64>,
    ) -> RepoResult<bool>;
    /// The planned shift a row confirmed.
    async fn planned_by_row(&mut self, tenant: i64, row: i64) -> RepoResult<Option<i64>>;
    /// Sets (replacing any) the SHA-256 of the secret of a user's calendar address; None removes it.
    async fn set_calendar(
        &mut self,
        tenant: i64,
        user: i64,
        token_sha256: Option<&str>,
    ) -> RepoResult<()>;
    /// The (tenant, assistant) whose active account's calendar has this secret.
    async fn calendar_owner(&mut self, token_sha256: &str) -> RepoResult<Option<(i64, i64)>>;
    /// Notes a reminder about unconfirmed shifts; false when one went to the assistant that day.
    async fn note_schedule_reminder(
        &mut self,
        tenant: i64,
        assistant: i64,
        day: NaiveDate,
    ) -> RepoResult<bool>;
}

/// One assistant in the register's list.
#[derive(Clone, Debug, PartialEq)]
pub struct AssistantSummary {
    pub id: i64,
    pub name: String,
    pub personnummer_masked: String,
    /// The working-time regime's code.
    pub regime: String,
    pub phone: String,
}

/// One recipient in the register's list.
#[derive(Clone, Debug, PartialEq)]
pub struct RecipientSummary {
    pub id: i64,
    pub name: String,
    pub personnummer_masked: String,
}

/// A stored decision and its id.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDecision {
    pub id: i64,
    pub decision: Decision,
}

/// An assistant's assignment to a recipient (dates as stored, ISO 8601).
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentRecord {
    pub id: i64,
    /// The recipient's name.
    pub recipient: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub fk_notified_on: Option<String>,
    pub relative: bool,
}

/// A representative of a recipient and their account.
#[derive(Clone, Debug, PartialEq)]
pub struct RepresentativeRecord {
    pub user: i64,
    pub name: String,
    pub capacity: engine::people::Capacity,
    pub personnummer_masked: String,
    pub username: String,
    pub email: String,
    pub active: bool,
    /// Set when the representation has ended (ISO date).
    pub ended_on: Option<String>,
    /// Has chosen a password (an invitation was used).
    pub has_password: bool,
}

/// One entry of the audit log: when (the stored instant), who, what, about what.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditSummary {
    pub id: i64,
    pub at: String,
    pub who: String,
    pub action: String,
    pub subject: String,
}

/// One signed archive of a month (`created_at` the stored instant).
#[derive(Clone, Debug, PartialEq)]
pub struct ArchiveRecord {
    pub id: i64,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub sha256: String,
    pub bytes: i64,
    pub files: i64,
    pub corrections: i64,
}

/// The latest uploaded FK form of a kind (`uploaded_at` the stored instant).
#[derive(Clone, Debug, PartialEq)]
pub struct FormRecord {
    pub kind: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
    pub fields: i64,
    /// Mapped fields the form lacks ("logical name → field-name ending").
    pub missing: Vec<String>,
}

/// A signature as stored: the signer, in what capacity, when (the stored instant), over which
/// document and bytes, and whether it was voided (when, why).
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureRecord {
    pub signer_name: String,
    pub capacity: engine::documents::SignerCapacity,
    pub signed_at: String,
    pub document_id: String,
    pub sha256: String,
    pub voided: Option<(String, String)>,
    pub eid: Option<engine::documents::EidEvidence>,
}

/// One of a municipality's OpenID providers as stored (the secret only for the sign-in itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityProvider {
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Space-separated, `openid` among them.
    pub scopes: String,
    /// The claim that carries the personnummer (citizens), empty when none.
    pub pnr_claim: String,
    /// The claim a staff account is linked by (its e-mail), empty when none.
    pub email_claim: String,
    /// Space-separated `acr` values that count as a strong sign-in.
    pub strong_acr: String,
}

/// How a municipality's people sign in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginSettings {
    pub tenant_id: i64,
    pub name: String,
    pub slug: Option<String>,
    pub password_login: bool,
    pub strong_for: engine::people::StrongFor,
}

/// How a provider's subject was first matched to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkedBy {
    Personnummer,
    Claim,
    Invitation,
}

impl LinkedBy {
    pub fn code(self) -> &'static str {
        match self {
            LinkedBy::Personnummer => "personnummer",
            LinkedBy::Claim => "claim",
            LinkedBy::Invitation => "invitation",
        }
    }
}

/// Sign-in with OpenID providers (issue 26): each municipality's providers and settings, and
/// who a provider's subject is.
#[async_trait::async_trait]
pub trait IdentityStore: Send {
    /// The municipality whose sign-in page has this short address.
    async fn login_settings_by_slug(&mut self, slug: &str) -> RepoResult<Option<LoginSettings>>;
    async fn login_settings(&mut self, tenant: i64) -> RepoResult<Option<LoginSettings>>;
    /// The municipalities that have a short address and a provider, for the picker: (slug,
    /// name).
    async fn login_slugs(&mut self) -> RepoResult<Vec<(String, String)>>;
    async fn save_login_settings(&mut self, s: &LoginSettings) -> RepoResult<()>;
    /// A municipality's providers in use, in the order they were added.
    async fn identity_providers(&mut self, tenant: i64) -> RepoResult<Vec<IdentityProvider>>;
    async fn identity_provider(&mut self, id: i64) -> RepoResult<Option<IdentityProvider>>;
    async fn add_identity_provider(&mut self, p: &IdentityProvider) -> RepoResult<i64>;
    async fn remove_identity_provider(
        &mut self,
        tenant: i64,
        id: i64,
        at: &str,
    ) -> RepoResult<bool>;
    /// The active account linked to this subject of this issuer within the municipality.
    async fn linked_user(
        &mut self,
        tenant: i64,
        issuer: &str,
        subject: &str,
    ) -> RepoResult<Option<i64>>;
    /// The active accounts within the municipality whose register entry (assistant,
    /// recipient, representative) has this personnummer.
    async fn users_by_personnummer(&mut self, tenant: i64, pnr: &str) -> RepoResult<Vec<i64>>;
    /// The active administrator accounts within the municipality with this e-mail.
    async fn staff_by_email(&mut self, tenant: i64, email: &str) -> RepoResult<Vec<i64>>;
    async fn link_identity(
        &mut self,
        tenant: i64,
        user: i64,
        issuer: &str,
        subject: &str,
        how: LinkedBy,
        at: &str,
    ) -> RepoResult<()>;
    /// The personnummer of an account's own register entry (assistant, recipient,
    /// representative), for the signer check.
    async fn own_personnummer(&mut self, tenant: i64, user: i64) -> RepoResult<Option<String>>;
    /// The account an open invitation is for: (invitation, user), the tenant must match.
    async fn invitation_user(
        &mut self,
        tenant: i64,
        sha: &str,
        now: i64,
    ) -> RepoResult<Option<(i64, i64)>>;
    /// Closes an invitation used by linking a provider (no password is set).
    async fn close_invitation(&mut self, id: i64, now: i64) -> RepoResult<bool>;
    /// An account's second factor (TOTP), enrolled or being enrolled.
    async fn second_factor(&mut self, user: i64) -> RepoResult<Option<SecondFactor>>;
    /// Starts (or starts again) an enrolment with a new secret; not where one is confirmed.
    async fn begin_second_factor(
        &mut self,
        tenant: i64,
        user: i64,
        secret: &str,
        at: &str,
    ) -> RepoResult<bool>;
    /// Confirms an enrolment with the step its first code was for, and stores the recovery
    /// codes' SHA-256 (replacing any earlier ones).
    async fn confirm_second_factor(
        &mut self,
        user: i64,
        step: i64,
        recovery: &[String],
        at: &str,
    ) -> RepoResult<bool>;
    /// Uses the time step of a code: only a step later than the last used (a code works once).
    async fn use_otp_step(&mut self, user: i64, step: i64) -> RepoResult<bool>;
    /// Uses a recovery code (its SHA-256) once.
    async fn use_recovery_code(&mut self, user: i64, sha: &str, at: &str) -> RepoResult<bool>;
    /// How many recovery codes are left unused.
    async fn recovery_codes_left(&mut self, user: i64) -> RepoResult<i64>;
    /// Removes an account's second factor and its recovery codes.
    async fn remove_second_factor(&mut self, user: i64) -> RepoResult<bool>;
}

/// An account's second factor as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactor {
    /// The TOTP secret, base32.
    pub secret: String,
    pub confirmed: bool,
    pub last_step: i64,
}

/// Whose findings a kept entry holds (issue 28): an assistant's (their rest and working-time
/// findings and their pairs' row findings and totals) or a recipient's (the grant rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeptKind {
    Assistant,
    Recipient,
}

impl KeptKind {
    pub fn code(self) -> &'static str {
        match self {
            KeptKind::Assistant => "a",
            KeptKind::Recipient => "r",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "a" => Some(KeptKind::Assistant),
            "r" => Some(KeptKind::Recipient),
            _ => None,
        }
    }
}

/// One scope's kept findings of a month. `version` is the scope's version the findings were
/// computed from, read before its rows; `basis` names the rules and settings they were
/// computed by. `data` (the scope's month but for its findings), `errors` and `others` (its
/// warnings and notes) are the app's own (JSON): the store does not read them.
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    pub kind: KeptKind,
    pub id: i64,
    pub version: i64,
    pub basis: String,
    pub data: String,
    pub errors: String,
    /// Empty where read by [`KeptStore::kept_month`], which leaves them out.
    pub others: String,
}

/// A month's kept findings and every scope's current version. A scope's version goes up in
/// the transaction of every change of what its findings depend on (database triggers on
/// rows, decisions, absences, assignments, assistants and recipients), so an entry whose
/// version is the current one agrees with the records.
#[derive(Clone, Debug, Default)]
pub struct KeptMonth {
    pub versions: HashMap<(KeptKind, i64), i64>,
    pub entries: Vec<Kept>,
}

#[async_trait::async_trait]
pub trait KeptStore: Send {
    /// The scopes' versions and the month's kept entries (without their `others`), read in
    /// that order.
    async fn kept_month(&mut self, tenant: i64, month: &str) -> RepoResult<KeptMonth>;
    /// The municipalities with anything to check (a row, a decision).
    async fn kept_tenants(&mut self) -> RepoResult<Vec<i64>>;
    /// The warnings and notes (`others`) kept for these scopes of the month.
    async fn kept_others(
        &mut self,
        tenant: i64,
        month: &str,
        scopes: &[(KeptKind, i64)],
    ) -> RepoResult<Vec<(KeptKind, i64, String)>>;
    /// The rows from `from` to `to` (inclusive) of these assistants and recipients.
    async fn rows_of(
        &mut self,
        tenant: i64,
        from: NaiveDate,
        to: NaiveDate,
        assistants: &[i64],
        recipients: &[i64],
    ) -> RepoResult<Vec<StoredRow>>;
    /// Stores (or replaces) a month's kept entries.
    async fn keep(&mut self, tenant: i64, month: &str, entries: &[Kept]) -> RepoResult<()>;
}

/// A municipality taking part in the comparison (issue 29), and whether its figures are as
/// new as its records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub tenant: i64,
    /// Its audit log's last entry now: every change of its records writes one.
    pub stamp: i64,
    /// When its figures were last computed, if they were.
    pub computed: Option<Computed>,
}

/// A municipality's figures as last computed: at which stamp, up to which month, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    pub stamp: i64,
    pub last_month: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One report's history (a month report of the month), for the comparison: when its first
/// submission, attestation and export were recorded, and how many corrections it had.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportHistory {
    pub month_id: i64,
    pub submitted: Option<chrono::DateTime<chrono::Utc>>,
    pub attested: Option<chrono::DateTime<chrono::Utc>>,
    pub exported: Option<chrono::DateTime<chrono::Utc>>,
    pub corrections: i64,
}

/// Where a month's rows came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowOrigins {
    pub rows: i64,
    pub clock: i64,
    /// Confirmed from the plan (and not made by the clock).
    pub plan: i64,
}

/// A municipality's figure of a measure and month (`metric`: [`engine::benchmark::Metric`]'s
/// code; `value` None: nothing to compute it from).
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub tenant: i64,
    pub month: String,
    pub metric: String,
    pub value: Option<f64>,
}

/// A measure's month over the municipalities taking part.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadRecord {
    pub month: String,
    pub metric: String,
    pub contributors: i64,
    /// Lower quartile, median, upper quartile; None below the five a figure needs.
    pub quartiles: Option<(f64, f64, f64)>,
}

/// The municipalities' comparison (issue 29). A part of [`Store`].
#[async_trait::async_trait]
pub trait BenchmarkStore: Send {
    /// Whether the municipality takes part.
    async fn benchmarking(&mut self, tenant: i64) -> RepoResult<bool>;
    /// Sets it; returns what it was. Leaving forgets the municipality's figures.
    async fn set_benchmarking(&mut self, tenant: i64, on: bool) -> RepoResult<bool>;
    /// The municipalities taking part.
    async fn participants(&mut self) -> RepoResult<Vec<Participant>>;
    /// The month's reports as their history tells them.
    async fn report_histories(
        &mut self,
        tenant: i64,
        month: ReportMonth,
    ) -> RepoResult<Vec<ReportHistory>>;
    async fn row_origins(&mut self, tenant: i64, month: ReportMonth) -> RepoResult<RowOrigins>;
    /// Replaces the municipality's figures with these, computed at `stamp` up to `last_month`.
    async fn save_figures(
        &mut self,
        tenant: i64,
        stamp: i64,
        last_month: &str,
        figures: &[Figure],
    ) -> RepoResult<()>;
    /// The figures of the municipalities taking part, for these months (`tenant`: one's only).
    async fn figures(&mut self, tenant: Option<i64>, months: &[String]) -> RepoResult<Vec<Figure>>;
    /// Replaces every spread with these.
    async fn save_spreads(&mut self, spreads: &[SpreadRecord]) -> RepoResult<()>;
    async fn spreads(&mut self, months: &[String]) -> RepoResult<Vec<SpreadRecord>>;
}

/// An API token as stored (issue 29): never the token itself, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub tenant: i64,
    pub name: String,
    /// Space-separated scope codes.
    pub scopes: String,
    /// The token's first characters.
    pub hint: String,
    pub created_by: i64,
    pub created_at: String,
    /// Its last day.
    pub expires_on: NaiveDate,
    pub revoked_at: Option<String>,
}

/// A new API token.
#[derive(Clone, Debug)]
pub struct NewApiToken<'a> {
    pub tenant: i64,
    pub name: &'a str,
    pub scopes: &'a str,
    pub token_sha256: &'a str,
    pub hint: &'a str,
    pub created_by: i64,
    pub expires_on: NaiveDate,
}

/// A person of the register as the API gives it: a recipient or an assistant, with the full
/// personnummer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiPerson {
    pub id: i64,
    /// The caller's own id for it, if one was given.
    pub external_id: Option<String>,
    pub personnummer: String,
    pub first_name: String,
    pub last_name: String,
}

/// What in the register a caller may name by its own id (`external_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    Recipient,
    Assistant,
    Decision,
    Assignment,
}

impl Named {
    /// Its table.
    pub fn table(self) -> &'static str {
        match self {
            Named::Recipient => "recipients",
            Named::Assistant => "assistants",
            Named::Decision => "decisions",
            Named::Assignment => "assignments",
        }
    }
}

/// How one person of the register is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    Id(i64),
    External(&'a str),
    /// Twelve digits.
    Personnummer(&'a str),
}

/// An assignment as the API reads it back: whose, to whom, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiAssignment {
    pub id: i64,
    pub assistant: i64,
    pub data: engine::register::AssignmentData,
}

/// A payroll row as the store reads it: the row and the people it names.
#[derive(Clone, Debug)]
pub struct PayrollFacts {
    pub row: StoredRow,
    /// The assistant's, twelve digits.
    pub personnummer: String,
    pub assistant_name: String,
    /// Empty where the register has none.
    pub employee_number: String,
    pub recipient_name: String,
}

/// A month of a municipality as the API lists it: its time reports by status (those submitted
/// at least once; a draft never submitted has no record) and its archives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// (status, how many), by status.
    pub reports: Vec<(MonthStatus, i64)>,
    /// How many archives, and when the latest was made.
    pub archives: i64,
    pub archived_at: Option<String>,
}

/// Back-office systems' tokens and what they read (issue 29). A part of [`Store`].
#[async_trait::async_trait]
pub trait ApiStore: Send {
    async fn create_api_token(&mut self, t: &NewApiToken<'_>) -> RepoResult<i64>;
    /// The municipality's tokens, newest first.
    async fn api_tokens(&mut self, tenant: i64) -> RepoResult<Vec<ApiTokenRecord>>;
    /// Revokes the municipality's token; false when it has no such token not yet revoked.
    async fn revoke_api_token(&mut self, tenant: i64, id: i64) -> RepoResult<bool>;
    /// The token whose SHA-256 this is, whichever municipality's.
    async fn api_token(&mut self, token_sha256: &str) -> RepoResult<Option<ApiTokenRecord>>;
    /// The municipality's recipients or assistants (`who`) after id `after`, by id, at most
    /// `limit`.
    async fn api_people(
        &mut self,
        tenant: i64,
        who: Named,
        after: i64,
        limit: i64,
    ) -> RepoResult<Vec<ApiPerson>>;
    /// One of the municipality's recipients or assistants.
    async fn api_person(
        &mut self,
        tenant: i64,
        who: Named,
        by: Lookup<'_>,
    ) -> RepoResult<Option<ApiPerson>>;
    /// The id of the municipality's entry the caller's id names, if any.
    async fn named(
        &mut self,
        tenant: i64,
        what: Named,
        external_id: &str,
    ) -> RepoResult<Option<i64>>;
    /// Names the entry by the caller's id.
    async fn set_external_id(
        &mut self,
        tenant: i64,
        what: Named,
        id: i64,
        external_id: &str,
    ) -> RepoResult<()>;
    /// One of the municipality's assignments.
    async fn api_assignment(&mut self, tenant: i64, id: i64) -> RepoResult<Option<ApiAssignment>>;
    /// The municipality's months with a time report submitted or an archive, newest first, at
    /// most `limit`.
    async fn api_months(&mut self, tenant: i64, limit: i64) -> RepoResult<Vec<ApiMonth>>;
    /// The month's rows of the time reports attested or exported, by day and id after `after`
    /// (a day and a row id), at most `limit`, each with the people it names: what payroll pays,
    /// a page at a time (the month's index walked in order, never the month sorted, and only the
    /// page's people read).
    async fn payroll_rows(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        after: (NaiveDate, i64),
        limit: i64,
    ) -> RepoResult<Vec<PayrollFacts>>;
    /// The municipality's audit entries after id `after`, by id, at most `limit`, but the API's
    /// own calls: (id, at, action, subject).
    async fn changes(
        &mut self,
        tenant: i64,
        after: i64,
        limit: i64,
    ) -> RepoResult<Vec<(i64, String, String, String)>>;
}
