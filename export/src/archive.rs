//! The month archive: one ZIP per municipality and month with every document, a
//! `manifest.json` listing each file with its SHA-256, and `manifest.json.sig`, the Ed25519
//! signature of the manifest's exact bytes by the installation's key. [`verify`] checks an
//! archive against a public key and says exactly what does not match.

use crate::Error;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use engine::documents::{VerifyProblem, VerifyReport};
use engine::fk::sha256_hex;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::io::{Cursor, Read, Seek, Write};
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

/// A public key from its hex form.
pub fn public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

fn zip_time(created_at: &str) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    chrono::DateTime::parse_from_rfc3339(created_at)
        .ok()
        .and_then(|t| {
            zip::DateTime::from_date_and_time(
                t.year() as u16,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

/// A month archive being written: files go into the ZIP as they come (each hashed on the
/// way), the signed manifest last. Every entry carries the archive's creation time, so the
/// same content gives the same bytes.
pub struct Writer {
    /// A temporary file, not memory: a big month's ZIP is hundreds of MB and is read back once,
    /// at its exact size, when sealed.
    zip: ZipWriter<std::fs::File>,
    options: SimpleFileOptions,
    entries: Vec<Entry>,
    /// The paths so far, to refuse a second file of one name at once (a list searched per file
    /// was quadratic: 180 million comparisons for a month of 19,000 files).
    paths: std::collections::HashSet<String>,
    created_at: String,
    failed: Option<String>,
}

/// A sealed archive.
pub struct Sealed {
    pub zip: Vec<u8>,
    pub manifest: Manifest,
    pub manifest_sha256: String,
    pub files: usize,
}

impl Writer {
    pub fn new(created_at: &str) -> Result<Self, Error> {
        // Deflate at level 1, not the default 6: the ZIP is written on one thread (beside the
        // documents made on the others), and level 6 was 6.1 s of a big month's 20.4 s
        // (bench/src/bin/month_export.rs, 150,000 rows). Level 1: 2.8 s, the archive 243 MB
        // instead of 222 MB. (Storing the PDFs as they are was faster still but 366 MB: their
        // structure compresses well. Their pages' drawing is now left for this deflate to
        // compress, `pdf::Pdf::new`.)
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1))
            .last_modified_time(zip_time(created_at));
        let file = tempfile::tempfile()
            .map_err(|e| Error::Archive(format!("no temporary file for the archive: {e}")))?;
        Ok(Self {
            zip: ZipWriter::new(file),
            options,
            entries: Vec::new(),
            paths: Default::default(),
            created_at: created_at.to_string(),
            failed: None,
        })
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.zip.start_file(path, self.options).map_err(|e| Error::Archive(e.to_string()))?;
        self.zip.write_all(bytes).map_err(|e| Error::Archive(e.to_string()))
    }

    /// Adds a document. Two documents with one path would make an archive nobody can check.
    pub fn add(&mut self, f: &File) -> Result<(), Error> {
        if f.path == MANIFEST || f.path == SIGNATURE || !self.paths.insert(f.path.clone()) {
            self.failed = Some(f.path.clone());
            return Err(Error::Archive(format!("two files named {}", f.path)));
        }
        self.put(&f.path, &f.bytes)?;
        self.entries.push(Entry {
            path: f.path.clone(),
            sha256: sha256_hex(&f.bytes),
            bytes: f.bytes.len() as u64,
        });
        Ok(())
    }

    /// Writes the manifest and its Ed25519 signature and closes the ZIP.
    pub fn seal(
        mut self,
        municipality: Municipality,
        month: &str,
        version: i64,
        key: &SigningKey,
        corrections: Vec<Correction>,
    ) -> Result<Sealed, Error> {
        if let Some(p) = self.failed {
            return Err(Error::Archive(format!("two files named {p}")));
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            municipality,
            month: month.into(),
            version,
            created_at: self.created_at.clone(),
            public_key: hex::encode(key.verifying_key().as_bytes()),
            files: std::mem::take(&mut self.entries),
            corrections,
        };
        let manifest_bytes =
            serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Archive(e.to_string()))?;
        let signature = key.sign(&manifest_bytes);
        self.put(MANIFEST, &manifest_bytes)?;
        self.put(SIGNATURE, format!("{}\n", hex::encode(signature.to_bytes())).as_bytes())?;
        let mut file = self.zip.finish().map_err(|e| Error::Archive(e.to_string()))?;
        let len =
            file.seek(std::io::SeekFrom::End(0)).map_err(|e| Error::Archive(e.to_string()))?;
        file.seek(std::io::SeekFrom::Start(0)).map_err(|e| Error::Archive(e.to_string()))?;
        let mut zip = Vec::with_capacity(len as usize);
        file.read_to_end(&mut zip).map_err(|e| Error::Archive(e.to_string()))?;
        Ok(Sealed {
            files: manifest.files.len(),
            zip,
            manifest,
            manifest_sha256: sha256_hex(&manifest_bytes),
        })
    }
}

