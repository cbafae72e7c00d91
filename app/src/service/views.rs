//! The store's records as the pages show them: one place where a stored instant becomes
//! Swedish local time and a record becomes the type the browser shares.

use crate::domain::clock::local_time;
use crate::domain::documents::SignatureView;
use crate::model::export::{ArchiveLine, FormLine};
use crate::model::review::AuditLine;
use crate::model::{
    AssignmentView, AssistantListItem, DecisionView, RecipientListItem, RepresentativeView,
};
use store::{
    ArchiveRecord, AssignmentRecord, AssistantSummary, AuditSummary, FormRecord, RecipientSummary,
    RepresentativeRecord, SignatureRecord, StoredDecision,
};

/// Converts a list of records into what a page shows.
pub(super) fn all<R, V: From<R>>(records: Vec<R>) -> Vec<V> {
    records.into_iter().map(V::from).collect()
}

impl From<AssistantSummary> for AssistantListItem {
    fn from(r: AssistantSummary) -> Self {
        Self {
            id: r.id,
            name: r.name,
            personnummer_masked: r.personnummer_masked,
            regime: r.regime,
            phone: r.phone,
        }
    }
}

impl From<RecipientSummary> for RecipientListItem {
    fn from(r: RecipientSummary) -> Self {
        Self { id: r.id, name: r.name, personnummer_masked: r.personnummer_masked }
    }
}

impl From<StoredDecision> for DecisionView {
    fn from(r: StoredDecision) -> Self {
        Self { id: r.id, decision: r.decision }
    }
}

impl From<AssignmentRecord> for AssignmentView {
    fn from(r: AssignmentRecord) -> Self {
        Self {
            id: r.id,
            recipient: r.recipient,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            fk_notified_on: r.fk_notified_on,
            relative: r.relative,
        }
    }
}

impl From<RepresentativeRecord> for RepresentativeView {
    fn from(r: RepresentativeRecord) -> Self {
        Self {
            user: r.user,
            name: r.name,
            capacity: r.capacity,
            personnummer_masked: r.personnummer_masked,
            username: r.username,
            email: r.email,
            active: r.active,
            ended_on: r.ended_on,
            has_password: r.has_password,
        }
    }
}

impl From<AuditSummary> for AuditLine {
    fn from(r: AuditSummary) -> Self {
        Self { id: r.id, at: local_time(&r.at), who: r.who, action: r.action, subject: r.subject }
    }
}

impl From<ArchiveRecord> for ArchiveLine {
    fn from(r: ArchiveRecord) -> Self {
        Self {
            id: r.id,
            version: r.version,
            created_at: local_time(&r.created_at),
            created_by: r.created_by,
            sha256: r.sha256,
            bytes: r.bytes,
            files: r.files,
            corrections: r.corrections,
        }
    }
}

impl From<FormRecord> for FormLine {
    fn from(r: FormRecord) -> Self {
        Self {
            kind: r.kind,
            uploaded_at: local_time(&r.uploaded_at),
            uploaded_by: r.uploaded_by,
            fields: r.fields,
            missing: r.missing,
        }
    }
}

/// A signature as the pages and the month-end documents show it (engine's document model).
pub(super) fn signature(r: SignatureRecord) -> SignatureView {
    SignatureView {
        signer_name: r.signer_name,
        capacity: r.capacity,
        signed_at: local_time(&r.signed_at),
        document_id: r.document_id,
        sha256: r.sha256,
        voided: r.voided.map(|(at, why)| (local_time(&at), why)),
        eid: r.eid,
    }
}
