//! The month archive: one ZIP per municipality and month with every document, a
//! `manifest.json` listing each file with its SHA-256, and `manifest.json.sig`, the Ed25519
//! signature of the manifest's exact bytes by the installation's key. [`verify`] checks an
//! archive against a public key and says exactly what does not match.

use crate::Error;
use app::api::export::{VerifyProblem, VerifyReport};
use app::domain::fk::sha256_hex;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.sig";
pub const FORMAT: &str = "bita-month-archive/1";
/// The most an archive may unpack to when it is checked (an uploaded ZIP could be a bomb).
pub const MAX_UNPACKED: u64 = 2 << 30;

/// A file of the archive.
#[derive(Clone, Debug)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// A corrected document in this archive and the version it replaces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub path: String,
    pub report_id: String,
    pub version: i64,
    /// The report id of the version this one replaces …
    pub replaces: String,
    /// … which the month's previous archive holds (its version), if there was one.
    pub previous_archive: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub municipality: Municipality,
    pub month: String,
    /// Which export of the month this is (a correction makes a new one).
    pub version: i64,
    pub created_at: String,
    /// The installation's public key (hex) that signed it. A verifier checks against the key it
    /// trusts, never against this field; it is here to say which key to ask for.
    pub public_key: String,
    pub files: Vec<Entry>,
    pub corrections: Vec<Correction>,
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// A public key from its hex form.
pub fn public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = unhex(hex_key)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// The manifest of a set of files.
pub fn manifest(files: &[File], municipality: Municipality, month: &str, version: i64, created_at: &str, key: &VerifyingKey, corrections: Vec<Correction>) -> Manifest {
    Manifest {
        format: FORMAT.into(),
        municipality,
        month: month.into(),
        version,
        created_at: created_at.into(),
        public_key: hex(key.as_bytes()),
        files: files.iter().map(|f| Entry { path: f.path.clone(), sha256: sha256_hex(&f.bytes), bytes: f.bytes.len() as u64 }).collect(),
        corrections,
    }
}

/// Writes the ZIP: the manifest and its signature first, then the files in order. Every entry
/// carries the archive's creation time, so the same content gives the same bytes.
pub fn seal(files: &[File], manifest: &Manifest, key: &SigningKey) -> Result<(Vec<u8>, String), Error> {
    let manifest_bytes = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Archive(e.to_string()))?;
    let signature = key.sign(&manifest_bytes);
    let stamp = chrono::DateTime::parse_from_rfc3339(&manifest.created_at).ok();
    let time = stamp
        .and_then(|t| {
            use chrono::{Datelike, Timelike};
            zip::DateTime::from_date_and_time(t.year() as u16, t.month() as u8, t.day() as u8, t.hour() as u8, t.minute() as u8, t.second() as u8).ok()
        })
        .unwrap_or_default();
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).last_modified_time(time);
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(files.iter().map(|f| f.bytes.len()).sum::<usize>() / 3 + 4096)));
    let z = |e: zip::result::ZipError| Error::Archive(e.to_string());
    let io = |e: std::io::Error| Error::Archive(e.to_string());
    zip.start_file(MANIFEST, options).map_err(z)?;
    zip.write_all(&manifest_bytes).map_err(io)?;
    zip.start_file(SIGNATURE, options).map_err(z)?;
    zip.write_all(format!("{}\n", hex(&signature.to_bytes())).as_bytes()).map_err(io)?;
    for f in files {
        zip.start_file(f.path.as_str(), options).map_err(z)?;
        zip.write_all(&f.bytes).map_err(io)?;
    }
    let bytes = zip.finish().map_err(z)?.into_inner();
    Ok((bytes, sha256_hex(&manifest_bytes)))
}

/// Checks an archive: the manifest's signature against `key`, every listed file's presence and
/// SHA-256, and no file the manifest does not list.
pub fn verify(zip_bytes: &[u8], key: &VerifyingKey) -> VerifyReport {
    let mut report = VerifyReport::default();
    let Ok(mut zip) = ZipArchive::new(Cursor::new(zip_bytes)) else {
        report.problems.push(VerifyProblem::NotAnArchive);
        return report;
    };
    let mut contents: Vec<(String, Vec<u8>)> = Vec::with_capacity(zip.len());
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else {
            report.problems.push(VerifyProblem::NotAnArchive);
            return report;
        };
        if f.is_dir() {
            continue;
        }
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut bytes = Vec::new();
        let limit = MAX_UNPACKED.saturating_sub(unpacked) + 1;
        if (&mut f).take(limit).read_to_end(&mut bytes).is_err() || unpacked + bytes.len() as u64 > MAX_UNPACKED {
            report.problems.push(VerifyProblem::NotAnArchive);
            return report;
        }
        unpacked += bytes.len() as u64;
        contents.push((name, bytes));
    }
    let find = |name: &str| contents.iter().find(|(n, _)| n == name).map(|(_, b)| b);
    let Some(manifest_bytes) = find(MANIFEST) else {
        report.problems.push(VerifyProblem::NoManifest);
        return report;
    };
    let Ok(manifest) = serde_json::from_slice::<Manifest>(manifest_bytes) else {
        report.problems.push(VerifyProblem::ManifestUnreadable);
        return report;
    };
    report.municipality = Some(manifest.municipality.name.clone());
    report.month = Some(manifest.month.clone());
    report.created_at = Some(manifest.created_at.clone());
    match find(SIGNATURE) {
        None => report.problems.push(VerifyProblem::NoSignature),
        Some(sig) => {
            let valid = std::str::from_utf8(sig)
                .ok()
                .and_then(unhex)
                .and_then(|b| <[u8; 64]>::try_from(b).ok())
                .map(|b| Signature::from_bytes(&b))
                .is_some_and(|s| key.verify(manifest_bytes, &s).is_ok());
            if !valid {
                report.problems.push(VerifyProblem::SignatureInvalid);
            }
        }
    }
    for e in &manifest.files {
        match find(&e.path) {
            None => report.problems.push(VerifyProblem::Missing(e.path.clone())),
            Some(b) if sha256_hex(b) != e.sha256 => report.problems.push(VerifyProblem::Changed(e.path.clone())),
            Some(_) => report.files_checked += 1,
        }
    }
    for (name, _) in &contents {
        if name != MANIFEST && name != SIGNATURE && !manifest.files.iter().any(|e| &e.path == name) {
            report.problems.push(VerifyProblem::Unlisted(name.clone()));
        }
    }
    report.ok = report.problems.is_empty();
    report
}

/// A new random installation key.
pub fn new_key(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&seed)
}