/// Seals files already in memory (small archives, tests).
pub fn seal(
    files: &[File],
    municipality: Municipality,
    month: &str,
    version: i64,
    created_at: &str,
    key: &SigningKey,
    corrections: Vec<Correction>,
) -> Result<Sealed, Error> {
    let mut w = Writer::new(created_at)?;
    for f in files {
        w.add(f)?;
    }
    w.seal(municipality, month, version, key, corrections)
}

/// The most files an archive may list (a month of 1,000 recipients and 5,000 assistants has
/// about 12,000).
pub const MAX_FILES: usize = 100_000;
/// The largest manifest read (that month's is about 2 MB).
pub const MAX_MANIFEST: u64 = 16 << 20;
/// The largest ZIP central directory read into memory: it is read whole before any file.
pub const MAX_DIRECTORY: u64 = 32 << 20;
/// The longest path, and the longest other text of a manifest, that a report repeats.
pub const MAX_PATH: usize = 512;
/// How many problems a report lists (it says how many more there are).
pub const MAX_PROBLEMS: usize = 50;
/// How many signatures a report lists (a month of 6,000 documents has about 6,000; the rest
/// are counted).
pub const MAX_SIGNATURES: usize = 20_000;
/// The largest signature file read (one 3059's approvals with their evidence is a few kB).
const MAX_SIGNATURE_FILE: usize = 1 << 20;
/// The most signature files' bytes read for one check (a month of 6,000 documents with
/// e-legitimation evidence is about 20 MB).
const MAX_SIGNATURE_BYTES: u64 = 64 << 20;

/// A signature record as the archive's signature files keep it (`export::record`).
#[derive(Deserialize)]
struct ReadSignature {
    signer: String,
    signed_at: String,
    sha256: String,
    #[serde(default)]
    voided_at: Option<String>,
    #[serde(default)]
    e_legitimation: Option<engine::documents::EidEvidence>,
}

/// A 3059's signature file: its approvals and the assistant's attestations.
#[derive(Deserialize)]
struct ReadApprovals {
    approvals: Vec<ReadSignature>,
    #[serde(default)]
    attestations: Vec<ReadSignature>,
}

/// Whether a file is one of the archive's signature files: a 3059's approvals
/// (`….signaturer.json`) or a räkning's signature (`….signatur.json`).
fn signature_file(name: &str) -> bool {
    name.ends_with(".signaturer.json") || name.ends_with(".signatur.json")
}

/// The standing signatures of a signature file whose content the manifest vouched for.
fn read_signatures(name: &str, bytes: &[u8], report: &mut VerifyReport) {
    use engine::documents::SignatureWhat;
    let records: Vec<(SignatureWhat, ReadSignature)> = if name.ends_with(".signaturer.json") {
        serde_json::from_slice::<ReadApprovals>(bytes)
            .map(|r| {
                let approvals = r.approvals.into_iter().map(|s| (SignatureWhat::Approval, s));
                let attestations =
                    r.attestations.into_iter().map(|s| (SignatureWhat::Attestation, s));
                attestations.chain(approvals).collect()
            })
            .unwrap_or_default()
    } else {
        serde_json::from_slice::<ReadSignature>(bytes)
            .map(|r| vec![(SignatureWhat::Claim, r)])
            .unwrap_or_default()
    };
    for (what, r) in records.into_iter().filter(|(_, r)| r.voided_at.is_none()) {
        if report.signatures.len() >= MAX_SIGNATURES {
            report.more_signatures += 1;
            continue;
        }
        report.signatures.push(engine::documents::ArchivedSignature {
            file: bounded(name),
            what,
            signer: bounded(&r.signer),
            signed_at: bounded(&r.signed_at),
            sha256: bounded(&r.sha256),
            eid: r.e_legitimation,
            eid_holds: None,
        });
    }
}

/// Checks an archive: the manifest's signature against `key`, every listed file's presence and
/// SHA-256, and no file the manifest does not list.
pub fn verify(zip_bytes: &[u8], key: &VerifyingKey) -> VerifyReport {
    verify_from(Cursor::new(zip_bytes), std::slice::from_ref(key))
}

