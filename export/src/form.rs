//! FK's own fillable forms (FK 3059, FK 3057), filled in. On paper FK accepts only its own form,
//! which BITA does not ship: an administrator uploads the blank form downloaded from FK. It is
//! protected by an owner password only, so Debian's `qpdf --decrypt` opens it; `lopdf` sets
//! the AcroForm fields' values; `qpdf --generate-appearances --flatten-annotations=all` draws
//! them into the page and removes the fields.
//!
//! Which field takes which value is data ([`Mapping`], `export/forms/*.json`): each logical
//! value names the *end* of a field's full name (`flt_txtAr1[0]`, `raderVanster[0].rad[3]
//! .flt_txtDag1[0]`), so the form's subform numbering does not matter, and a new form version
//! needs a new mapping file, not a release. A mapped field the form lacks is reported
//! ([`Filled::missing`]), never silently skipped.

use crate::Error;
use crate::frozen::{Claim, Report};
use engine::row::DayPart;
use engine::{TimeKind, Totals};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::process::Command;

/// Which FK form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormKind {
    Fk3059,
    Fk3057,
}

impl FormKind {
    pub fn code(self) -> &'static str {
        match self {
            FormKind::Fk3059 => "3059",
            FormKind::Fk3057 => "3057",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "3059" => Some(FormKind::Fk3059),
            "3057" => Some(FormKind::Fk3057),
            _ => None,
        }
    }

    /// The mapping BITA ships for the form (from a public open-source peer's filling code and
    /// FK's field names; check it against the blank form).
    pub fn default_mapping(self) -> Mapping {
        let text = match self {
            FormKind::Fk3059 => include_str!("../forms/fk3059.json"),
            FormKind::Fk3057 => include_str!("../forms/fk3057.json"),
        };
        serde_json::from_str(text).expect("the shipped form mappings are valid JSON")
    }
}

/// The day-row table of the 3059: blocks of rows, each row's fields by `{i}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowTable {
    pub blocks: Vec<String>,
    pub per_block: usize,
    pub fields: BTreeMap<String, String>,
}

/// Which form field (by the end of its full name) takes which logical value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub form: String,
    #[serde(default)]
    pub note: String,
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub rows: Option<RowTable>,
}

/// The most values a mapping may name, its rows expanded (FK's 3059 has a few hundred fields).
pub const MAX_MAPPED: usize = 5_000;
/// The longest logical name or field-name ending a mapping may hold.
pub const MAX_MAPPED_NAME: usize = 300;

impl Mapping {
    /// A mapping from JSON (an administrator's upload, or as stored), refused when it is not
    /// one or when it names more than any form has: its rows are expanded only after this.
    pub fn parse(json: &[u8]) -> Option<Mapping> {
        let m: Mapping = serde_json::from_slice(json).ok()?;
        m.within_bounds().then_some(m)
    }

    /// Is what the mapping would expand to bounded ([`MAX_MAPPED`], [`MAX_MAPPED_NAME`])?
    pub fn within_bounds(&self) -> bool {
        let short = |s: &String| s.chars().count() <= MAX_MAPPED_NAME;
        let rows = match &self.rows {
            None => 0,
            Some(t) => {
                if !t.blocks.iter().all(short)
                    || !t.fields.iter().all(|(k, v)| short(k) && short(v))
                {
                    return false;
                }
                t.blocks.len().saturating_mul(t.per_block).saturating_mul(t.fields.len().max(1))
            }
        };
        self.fields.iter().all(|(k, v)| short(k) && short(v))
            && self.fields.len().saturating_add(rows) <= MAX_MAPPED
            && short(&self.form)
    }

    /// Every logical value name and the field-name ending it goes to, rows expanded
    /// (`rad.1.dag` → `raderVanster[0].rad[0].flt_txtDag1[0]`).
    pub fn expanded(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            self.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some(t) = &self.rows {
            for (b, block) in t.blocks.iter().enumerate() {
                for i in 0..t.per_block {
                    let n = b * t.per_block + i + 1;
                    for (k, v) in &t.fields {
                        out.push((
                            format!("rad.{n}.{k}"),
                            format!("{block}.{}", v.replace("{i}", &i.to_string())),
                        ));
                    }
                }
            }
        }
        out
    }

    /// How many day rows one form takes.
    pub fn rows_per_form(&self) -> usize {
        self.rows.as_ref().map(|t| t.blocks.len() * t.per_block).unwrap_or(0)
    }

    /// The mapped fields a form lacks: (logical name, field-name ending).
    pub fn missing_in(&self, field_names: &[String]) -> Vec<(String, String)> {
        self.expanded()
            .into_iter()
            .filter(|(_, end)| !field_names.iter().any(|f| ends_with_segment(f, end)))
            .collect()
    }
}

