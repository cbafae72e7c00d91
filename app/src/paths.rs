//! Every address a form posts to, defined once: the page's `action` and the server's route
//! (`server::routes`, with the role and body each is for) both name these, so neither can
//! drift from the other. Pages a form reads with GET (a search) are the router's page paths.

// Anyone.
/// Sign in (the login form).
pub const LOGIN: &str = "/logga-in";
pub const LOGOUT: &str = "/logga-ut";
/// Sign-in with an OpenID provider starts here (`?leverantor=<id>`, optionally `&till=<path>`
/// or `&kod=<invitation>`), and the provider sends the person back to the callback.
/// The administrator's card of a recipient (with the hospital stays).
pub const RECIPIENT_CARD: &str = "/admin/brukarkort";
pub const OIDC_START: &str = "/oidc/start";
pub const OIDC_CALLBACK: &str = "/oidc/tillbaka";
/// The admin's sign-in settings and providers.
pub const IDENTITY_SETTINGS: &str = "/admin/inloggning/installningar";
pub const IDENTITY_PROVIDER_ADD: &str = "/admin/inloggning/leverantor";
pub const IDENTITY_PROVIDER_REMOVE: &str = "/admin/inloggning/leverantor/ta-bort";
pub const LANGUAGE: &str = "/sprak";
/// The code after the password, for an account with a second factor (the form is on the
/// sign-in page, `?kod=1`).
pub const LOGIN_CODE: &str = "/engangskod";
/// An account's second factor (TOTP) and its recovery codes.
pub const OTP_PAGE: &str = "/konto/tvastegs";
pub const OTP_BEGIN: &str = "/konto/tvastegs/borja";
pub const OTP_CONFIRM: &str = "/konto/tvastegs/bekrafta";
pub const OTP_REMOVE: &str = "/konto/tvastegs/ta-bort";
/// Choose a password from an invitation link.
pub const INVITATION: &str = "/inbjudan";
/// The public archive check (an upload).
pub const VERIFY: &str = "/verifiera";

// The assistant.
pub const ROW_ADD: &str = "/assistent/rad";
pub const ROW_DELETE: &str = "/assistent/rad/ta-bort";
pub const ROW_EDIT: &str = "/assistent/rad/andra";
pub const MONTH_SUBMIT: &str = "/assistent/skicka";
pub const MONTH_WITHDRAW: &str = "/assistent/ta-tillbaka";
pub const SHIFT_START: &str = "/assistent/pass/starta";
pub const SHIFT_SWITCH: &str = "/assistent/pass/byt";
pub const SHIFT_STOP: &str = "/assistent/pass/avsluta";
pub const SHIFT_CANCEL: &str = "/assistent/pass/avbryt";
pub const SHIFTS_COPY: &str = "/assistent/kopiera";

/// The planned shifts (issue 27): confirmed as planned, or not worked.
pub const PLANNED_CONFIRM: &str = "/assistent/planerat/bekrafta";
pub const PLANNED_NOT_WORKED: &str = "/assistent/planerat/inte";
/// The assistant's calendar address: made anew or removed.
pub const CALENDAR: &str = "/assistent/kalender";
/// The calendar feed itself (its secret in the query string, never in a logged path).
pub const CALENDAR_FEED: &str = "/kalender.ics";

// The planner: a work leader, or the administrator.
/// The planner's pages: the overview and one recipient's schedule (`?id=`).
pub const SCHEDULES_PAGE: &str = "/schema";
pub const SCHEDULE_PAGE: &str = "/schema/brukare";
pub const SCHEDULE_BASE: &str = "/schema/grund";
pub const SCHEDULE_BASE_SHIFT: &str = "/schema/grund/pass";
pub const SCHEDULE_BASE_SHIFT_DELETE: &str = "/schema/grund/pass/ta-bort";
pub const SCHEDULE_MAKE: &str = "/schema/skapa";
pub const SCHEDULE_CHANGE: &str = "/schema/pass";
pub const SCHEDULE_EXTRA: &str = "/schema/extra";
pub const SCHEDULE_PUBLISH: &str = "/schema/publicera";
pub const SCHEDULE_REMIND: &str = "/schema/paminn";