/// An archive's manifest and its signature (the `manifest.json.sig` line, hex), their exact
/// bytes as sealed, read within the same limits as [`verify_from`]; none when it is not one.
pub fn manifest(zip_bytes: &[u8]) -> Option<(Vec<u8>, String)> {
    let mut reader = Cursor::new(zip_bytes);
    let (entries, size) = directory_size(&mut reader)?;
    if entries > MAX_FILES as u64 + 2 || size > MAX_DIRECTORY {
        return None;
    }
    let mut zip = ZipArchive::new(reader).ok()?;
    let mut small = |name: &str, max: u64| -> Option<Vec<u8>> {
        let mut f = zip.by_name(name).ok()?;
        let mut b = Vec::new();
        match f.by_ref().take(max + 1).read_to_end(&mut b) {
            Ok(n) if n as u64 <= max => Some(b),
            _ => None,
        }
    };
    let manifest = small(MANIFEST, MAX_MANIFEST)?;
    let signature = String::from_utf8(small(SIGNATURE, 1024)?).ok()?.trim().to_string();
    Some((manifest, signature))
}

/// The central directory's entry count and size from the end-of-central-directory record
/// (ZIP64's when present), read before the ZIP library reads the directory into memory: an
/// upload of a few hundred MB could otherwise declare millions of entries.
/// Hand-written because the `zip` crate reads the whole directory on open and offers no limit.
fn directory_size<R: Read + Seek>(r: &mut R) -> Option<(u64, u64)> {
    let len = r.seek(std::io::SeekFrom::End(0)).ok()?;
    let tail = len.min(22 + 65_535 + 20);
    r.seek(std::io::SeekFrom::Start(len - tail)).ok()?;
    let mut buf = vec![0u8; tail as usize];
    r.read_exact(&mut buf).ok()?;
    let at = (0..buf.len().saturating_sub(21))
        .rev()
        .find(|&i| buf[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let u16_at = |i: usize| u16::from_le_bytes([buf[i], buf[i + 1]]) as u64;
    let u32_at = |i: usize| u32::from_le_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]) as u64;
    let (entries, size) = (u16_at(at + 10), u32_at(at + 12));
    if entries != 0xFFFF && size != 0xFFFF_FFFF {
        r.seek(std::io::SeekFrom::Start(0)).ok()?;
        return Some((entries, size));
    }
    // ZIP64: the locator just before the record points at the ZIP64 record.
    let loc = at.checked_sub(20).filter(|&i| buf[i..i + 4] == [0x50, 0x4b, 0x06, 0x07])?;
    let record = u64::from_le_bytes(buf[loc + 8..loc + 16].try_into().ok()?);
    r.seek(std::io::SeekFrom::Start(record)).ok()?;
    let mut z = [0u8; 56];
    r.read_exact(&mut z).ok()?;
    if z[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return None;
    }
    let entries = u64::from_le_bytes(z[32..40].try_into().ok()?);
    let size = u64::from_le_bytes(z[40..48].try_into().ok()?);
    r.seek(std::io::SeekFrom::Start(0)).ok()?;
    Some((entries, size))
}

/// A report that lists at most [`MAX_PROBLEMS`] problems, each path at most [`MAX_PATH`]
/// characters, and counts the rest: what an upload can make it say is bounded.
struct Problems<'a>(&'a mut VerifyReport);

impl Problems<'_> {
    fn push(&mut self, p: VerifyProblem) {
        if self.0.problems.len() < MAX_PROBLEMS {
            self.0.problems.push(p);
        } else {
            self.0.more_problems += 1;
        }
    }
}

fn bounded(s: &str) -> String {
    if s.chars().count() <= MAX_PATH {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX_PATH).collect::<String>())
    }
}

/// Is every text of the manifest within bounds (BITA writes short ones)?
fn manifest_bounded(m: &Manifest) -> bool {
    m.files.len() <= MAX_FILES
        && m.corrections.len() <= MAX_FILES
        && [&m.format, &m.municipality.name, &m.month, &m.created_at, &m.public_key]
            .iter()
            .all(|s| s.len() <= MAX_PATH)
        && m.files.iter().all(|e| e.path.len() <= MAX_PATH && e.sha256.len() <= 64)
}