/// Does `full` end with `end` at a name-segment boundary (`a.b.flt_x[0]` ends with `flt_x[0]`
/// but not with `x[0]`)?
fn ends_with_segment(full: &str, end: &str) -> bool {
    full == end || (full.ends_with(end) && full[..full.len() - end.len()].ends_with('.'))
}

/// The bounds every run of qpdf and every reading of a form keeps, whatever the file: a form
/// is a few pages with a few hundred fields, so anything far beyond is refused rather than
/// worked on.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock time for one run of qpdf; it is killed after.
    pub deadline: std::time::Duration,
    /// Address space qpdf may use (bytes).
    pub memory: u64,
    /// The largest file qpdf may write: an unpacked form, or a flattened month of forms.
    pub output: u64,
    pub max_pages: usize,
    /// Objects in the unpacked file.
    pub max_objects: usize,
    /// Nodes of the field tree visited when looking for fields.
    pub max_field_nodes: usize,
}

impl Limits {
    /// For a form uploaded by a person (FK's 3059 is 4 pages, 3057 2; a few thousand objects).
    pub fn upload() -> Self {
        Self {
            deadline: std::time::Duration::from_secs(20),
            memory: 1 << 30,
            output: 64 << 20,
            max_pages: 50,
            max_objects: 50_000,
            max_field_nodes: 20_000,
        }
    }

    /// For filling a checked form at export (a month of many pages is joined into one file).
    pub fn export() -> Self {
        Self { deadline: std::time::Duration::from_secs(120), output: 512 << 20, ..Self::upload() }
    }
}

/// Why an uploaded form was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a PDF qpdf can open (or it needs a password to open).
    NotAPdf,
    TooManyPages,
    /// It unpacks to more than [`Limits::output`].
    TooLarge,
    /// More objects or field nodes than any form has (a loop in its field tree, say).
    TooComplex,
    /// qpdf took longer than [`Limits::deadline`], or the request was gone.
    TimedOut,
    NoFields,
    /// qpdf could not be run (not installed, no disk): not the file's fault.
    CouldNotCheck,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::NotAPdf => "not a PDF that can be opened",
            Refusal::TooManyPages => "more pages than a form has",
            Refusal::TooLarge => "unpacks to more than a form can",
            Refusal::TooComplex => "more objects or fields than a form has",
            Refusal::TimedOut => "took too long to read",
            Refusal::NoFields => "no fillable fields",
            Refusal::CouldNotCheck => "qpdf could not be run",
        })
    }
}

/// How a run of qpdf ended badly.
enum RunError {
    Refused(Refusal),
    Failed(String),
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Refused(r) => Error::Form(r.to_string()),
            RunError::Failed(m) => Error::Form(m),
        }
    }
}

/// Runs qpdf under `prlimit` (address space, file size, CPU time) with a wall-clock deadline,
/// killed at once when `cancel` is set (the request that asked for it is gone). Its output
/// and messages go to files in `dir`, so a chatty qpdf never blocks on a full pipe. Returns
/// what it printed on standard output. Exit 3 is qpdf's "warnings only" (a damaged but
/// readable file).
fn qpdf(
    args: &[&std::ffi::OsStr],
    dir: &std::path::Path,
    limits: &Limits,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<String, RunError> {
    use std::os::unix::process::ExitStatusExt;
    let (out_path, err_path) = (dir.join("qpdf.out"), dir.join("qpdf.err"));
    let file = |p: &std::path::Path| {
        std::fs::File::create(p).map_err(|e| RunError::Failed(format!("no temporary file: {e}")))
    };
    let mut child = Command::new("prlimit")
        .arg(format!("--as={}", limits.memory))
        .arg(format!("--fsize={}", limits.output))
        .arg(format!("--cpu={}", limits.deadline.as_secs().max(1)))
        .arg("--")
        .arg("qpdf")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(file(&out_path)?)
        .stderr(file(&err_path)?)
        .spawn()
        .map_err(|e| RunError::Failed(format!("qpdf could not be started ({e}); install Debian's qpdf and util-linux (prlimit) packages")))?;
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(RunError::Failed(e.to_string())),
        }
        let cancelled = cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed));
        if cancelled || started.elapsed() > limits.deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::Refused(Refusal::TimedOut));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(20));
    };
    let said = |p: &std::path::Path| {
        std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b[..b.len().min(4096)]).trim().to_string())
            .unwrap_or_default()
    };
    match (status.code(), status.signal()) {
        (Some(0 | 3), _) => Ok(said(&out_path)),
        // Killed for writing past the file-size limit, or for CPU time.
        (_, Some(25)) => Err(RunError::Refused(Refusal::TooLarge)),
        (_, Some(24 | 9)) => Err(RunError::Refused(Refusal::TimedOut)),
        (Some(2), _) if said(&err_path).contains("bad_alloc") => {
            Err(RunError::Refused(Refusal::TooLarge))
        }
        (Some(2), _) => Err(RunError::Refused(Refusal::NotAPdf)),
        _ => Err(RunError::Failed(format!("qpdf: {}", said(&err_path)))),
    }
}