// The recipient or their representative.
/// Approve (sign) or not a submitted month.
pub const MONTH_DECIDE: &str = "/brukare/beslut";
pub const MONTH_RETURN: &str = "/brukare/atersand";
pub const CLAIM_ANSWER: &str = "/brukare/rakning/svar";
pub const CLAIM_SIGN: &str = "/brukare/rakning/signera";
pub const OWN_PERSONNUMMER: &str = "/brukare/visa-personnummer";

// The municipality's administrator.
pub const CLAIM_COSTS: &str = "/admin/rakning/kostnader";
pub const MONTH_CSV: &str = "/admin/export.csv";
pub const ATTEST: &str = "/admin/attestera";
pub const ATTEST_READY: &str = "/admin/attestera-alla";
pub const REMIND: &str = "/admin/paminn";
pub const REPORT_3059: &str = "/admin/3059";
/// The month's export (all documents, the signed archive).
pub const EXPORT: &str = "/admin/export";
pub const ARCHIVE: &str = "/admin/export/arkiv";
/// A running export's progress as JSON (`?id=`), for the export page's script.
pub const EXPORT_JOB: &str = "/admin/export/jobb";
pub const CORRECT: &str = "/admin/rattelse";
/// FK's blank form and its mapping (an upload; the CSRF token in the address).
pub const FK_FORM: &str = "/admin/export/blankett";
pub const ASSISTANT_SAVE: &str = "/admin/assistent/spara";
pub const ACCOUNT: &str = "/admin/konto";
pub const RECIPIENT_SAVE: &str = "/admin/brukarkort/spara";
pub const DECISION_ADD: &str = "/admin/beslut";
pub const DECISION_END: &str = "/admin/beslut/avsluta";
pub const ASSIGNMENT_ADD: &str = "/admin/uppdrag";
pub const ASSIGNMENT_END: &str = "/admin/uppdrag/avsluta";
pub const PROVIDER_SAVE: &str = "/admin/anordnare/spara";
pub const RATE_SET: &str = "/admin/anordnare/belopp";
pub const LSS_RATE_SET: &str = "/admin/anordnare/lss-belopp";
pub const RULES_SAVE: &str = "/admin/anordnare/regler";
/// The municipalities' comparison (issue 29): the page, taking part, its figures as CSV.
pub const BENCHMARK: &str = "/admin/jamforelse";
pub const BENCHMARK_TAKE_PART: &str = "/admin/jamforelse/delta";
pub const BENCHMARK_CSV: &str = "/admin/jamforelse.csv";
/// Back-office systems' API tokens (issue 29): the page, making one, revoking one; the API's
/// documentation.
pub const API_TOKENS: &str = "/admin/api";
pub const API_TOKEN_CREATE: &str = "/admin/api/ny";
pub const API_TOKEN_REVOKE: &str = "/admin/api/aterkalla";
pub const API_DOCS: &str = "/api/v1";
pub const REPRESENTATIVE_ADD: &str = "/admin/foretradare";
pub const REPRESENTATION_END: &str = "/admin/foretradare/avsluta";
pub const ABSENCE_ADD: &str = "/admin/franvaro";
pub const ABSENCE_DELETE: &str = "/admin/franvaro/ta-bort";
/// The work leaders and the recipients given them.
pub const WORK_LEADERS: &str = "/admin/arbetsledare";
pub const WORK_LEADER_ADD: &str = "/admin/arbetsledare/ny";
pub const WORK_LEADER_SCOPE: &str = "/admin/arbetsledare/brukare";
/// Show a person's full personnummer (audited).
pub const PERSONNUMMER: &str = "/admin/visa-personnummer";
/// A register file's dry run (an upload; the CSRF token in the address).
pub const IMPORT_DRY_RUN: &str = "/admin/import/provkor";
pub const IMPORT_RUN: &str = "/admin/import/kor";

/// Where a role lands after signing in.
pub fn start_page(role: crate::domain::people::Role) -> &'static str {
    use crate::domain::people::Role;
    match role {
        Role::Admin => "/admin",
        Role::Assistant => "/assistent",
        Role::Recipient | Role::Representative => "/brukare",
        Role::WorkLeader => "/schema",
    }
}

/// A value for an address's query string, percent-encoded (the few characters a path on this
/// site has; hand-written: the page is rendered on the server and the browser's wasm has no
/// URL encoder to share).
pub fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