/// [`verify`] of an archive read from a file (an upload is never held in memory whole),
/// against every key this installation trusts (the current one and retired ones): the report
/// says which signed it. Memory is bounded whatever the upload: the central directory, the
/// manifest and the report are capped, and files are hashed as they are read.
pub fn verify_from<R: Read + Seek>(mut reader: R, keys: &[VerifyingKey]) -> VerifyReport {
    let mut report = VerifyReport::default();
    match directory_size(&mut reader) {
        None => {
            report.problems.push(VerifyProblem::NotAnArchive);
            return report;
        }
        Some((entries, size)) if entries > MAX_FILES as u64 + 2 || size > MAX_DIRECTORY => {
            report.problems.push(VerifyProblem::TooLarge);
            return report;
        }
        Some(_) => {}
    }
    let Ok(mut zip) = ZipArchive::new(reader) else {
        report.problems.push(VerifyProblem::NotAnArchive);
        return report;
    };
    // The manifest and its signature first; then each file is hashed as it is read, never all
    // kept (an archive of a big month unpacks to hundreds of MB).
    let mut small = |name: &str, max: u64| -> Option<Result<Vec<u8>, ()>> {
        let mut f = zip.by_name(name).ok()?;
        let mut b = Vec::new();
        Some(match f.by_ref().take(max + 1).read_to_end(&mut b) {
            Ok(n) if n as u64 <= max => Ok(b),
            _ => Err(()),
        })
    };
    let manifest_bytes = match small(MANIFEST, MAX_MANIFEST) {
        None => {
            report.problems.push(VerifyProblem::NoManifest);
            return report;
        }
        Some(Err(())) => {
            report.problems.push(VerifyProblem::TooLarge);
            return report;
        }
        Some(Ok(b)) => b,
    };
    let signature = small(SIGNATURE, 1024).and_then(Result::ok);
    let manifest = match serde_json::from_slice::<Manifest>(&manifest_bytes) {
        Ok(m) if manifest_bounded(&m) => m,
        _ => {
            report.problems.push(VerifyProblem::ManifestUnreadable);
            return report;
        }
    };
    check_signature(&manifest_bytes, signature.as_deref(), keys, &mut report);
    report.municipality = Some(manifest.municipality.name.clone());
    report.month = Some(manifest.month.clone());
    report.created_at = Some(manifest.created_at.clone());
    let listed: std::collections::HashMap<&str, &Entry> =
        manifest.files.iter().map(|e| (e.path.as_str(), e)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut unpacked = 0u64;
    let (trusted, mut signature_bytes) = (report.signed_by.is_some(), 0u64);
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else {
            Problems(&mut report).push(VerifyProblem::NotAnArchive);
            return report;
        };
        if f.is_dir() {
            continue;
        }
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        if name == MANIFEST || name == SIGNATURE {
            continue;
        }
        let Some(entry) = listed.get(name.as_str()) else {
            Problems(&mut report).push(VerifyProblem::Unlisted(bounded(&name)));
            continue;
        };
        let mut hasher = sha2::Sha256::new();
        // A signature file is also kept (small ones only, at most MAX_SIGNATURE_BYTES in all)
        // to list its signatures, when the manifest is signed by a trusted key: what a
        // stranger's archive says of its signatures is not read.
        let mut kept = (trusted && signature_file(&name) && signature_bytes < MAX_SIGNATURE_BYTES)
            .then(Vec::new);
        loop {
            match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    unpacked += n as u64;
                    if unpacked > MAX_UNPACKED {
                        Problems(&mut report).push(VerifyProblem::TooLarge);
                        return report;
                    }
                    hasher.update(&buf[..n]);
                    if let Some(k) = kept.as_mut() {
                        if k.len() + n > MAX_SIGNATURE_FILE {
                            kept = None;
                        } else {
                            k.extend_from_slice(&buf[..n]);
                        }
                    }
                }
                Err(_) => {
                    Problems(&mut report).push(VerifyProblem::NotAnArchive);
                    return report;
                }
            }
        }
        let sha = hex::encode(hasher.finalize());
        if sha == entry.sha256 {
            report.files_checked += 1;
            if let Some(k) = kept {
                signature_bytes += k.len() as u64;
                read_signatures(&name, &k, &mut report);
            }
        } else {
            Problems(&mut report).push(VerifyProblem::Changed(name.clone()));
        }
        seen.insert(name);
    }
    for e in &manifest.files {
        if !seen.contains(&e.path) {
            Problems(&mut report).push(VerifyProblem::Missing(e.path.clone()));
        }
    }
    report.ok = report.problems.is_empty();
    report
}

/// Checks the manifest's signature against the trusted keys (the one the manifest names
/// first) and notes in the report which key signed it.
fn check_signature(
    manifest: &[u8],
    signature: Option<&[u8]>,
    keys: &[VerifyingKey],
    report: &mut VerifyReport,
) {
    let Some(sig) = signature else {
        report.problems.push(VerifyProblem::NoSignature);
        return;
    };
    let signature = std::str::from_utf8(sig)
        .ok()
        .and_then(|s| hex::decode(s.trim()).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    match signature.and_then(|s| keys.iter().position(|k| k.verify(manifest, &s).is_ok())) {
        Some(i) => {
            report.signed_by = Some(hex::encode(keys[i].as_bytes()));
            report.retired_key = i > 0;
        }
        None => report.problems.push(VerifyProblem::SignatureInvalid),
    }
}

/// A new random installation key.
pub fn new_key(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&seed)
}