/// qpdf from `input` bytes to output bytes, under the export's limits.
fn qpdf_bytes(args: &[&str], input: &[u8]) -> Result<Vec<u8>, Error> {
    let dir =
        tempfile::tempdir().map_err(|e| Error::Form(format!("no temporary directory: {e}")))?;
    let (i, o) = (dir.path().join("in.pdf"), dir.path().join("out.pdf"));
    std::fs::write(&i, input).map_err(|e| Error::Form(e.to_string()))?;
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    all.extend([i.as_os_str(), o.as_os_str()]);
    qpdf(&all, dir.path(), &Limits::export(), None)?;
    std::fs::read(&o).map_err(|e| Error::Form(e.to_string()))
}

/// Removes the owner-password protection FK's forms have (there is no user password).
pub fn decrypt(pdf: &[u8]) -> Result<Vec<u8>, Error> {
    qpdf_bytes(&["--decrypt"], pdf)
}

/// Draws the filled values into the pages and removes the fields.
pub fn flatten(pdf: &[u8]) -> Result<Vec<u8>, Error> {
    qpdf_bytes(&["--generate-appearances", "--flatten-annotations=all"], pdf)
}

/// Several PDFs as one, in order (a month with more rows than one form holds).
pub fn concat(pdfs: &[Vec<u8>]) -> Result<Vec<u8>, Error> {
    if pdfs.len() == 1 {
        return Ok(pdfs[0].clone());
    }
    let dir = tempfile::tempdir().map_err(|e| Error::Form(e.to_string()))?;
    let mut paths = Vec::new();
    for (n, p) in pdfs.iter().enumerate() {
        let path = dir.path().join(format!("{n}.pdf"));
        std::fs::write(&path, p).map_err(|e| Error::Form(e.to_string()))?;
        paths.push(path);
    }
    let out_path = dir.path().join("all.pdf");
    let mut args: Vec<&std::ffi::OsStr> = vec!["--empty".as_ref(), "--pages".as_ref()];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    args.extend(["--".as_ref(), out_path.as_os_str()]);
    qpdf(&args, dir.path(), &Limits::export(), None)?;
    std::fs::read(&out_path).map_err(|e| Error::Form(e.to_string()))
}

/// A checked upload: the form as it is kept (decrypted, scripts and actions removed,
/// recompressed) and its fields' full names.
pub struct Checked {
    pub pdf: Vec<u8>,
    pub field_names: Vec<String>,
}

/// Checks an uploaded form before anything else reads it, and keeps only what a fillable form
/// needs. qpdf reads it first, under [`Limits`]: the page count, then the whole file decrypted
/// and unpacked (no object streams, no compression), so its unpacked size is bounded by the
/// file-size limit; only then does lopdf read it, counting objects; every script and action
/// (the document's open action, `/AA` additional actions, `/A` actions of annotations,
/// JavaScript and embedded files in `/Names`, XFA) is removed; the field tree is walked with a
/// visited set and a node budget; qpdf compresses what is kept. `cancel` stops qpdf at once.
pub fn check_upload(
    path: &std::path::Path,
    limits: &Limits,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Checked, Refusal> {
    let refusal = |e: RunError| match e {
        RunError::Refused(r) => r,
        RunError::Failed(_) => Refusal::CouldNotCheck,
    };
    let dir = tempfile::tempdir().map_err(|_| Refusal::CouldNotCheck)?;
    let pages =
        qpdf(&["--show-npages".as_ref(), path.as_os_str()], dir.path(), limits, Some(cancel))
            .map_err(refusal)?;
    match pages.trim().parse::<usize>() {
        Ok(0) => return Err(Refusal::NotAPdf),
        Ok(n) if n > limits.max_pages => return Err(Refusal::TooManyPages),
        Ok(_) => {}
        Err(_) => return Err(Refusal::NotAPdf),
    }
    let unpacked = dir.path().join("unpacked.pdf");
    let args: [&std::ffi::OsStr; 6] = [
        "--decrypt".as_ref(),
        "--object-streams=disable".as_ref(),
        "--stream-data=uncompress".as_ref(),
        "--decode-level=generalized".as_ref(),
        path.as_os_str(),
        unpacked.as_os_str(),
    ];
    qpdf(&args, dir.path(), limits, Some(cancel)).map_err(refusal)?;
    let bytes = std::fs::read(&unpacked).map_err(|_| Refusal::NotAPdf)?;
    let mut doc = Document::load_mem(&bytes).map_err(|_| Refusal::NotAPdf)?;
    drop(bytes);
    if doc.objects.len() > limits.max_objects {
        return Err(Refusal::TooComplex);
    }
    strip_active_content(&mut doc);
    let names: Vec<String> = match fields(&doc, limits.max_field_nodes) {
        Ok(f) => f.into_iter().map(|(n, _)| n).collect(),
        Err(Walk::TooMany) => return Err(Refusal::TooComplex),
        Err(Walk::NoForm) => return Err(Refusal::NoFields),
    };
    if names.is_empty() {
        return Err(Refusal::NoFields);
    }
    let kept = dir.path().join("kept.pdf");
    doc.save(&kept).map_err(|_| Refusal::NotAPdf)?;
    drop(doc);
    let out = dir.path().join("out.pdf");
    let args: [&std::ffi::OsStr; 4] = [
        "--object-streams=generate".as_ref(),
        "--compress-streams=y".as_ref(),
        kept.as_os_str(),
        out.as_os_str(),
    ];
    qpdf(&args, dir.path(), limits, Some(cancel)).map_err(refusal)?;
    let pdf = std::fs::read(&out).map_err(|_| Refusal::NotAPdf)?;
    Ok(Checked { pdf, field_names: names })
}

/// Removes what can act when the form is opened or used: scripts, actions, embedded files and
/// XFA, wherever they sit (in an object, or in a dictionary or array nested in one). A form
/// needs none of them to be filled and printed. The walk is a loop over a stack, not recursion:
/// how deep a file nests cannot overflow it.
fn strip_active_content(doc: &mut Document) {
    fn clean(dict: &mut Dictionary) {
        for key in [&b"OpenAction"[..], b"AA", b"JS", b"JavaScript", b"EmbeddedFiles", b"XFA"] {
            dict.remove(key);
        }
        // An annotation's or a field's action (a link, a button's script or submit).
        let is_annotation = matches!(dict.get(b"Type"), Ok(Object::Name(n)) if n == b"Annot")
            || (dict.has(b"Subtype") && dict.has(b"Rect"));
        if is_annotation || dict.has(b"FT") {
            dict.remove(b"A");
        }
    }
    for object in doc.objects.values_mut() {
        let mut stack: Vec<&mut Object> = vec![object];
        while let Some(o) = stack.pop() {
            match o {
                Object::Dictionary(d) => {
                    clean(d);
                    stack.extend(d.iter_mut().map(|(_, v)| v));
                }
                Object::Stream(s) => {
                    clean(&mut s.dict);
                    stack.extend(s.dict.iter_mut().map(|(_, v)| v));
                }
                Object::Array(a) => stack.extend(a.iter_mut()),
                _ => {}
            }
        }
    }
}

/// Why the field tree could not be read.
#[derive(Debug)]
enum Walk {
    /// The PDF has no AcroForm.
    NoForm,
    /// More nodes than the budget: a loop in the tree, or no form a person fills.
    TooMany,
}

/// Every terminal field of the form's AcroForm: full name and object id. The walk visits each
/// object once (a field listed as its own kid, or two parents sharing a kid, cannot make it
/// go round) and at most `budget` nodes.
fn fields(doc: &Document, budget: usize) -> Result<Vec<(String, ObjectId)>, Walk> {
    let acro = match doc.catalog().map_err(|_| Walk::NoForm)?.get(b"AcroForm") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).map_err(|_| Walk::NoForm)?,
        Ok(Object::Dictionary(d)) => d,
        _ => return Err(Walk::NoForm),
    };
    let refs = |o: &Object| -> Vec<ObjectId> {
        match o {
            Object::Array(a) => a
                .iter()
                .filter_map(|o| if let Object::Reference(id) = o { Some(*id) } else { None })
                .collect(),
            _ => vec![],
        }
    };
    let roots = acro.get(b"Fields").map(refs).unwrap_or_default();
    let mut out = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut stack: Vec<(ObjectId, String)> =
        roots.into_iter().rev().map(|id| (id, String::new())).collect();
    while let Some((id, parent)) = stack.pop() {
        if !visited.insert(id) {
            continue;
        }
        if visited.len() > budget {
            return Err(Walk::TooMany);
        }
        let Ok(d) = doc.get_dictionary(id) else { continue };
        let name = match d.get(b"T") {
            Ok(Object::String(b, _)) => Some(text(b)),
            _ => None,
        };
        let full = match (&name, parent.is_empty()) {
            (Some(n), true) => n.clone(),
            (Some(n), false) => format!("{parent}.{n}"),
            (None, _) => parent.clone(),
        };
        let kids = d.get(b"Kids").map(refs).unwrap_or_default();
        if kids.len() > budget {
            return Err(Walk::TooMany);
        }
        // A field whose kids are only widgets (no names of their own) is terminal.
        let named_kids = kids.iter().any(|k| doc.get_dictionary(*k).is_ok_and(|kd| kd.has(b"T")));
        if named_kids {
            for k in kids.into_iter().rev() {
                stack.push((k, full.clone()));
            }
        } else if name.is_some() {
            out.push((full, id));
        }
    }
    Ok(out)
}

/// A PDF text string as UTF-8 (UTF-16BE with a byte-order mark, else PDFDocEncoding ≈ Latin-1).
fn text(b: &[u8]) -> String {
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            b[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}

/// A value as a PDF text string: UTF-16BE with a byte-order mark (å, ä, ö and the rest).
fn pdf_text(s: &str) -> Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// The full names of the form's fields.
pub fn field_names(pdf: &[u8]) -> Result<Vec<String>, Error> {
    let doc =
        Document::load_mem(pdf).map_err(|e| Error::Form(format!("not a readable PDF: {e}")))?;
    Ok(form_fields(&doc)?.into_iter().map(|(n, _)| n).collect())
}

/// [`fields`] under the upload's node budget, as the export's error.
fn form_fields(doc: &Document) -> Result<Vec<(String, ObjectId)>, Error> {
    fields(doc, Limits::upload().max_field_nodes).map_err(|e| match e {
        Walk::NoForm => Error::Form(
            "the PDF has no form fields (no AcroForm); is it FK's fillable form?".into(),
        ),
        Walk::TooMany => {
            Error::Form("the form has more fields than any form a person fills".into())
        }
    })
}

/// A form with its values set (not yet flattened) and what could not be filled.
pub struct Filled {
    pub pdf: Vec<u8>,
    /// Mapped values whose field the form lacks: (logical name, field-name ending).
    pub missing: Vec<(String, String)>,
}

/// The names a check box or radio button is "on" by: its appearance states other than /Off.
fn on_states(doc: &Document, d: &Dictionary) -> Vec<Vec<u8>> {
    let mut states = Vec::new();
    let mut widgets = vec![d.clone()];
    if let Ok(Object::Array(kids)) = d.get(b"Kids") {
        widgets.extend(kids.iter().filter_map(|k| {
            if let Object::Reference(id) = k { doc.get_dictionary(*id).ok().cloned() } else { None }
        }));
    }
    for w in widgets {
        let ap = match w.get(b"AP") {
            Ok(Object::Dictionary(ap)) => ap.clone(),
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
            _ => continue,
        };
        let normal = match ap.get(b"N") {
            Ok(Object::Dictionary(n)) => n.clone(),
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
            _ => continue,
        };
        for (k, _) in normal.iter() {
            if k.as_slice() != b"Off" && !states.contains(k) {
                states.push(k.clone());
            }
        }
    }
    states
}

/// Sets the form's fields from `values` (logical name → text; for a check box `true`/`false`,
/// for a radio group the state's name, e.g. `1`). Every field whose full name ends with the
/// mapped ending is set (a header repeated on each page takes the same value).
pub fn fill(
    blank: &[u8],
    mapping: &Mapping,
    values: &BTreeMap<String, String>,
) -> Result<Filled, Error> {
    let mut doc =
        Document::load_mem(blank).map_err(|e| Error::Form(format!("not a readable PDF: {e}")))?;
    let all = form_fields(&doc)?;
    let mut missing = Vec::new();
    let ends: HashMap<String, String> = mapping.expanded().into_iter().collect();
    for (name, value) in values {
        let Some(end) = ends.get(name) else { continue };
        let targets: Vec<ObjectId> =
            all.iter().filter(|(f, _)| ends_with_segment(f, end)).map(|(_, id)| *id).collect();
        if targets.is_empty() {
            missing.push((name.clone(), end.clone()));
            continue;
        }
        for id in targets {
            let d = doc.get_dictionary(id).map_err(|e| Error::Form(e.to_string()))?.clone();
            let is_button = matches!(d.get(b"FT"), Ok(Object::Name(n)) if n == b"Btn");
            if is_button {
                let states = on_states(&doc, &d);
                let state: Vec<u8> = match value.as_str() {
                    "true" => states.first().cloned().unwrap_or_else(|| b"Yes".to_vec()),
                    "false" | "" => b"Off".to_vec(),
                    v => v.as_bytes().to_vec(),
                };
                set_button(&mut doc, id, &state)?;
            } else if let Ok(Object::Dictionary(field)) = doc.get_object_mut(id) {
                field.set("V", pdf_text(value));
            }
        }
    }
    // A hybrid form's XFA would make viewers ignore the AcroForm values: drop it, and ask
    // viewers to draw the values (qpdf draws them when the form is flattened).
    let acro_id = match doc.catalog().map_err(|e| Error::Form(e.to_string()))?.get(b"AcroForm") {
        Ok(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let acro = match acro_id {
        Some(id) => doc
            .get_object_mut(id)
            .ok()
            .and_then(|o| if let Object::Dictionary(d) = o { Some(d) } else { None }),
        None => doc
            .catalog_mut()
            .ok()
            .and_then(|c| c.get_mut(b"AcroForm").ok())
            .and_then(|o| if let Object::Dictionary(d) = o { Some(d) } else { None }),
    };
    if let Some(acro) = acro {
        acro.remove(b"XFA");
        acro.set("NeedAppearances", Object::Boolean(true));
    }
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).map_err(|e| Error::Form(e.to_string()))?;
    Ok(Filled { pdf, missing })
}

/// A check box or radio group: /V on the field, /AS on each widget (the state where the
/// widget has it, else Off).
fn set_button(doc: &mut Document, id: ObjectId, state: &[u8]) -> Result<(), Error> {
    let kids: Vec<ObjectId> =
        match doc.get_dictionary(id).map_err(|e| Error::Form(e.to_string()))?.get(b"Kids") {
            Ok(Object::Array(a)) => a
                .iter()
                .filter_map(|o| if let Object::Reference(k) = o { Some(*k) } else { None })
                .collect(),
            _ => vec![],
        };
    let widgets: Vec<ObjectId> = if kids.is_empty() { vec![id] } else { kids };
    for w in widgets {
        let d = doc.get_dictionary(w).map_err(|e| Error::Form(e.to_string()))?.clone();
        let has = on_states(doc, &d).iter().any(|s| s.as_slice() == state);
        if let Ok(Object::Dictionary(wd)) = doc.get_object_mut(w) {
            wd.set("AS", Object::Name(if has { state.to_vec() } else { b"Off".to_vec() }));
        }
    }
    if let Ok(Object::Dictionary(field)) = doc.get_object_mut(id) {
        field.set("V", Object::Name(state.to_vec()));
    }
    Ok(())
}

/// `07.00`: times as FK's forms write them.
fn time(t: chrono::NaiveTime) -> String {
    t.format("%H.%M").to_string()
}

fn digits(s: &str) -> Vec<char> {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

fn yes(b: bool) -> String {
    if b { "true".into() } else { "false".into() }
}

/// The 3059's values for one form of a month: `rows` are this form's day parts (at most the
/// mapping's rows per form).
pub fn values_3059(
    r: &Report,
    rows: &[DayPart],
    totals: &Totals,
    attested_by: &str,
) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    let (year, month) = r.month.split_once('-').unwrap_or((&r.month, ""));
    for (i, c) in digits(year).iter().enumerate().take(4) {
        v.insert(format!("ar{}", i + 1), c.to_string());
    }
    for (i, c) in digits(month).iter().enumerate().take(2) {
        v.insert(format!("man{}", i + 1), c.to_string());
    }
    v.insert("ar_manad".into(), format!("{year}-{month}"));
    v.insert("brukare_namn".into(), r.recipient.name());
    v.insert("brukare_pnr".into(), r.recipient.number.clone());
    v.insert("assistent_namn".into(), r.assistant.name());
    v.insert("assistent_pnr".into(), r.assistant.number.clone());
    v.insert("assistent_telefon".into(), r.assistant_phone.clone().unwrap_or_default());
    v.insert("period_from".into(), r.period.0.clone());
    v.insert("period_tom".into(), r.period.1.clone());
    v.insert("anordnare_namn".into(), r.provider_name.clone());
    v.insert("kontaktperson".into(), r.contact_person.clone());
    v.insert("anordnare_telefon".into(), r.provider_phone.clone());
    v.insert("anordnare_datum".into(), r.provider_signed.clone().unwrap_or_default());
    v.insert("anordnare_namnteckning".into(), attested_by.to_string());
    for (k, n) in [(TimeKind::Aktiv, 1), (TimeKind::Vantetid, 2), (TimeKind::Beredskap, 3)] {
        let m = totals.get(k).0;
        v.insert(format!("summa_timmar_{n}"), (m / 60).to_string());
        v.insert(format!("summa_minuter_{n}"), format!("{:02}", m % 60));
    }
    for (i, p) in rows.iter().enumerate() {
        let n = i + 1;
        v.insert(format!("rad.{n}.dag"), p.date.format("%-d").to_string());
        v.insert(format!("rad.{n}.fran"), time(p.start));
        v.insert(format!("rad.{n}.till"), p.end.map(time).unwrap_or_else(|| "24.00".into()));
        v.insert(format!("rad.{n}.aktiv"), yes(p.kind == TimeKind::Aktiv));
        v.insert(format!("rad.{n}.vantetid"), yes(p.kind == TimeKind::Vantetid));
        v.insert(format!("rad.{n}.beredskap"), yes(p.kind == TimeKind::Beredskap));
    }
    v
}

/// What the räkning's form needs besides the signed document.
pub struct ClaimExtras<'a> {
    pub recipient_name: &'a str,
    /// The decision's law: LSS (true) or SFB (false).
    pub lss: bool,
    pub signer: &'a str,
    /// `YYYY-MM-DD`.
    pub signed_on: &'a str,
    pub representative_personnummer: Option<&'a str>,
}

/// The 3057's values.
pub fn values_3057(c: &Claim, x: &ClaimExtras<'_>) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    for (i, d) in digits(&c.year).iter().enumerate().take(4) {
        v.insert(format!("ar{}", i + 1), d.to_string());
    }
    for (i, d) in digits(&c.month).iter().enumerate().take(2) {
        v.insert(format!("man{}", i + 1), d.to_string());
    }
    v.insert("brukare_namn".into(), x.recipient_name.to_string());
    v.insert("brukare_pnr".into(), c.personnummer.clone());
    for (k, m) in [("aktiv", c.minutes[0]), ("vantetid", c.minutes[1]), ("beredskap", c.minutes[2])]
    {
        v.insert(format!("{k}_tim"), (m / 60).to_string());
        v.insert(format!("{k}_min"), format!("{:02}", m % 60));
    }
    // A municipal provider employs the assistants; the recipient is not the employer.
    v.insert("arbetsgivare".into(), yes(false));
    v.insert("lag".into(), if x.lss { "1".into() } else { "2".into() });
    v.insert("sjukhus".into(), if c.stays.is_empty() { "2".into() } else { "1".into() });
    for (i, s) in c.stays.iter().enumerate().take(3) {
        v.insert(format!("sjukhus_from_{}", i + 1), s.from.to_string());
        v.insert(format!("sjukhus_tom_{}", i + 1), s.to.to_string());
    }
    v.insert("barnomsorg".into(), yes(c.childcare));
    v.insert("skola".into(), yes(c.school));
    v.insert("daglig_verksamhet".into(), yes(c.daily_activity));
    let capacity = c.representative.as_ref().map(|(k, _)| k.as_str()).unwrap_or("");
    v.insert("forvaltare".into(), yes(capacity == "forvaltare"));
    v.insert("god_man".into(), yes(capacity == "god_man"));
    v.insert("vardnadshavare".into(), yes(capacity == "vardnadshavare"));
    if let Some((_, name)) = &c.representative {
        v.insert("namnfortydligande".into(), name.clone());
        v.insert(
            "foretradare_pnr".into(),
            x.representative_personnummer.unwrap_or_default().to_string(),
        );
    } else {
        v.insert("namnfortydligande".into(), x.signer.to_string());
    }
    v.insert("namnteckning".into(), x.signer.to_string());
    v.insert("datum".into(), x.signed_on.to_string());
    if let Some(repay) = c.repay {
        v.insert("betala_tillbaka".into(), if repay { "1".into() } else { "2".into() });
    }
    for (i, (_, amount)) in c.costs.iter().enumerate().take(6) {
        let (kr, ore) = amount.split_once('.').unwrap_or((amount, "00"));
        v.insert(format!("belopp{}", i + 1), kr.to_string());
        v.insert(format!("belopp{}a", i + 1), format!("{:0<2}", ore).chars().take(2).collect());
    }
    v
}

/// FK's 3059 filled in for a month: one form per `rows_per_form` day parts, flattened and
/// joined. Returns the PDF and the mapped fields the form lacks.
pub fn filled_3059(
    blank: &[u8],
    mapping: &Mapping,
    r: &Report,
    parts: &[DayPart],
    attested_by: &str,
) -> Result<Filled, Error> {
    let totals = engine::documents::totals(parts);
    let per = mapping.rows_per_form().max(1);
    let mut pdfs = Vec::new();
    let mut missing = Vec::new();
    for chunk in parts.chunks(per).chain(parts.is_empty().then_some(&parts[..0])) {
        let filled = fill(blank, mapping, &values_3059(r, chunk, &totals, attested_by))?;
        missing.extend(filled.missing);
        pdfs.push(flatten(&filled.pdf)?);
    }
    missing.sort();
    missing.dedup();
    Ok(Filled { pdf: concat(&pdfs)?, missing })
}

/// A fillable PDF with the given field names, for tests and demonstrations (BITA does not ship
/// FK's form). Names ending in a `ksr_`/`rb` segment are check boxes (`rb`: radio groups with
/// the states `1` and `2`); the rest are text fields. Fields are laid out down the pages.
pub fn blank_for_tests(names: &[String]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" });
    let on = doc.add_object(Stream::new(dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()] }, b"0 g 1 1 8 8 re f".to_vec()));
    let off = doc.add_object(Stream::new(dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()] }, Vec::new()));
    // Field tree: one node per name segment.
    let mut nodes: BTreeMap<String, ObjectId> = BTreeMap::new();
    let mut children: BTreeMap<String, Vec<ObjectId>> = BTreeMap::new();
    let mut roots: Vec<ObjectId> = Vec::new();
    let mut page_annots: Vec<Vec<Object>> = vec![vec![]];
    let mut page_ids: Vec<ObjectId> = vec![doc.new_object_id()];
    let per_page = 60;
    for (n, full) in names.iter().enumerate() {
        let segments: Vec<&str> = full.split('.').collect();
        for depth in 0..segments.len() {
            let path = segments[..=depth].join(".");
            if nodes.contains_key(&path) {
                continue;
            }
            let id = doc.new_object_id();
            nodes.insert(path.clone(), id);
            let parent = (depth > 0).then(|| segments[..depth].join("."));
            match &parent {
                Some(p) => children.entry(p.clone()).or_default().push(id),
                None => roots.push(id),
            }
            let last = depth == segments.len() - 1;
            let mut d = dictionary! { "T" => Object::string_literal(segments[depth]) };
            if let Some(p) = &parent {
                d.set("Parent", Object::Reference(nodes[p]));
            }
            if last {
                if n > 0 && n % per_page == 0 {
                    page_annots.push(vec![]);
                    page_ids.push(doc.new_object_id());
                }
                let page = *page_ids.last().expect("a page");
                let y = 800.0 - (n % per_page) as f32 * 13.0;
                let leaf = segments[depth];
                d.set("Type", "Annot");
                d.set("Subtype", "Widget");
                d.set("P", Object::Reference(page));
                d.set("F", 4);
                if leaf.starts_with("ksr_") || leaf.starts_with("rb") {
                    d.set("FT", "Btn");
                    d.set("Rect", vec![300.into(), (y - 2.0).into(), 310.into(), (y + 8.0).into()]);
                    let state = if leaf.starts_with("rb") { "1" } else { "Yes" };
                    if leaf.starts_with("rb") {
                        d.set("Ff", 1 << 15);
                    }
                    d.set("AP", dictionary! { "N" => dictionary! { state => Object::Reference(on), "Off" => Object::Reference(off) } });
                    d.set("AS", "Off");
                } else {
                    d.set("FT", "Tx");
                    d.set("Rect", vec![300.into(), (y - 2.0).into(), 560.into(), (y + 9.0).into()]);
                    d.set("DA", Object::string_literal("/Helv 8 Tf 0 g"));
                }
                page_annots.last_mut().expect("a page").push(Object::Reference(id));
            }
            doc.objects.insert(id, Object::Dictionary(d));
        }
    }
    for (path, kids) in &children {
        if let Some(Object::Dictionary(d)) = doc.objects.get_mut(&nodes[path]) {
            d.set("Kids", kids.iter().map(|k| Object::Reference(*k)).collect::<Vec<_>>());
        }
    }
    let mut kids = Vec::new();
    for (annots, id) in page_annots.into_iter().zip(&page_ids) {
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 10 Tf 40 820 Td (Test form with FK field names) Tj ET".to_vec(),
        ));
        doc.objects.insert(
            *id,
            Object::Dictionary(dictionary! {
                "Type" => "Page", "Parent" => Object::Reference(pages_id), "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Contents" => Object::Reference(content), "Annots" => annots,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font) } },
            }),
        );
        kids.push(Object::Reference(*id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let acro = doc.add_object(dictionary! {
        "Fields" => roots.into_iter().map(Object::Reference).collect::<Vec<_>>(),
        "DA" => Object::string_literal("/Helv 8 Tf 0 g"),
        "DR" => dictionary! { "Font" => dictionary! { "Helv" => Object::Reference(font) } },
    });
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id), "AcroForm" => Object::Reference(acro) });
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut out = Vec::new();
    let _ = doc.save_to(&mut out);
    out
}
