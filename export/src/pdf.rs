//! The municipality's own PDF records of the FK 3059 and 3057: A4, Swedish, DejaVu Sans
//! embedded (subset), text extractable, tagged (headings, paragraphs, tables) with the document
//! language set. Laid out as FK's forms are: the 3059's day table has FK's 80 rows per form
//! (two pages of two 20-row blocks), continued on a further set when a month has more.
//!
//! The labels are the documents' own Swedish (FK's documents are Swedish whatever the user's
//! language); they are kept together in [`label`].

use crate::Error;
use crate::frozen::{Claim, Report};
use engine::documents::SignatureView;
use engine::row::DayPart;
use engine::{Minutes, TimeKind, Totals};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Node, SpanTag, Tag, TagGroup, TagTree};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use std::collections::HashMap;
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex, OnceLock};

/// A4 in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 48.0;
/// FK's paper form: 20 rows per block, two blocks per page, two pages per form.
pub const ROWS_PER_BLOCK: usize = 20;
pub const ROWS_PER_FORM: usize = 4 * ROWS_PER_BLOCK;

/// Every label the PDFs print, in one place.
pub mod label {
    pub const TITLE_3059: &str = "Tidsredovisning – assistansersättning";
    pub const TITLE_3057: &str = "Räkning – assistansersättning";
    pub const FORM_3059: &str = "Motsvarar Försäkringskassans blankett FK 3059";
    pub const FORM_3057: &str = "Motsvarar Försäkringskassans blankett FK 3057";
    pub const RECORD: &str = "Kommunens arkivexemplar. Till Försäkringskassan skickas FK:s egen blankett eller ELT-filen.";
    pub const MONTH: &str = "Redovisningsmånad";
    pub const RECIPIENT: &str = "Den som har assistans";
    pub const ASSISTANT: &str = "Assistent";
    pub const NAME: &str = "Namn";
    pub const NUMBER: &str = "Personnummer";
    pub const AGREEMENT: &str = "Kollektivavtal";
    pub const PERIOD: &str = "Beräkningsperiod";
    pub const EMPLOYED_BY_RECIPIENT: &str = "Anställd av den som har assistans";
    pub const PROVIDER: &str = "Assistansanordnare";
    pub const ORGNR: &str = "Organisationsnummer";
    pub const CONTACT: &str = "Kontaktperson";
    pub const PHONE: &str = "Telefon";
    pub const TOTALS: &str = "Summa per slag av tid";
    pub const KIND: &str = "Slag av tid";
    pub const HOURS: &str = "Timmar";
    pub const MINUTES: &str = "Minuter";
    pub const PAYABLE: &str = "Betalbara timmar (aktiv + väntetid/4 + beredskap/7)";
    pub const DAY_ROWS: &str = "Dagrader";
    pub const DAY: &str = "Dag";
    pub const FROM: &str = "Från";
    pub const TO: &str = "Till";
    pub const AKTIV: &str = "Aktiv tid";
    pub const VANTETID: &str = "Väntetid";
    pub const BEREDSKAP: &str = "Beredskap";
    pub const SIGNATURES: &str = "Underskrifter";
    pub const SIGNED_ASSISTANT: &str = "Assistentens underskrift (intygad på heder och samvete)";
    pub const SIGNED_PROVIDER: &str = "Assistansanordnarens underskrift (attest)";
    pub const APPROVED_BY: &str = "Godkänd av den som har assistans";
    pub const VOIDED: &str = "makulerad";
    pub const DATE: &str = "Datum";
    pub const BY: &str = "Av";
    pub const REPORT_ID: &str = "Rapportens id";
    pub const CORRECTION_OF: &str = "rättelse av";
    pub const SHA: &str = "SHA-256 för det signerade innehållet";
    pub const PAGE: &str = "Sida";
    pub const OF: &str = "av";
    pub const FORM_SET: &str = "blankett";
    pub const YES: &str = "Ja";
    pub const NO: &str = "Nej";
    pub const RAISED: &str = "Förhöjt timbelopp";
    pub const ASSISTANTS: &str = "Antal assistenter";
    pub const F_SKATT: &str = "F-skatt";
    pub const IVO: &str = "IVO-tillstånd";
    pub const STAYS: &str = "Sjukhusvistelser";
    pub const NO_STAYS: &str = "Inga sjukhusvistelser under månaden.";
    pub const ASSISTANCE_GIVEN: &str = "assistans utförd";
    pub const ACTIVITIES: &str = "Assistans under barnomsorg, skola eller daglig verksamhet";
    pub const CHILDCARE: &str = "Barnomsorg";
    pub const SCHOOL: &str = "Skola";
    pub const DAILY: &str = "Daglig verksamhet";
    pub const REPAY: &str = "Ska betala tillbaka för mycket utbetald ersättning";
    pub const REPRESENTATIVE: &str = "Ställföreträdare";
    pub const COSTS: &str = "Kostnader (förhöjt timbelopp)";
    pub const SIGNED_CLAIM: &str = "Underskrift";
    pub const CAPACITY: &str = "I egenskap av";
    pub const DOCUMENT: &str = "Dokument";

    /// The cost lines of the räkning, by the code the signed XML uses.
    pub fn cost(code: &str) -> &str {
        match code {
            "wages" => "Lönekostnader",
            "ob" => "OB-ersättning",
            "expenses" => "Utlägg",
            "training" => "Utbildning",
            "staff_costs" => "Övriga personalkostnader",
            "administration" => "Administration",
            other => other,
        }
    }

    /// A representative's capacity, by its code.
    pub fn capacity(code: &str) -> &str {
        match code {
            "self" => "Den som har assistans",
            "vardnadshavare" => "Vårdnadshavare",
            "god_man" => "God man",
            "forvaltare" => "Förvaltare",
            other => other,
        }
    }

    pub fn month_name(month: u32) -> &'static str {
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ]
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
    }
}

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

struct Fonts {
    regular: Font,
    bold: Font,
    /// The same fonts for shaping ([`shaped`]).
    faces: [rustybuzz::Face<'static>; 2],
}

/// The embedded fonts, parsed once per process.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Font::new(REGULAR.into(), 0).expect("DejaVu Sans is a valid font"),
        bold: Font::new(BOLD.into(), 0).expect("DejaVu Sans Bold is a valid font"),
        faces: [REGULAR, BOLD]
            .map(|data| rustybuzz::Face::from_slice(data, 0).expect("DejaVu Sans is a valid font")),
    })
}

/// A run of text shaped into glyphs, each shaped once per process and kept: krilla's
/// `draw_text` parses the font's layout tables and builds a shaping plan on every call, and that
/// was 27 % of a month's export (perf on `bench/src/bin/month_export.rs`), although the same
/// labels, dates and times recur in every document. Left to right, as krilla's shaping guesses
/// for the Latin script (the documents are Swedish); a run of another direction is shaped as
/// rustybuzz guesses it, as krilla does, and its glyphs come in visual order either way.
fn shaped(bold: bool, text: &str) -> Arc<[KrillaGlyph]> {
    /// Names, report ids and hashes are unique: what is kept is let go at this many glyphs
    /// (some 5 MB; 50,000 runs instead held 250 MB at the end of a big month, and made it no
    /// faster).
    const KEPT_GLYPHS: usize = 100_000;
    #[derive(Default)]
    struct Kept {
        runs: HashMap<(bool, String), Arc<[KrillaGlyph]>>,
        glyphs: usize,
    }
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    let kept = KEPT.get_or_init(Default::default);
    let key = (bold, text.to_string());
    if let Some(g) = kept.lock().unwrap_or_else(|e| e.into_inner()).runs.get(&key) {
        return g.clone();
    }
    let face = &fonts().faces[usize::from(bold)];
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let out = rustybuzz::shape(face, &[], buffer);
    let em = face.units_per_em() as f32;
    let infos = out.glyph_infos();
    let glyphs: Arc<[KrillaGlyph]> = out
        .glyph_positions()
        .iter()
        .zip(infos)
        .map(|(pos, info)| {
            // The glyph's characters: from its cluster to the next cluster in the text (in
            // either direction of glyphs).
            let start = info.cluster as usize;
            let end = infos
                .iter()
                .map(|n| n.cluster as usize)
                .filter(|c| *c > start)
                .min()
                .unwrap_or(text.len());
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / em,
                pos.x_offset as f32 / em,
                pos.y_offset as f32 / em,
                pos.y_advance as f32 / em,
                start..end,
                None,
            )
        })
        .collect();
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    if kept.glyphs + glyphs.len() > KEPT_GLYPHS {
        *kept = Kept::default();
    }
    kept.glyphs += glyphs.len();
    kept.runs.insert(key, glyphs.clone());
    glyphs
}

/// Hours and minutes of a total, as FK's boxes want them.
fn hm(m: Minutes) -> (String, String) {
    (format!("{}", m.0 / 60), format!("{:02}", m.0 % 60))
}

fn kind_label(k: TimeKind) -> &'static str {
    match k {
        TimeKind::Aktiv => label::AKTIV,
        TimeKind::Vantetid => label::VANTETID,
        TimeKind::Beredskap => label::BEREDSKAP,
    }
}

/// A tagged PDF being written: pages in order, each drawn by a closure on a [`Canvas`].
struct Pdf {
    doc: Document,
    tree: TagTree,
}

impl Pdf {
    fn new(title: &str) -> Self {
        // The pages' drawing is left uncompressed: the PDFs are only ever handed out inside the
        // month's archive, whose deflate compresses them anyway, and compressing twice cost 1 s
        // of a big month's 9.8 s (bench/src/bin/month_export.rs: 8.8 s; the archive 251 MB
        // instead of 243 MB). The embedded fonts are compressed as before (krilla always does).
        let settings = SerializeSettings {
            enable_tagging: true,
            compress_content_streams: false,
            ..Default::default()
        };
        let mut doc = Document::new_with(settings);
        doc.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .language("sv-SE".to_string())
                .creator("BITA".to_string()),
        );
        Self { doc, tree: TagTree::new() }
    }

    /// Draws one A4 page; what the closure tags goes into the document's tag tree in order.
    fn page(&mut self, footer: &str, draw: impl FnOnce(&mut Canvas<'_, '_>)) {
        let mut page = self
            .doc
            .start_page_with(PageSettings::from_wh(WIDTH, HEIGHT).expect("A4 is a valid size"));
        let mut surface = page.surface();
        let mut c = Canvas { s: &mut surface, nodes: Vec::new(), y: MARGIN };
        draw(&mut c);
        c.artifact(|c| c.raw_text(MARGIN, HEIGHT - 24.0, 7.5, false, footer), ArtifactType::Footer);
        let nodes = std::mem::take(&mut c.nodes);
        surface.finish();
        page.finish();
        for n in nodes {
            self.tree.push(n);
        }
    }

    fn finish(mut self) -> Result<Vec<u8>, Error> {
        self.doc.set_tag_tree(self.tree);
        self.doc.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
    }
}

/// Drawing on one page, top-down: `y` is the distance from the top edge.
struct Canvas<'a, 'b> {
    s: &'a mut Surface<'b>,
    nodes: Vec<Node>,
    y: f32,
}

impl Canvas<'_, '_> {
    fn raw_text(&mut self, x: f32, y_top: f32, size: f32, bold: bool, text: &str) {
        let f = fonts();
        let font = if bold { f.bold.clone() } else { f.regular.clone() };
        self.s.draw_glyphs(Point::from_xy(x, y_top), &shaped(bold, text), font, text, size, false);
    }

    /// Text as one tagged span; returns its node for the caller's structure.
    fn span(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) -> Node {
        let id = self.s.start_tagged(ContentTag::Span(SpanTag::empty()));
        self.raw_text(x, y, size, bold, text);
        self.s.end_tagged();
        id.into()
    }

    fn artifact(&mut self, draw: impl FnOnce(&mut Self), kind: ArtifactType) {
        self.s.start_tagged(ContentTag::Artifact(Artifact::new(kind, None)));
        draw(self);
        self.s.end_tagged();
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.s.set_stroke(Some(Stroke { width, ..Default::default() }));
            self.s.draw_path(&path);
            self.s.set_stroke(None);
        }
    }

    fn rule(&mut self) {
        self.y += 6.0;
        let y = self.y;
        self.artifact(|c| c.line(MARGIN, y, WIDTH - MARGIN, y, 0.5), ArtifactType::Layout);
        self.y += 10.0;
    }

    fn heading(&mut self, level: u16, text: &str) {
        let size = if level == 1 { 15.0 } else { 11.5 };
        self.y += size + if level == 1 { 4.0 } else { 9.0 };
        let node = self.span(MARGIN, self.y, size, true, text);
        let tag =
            Tag::Hn(NonZeroU16::new(level).expect("levels start at 1"), Some(text.to_string()));
        self.nodes.push(TagGroup::with_children(tag, vec![node]).into());
        self.y += 6.0;
    }

    fn paragraph(&mut self, size: f32, text: &str) {
        self.y += size + 3.0;
        let node = self.span(MARGIN, self.y, size, false, text);
        self.nodes.push(TagGroup::with_children(Tag::P, vec![node]).into());
    }

    /// A label and its value on one line: "Namn: Anna Andersson".
    fn field(&mut self, name: &str, value: &str) {
        self.paragraph(9.5, &format!("{name}: {value}"));
    }

    /// A table: a header row and body rows at the given column offsets (from the margin).
    fn table(
        &mut self,
        x0: f32,
        columns: &[f32],
        header: &[&str],
        rows: &[Vec<String>],
        row_height: f32,
    ) -> Node {
        let size = 9.0;
        let mut table = TagGroup::new(Tag::Table);
        let mut head = TagGroup::new(Tag::TR);
        self.y += row_height;
        for (i, h) in header.iter().enumerate() {
            let n = self.span(x0 + columns[i], self.y - 5.0, size, true, h);
            head.push(TagGroup::with_children(
                Tag::TH(krilla::tagging::TableHeaderScope::Column),
                vec![n],
            ));
        }
        table.push(head);
        let width = columns.last().copied().unwrap_or(0.0) + 60.0;
        let top = self.y;
        self.artifact(|c| c.line(x0, top, x0 + width, top, 0.6), ArtifactType::Layout);
        for row in rows {
            self.y += row_height;
            let mut tr = TagGroup::new(Tag::TR);
            for (i, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let n = self.span(x0 + columns[i], self.y - 5.0, size, false, cell);
                tr.push(TagGroup::with_children(Tag::TD, vec![n]));
            }
            if !tr.children.is_empty() {
                table.push(tr);
            }
            let y = self.y;
            self.artifact(|c| c.line(x0, y, x0 + width, y, 0.25), ArtifactType::Layout);
        }
        self.y += 6.0;
        table.into()
    }

    fn push(&mut self, n: Node) {
        self.nodes.push(n);
    }
}

fn totals_rows(t: &Totals) -> Vec<Vec<String>> {
    TimeKind::ALL
        .into_iter()
        .map(|k| {
            let (h, m) = hm(t.get(k));
            vec![kind_label(k).to_string(), h, m]
        })
        .collect()
}

fn yes_no(b: bool) -> &'static str {
    if b { label::YES } else { label::NO }
}

fn month_text(month: &str) -> String {
    let (y, m) = month.split_once('-').unwrap_or((month, ""));
    format!("{} {y}", label::month_name(m.parse().unwrap_or(0)))
}

/// One signature line: who, in which capacity, when, and whether it still stands.
fn signature_text(s: &SignatureView) -> String {
    let mut t =
        format!("{} ({}), {}", s.signer_name, label::capacity(s.capacity.code()), s.signed_at);
    if let Some((at, why)) = &s.voided {
        t.push_str(&format!(" – {} {at}: {why}", label::VOIDED));
    }
    t
}

/// The facts of a 3059's signature blocks that are not in the XML itself.
pub struct Signers<'a> {
    /// The assistant's submission: (name, local time).
    pub submitted: Option<(&'a str, &'a str)>,
    /// The provider's attestation: (name, local time).
    pub attested: (&'a str, &'a str),
    pub approvals: &'a [SignatureView],
}

/// The municipality's PDF record of one frozen FK 3059.
pub fn report_3059(
    r: &Report,
    parts: &[DayPart],
    sha256: &str,
    version: i64,
    replaces: Option<&str>,
    signers: &Signers<'_>,
) -> Result<Vec<u8>, Error> {
    let title = format!(
        "{} {} – {} / {}",
        label::TITLE_3059,
        r.month,
        r.assistant.name(),
        r.recipient.name()
    );
    let mut pdf = Pdf::new(&title);
    let forms = parts.len().div_ceil(ROWS_PER_FORM).max(1);
    let pages = 1 + 2 * forms;
    let footer = |page: usize| {
        format!("FK 3059 · {} · {} · {} {page} {} {pages}", r.month, r.id, label::PAGE, label::OF)
    };
    let totals = {
        let mut t = Totals::default();
        for p in parts {
            t.add(p.kind, p.minutes);
        }
        t
    };
    pdf.page(&footer(1), |c| {
        c.heading(1, label::TITLE_3059);
        c.paragraph(8.5, label::FORM_3059);
        c.paragraph(8.5, label::RECORD);
        c.field(label::MONTH, &month_text(&r.month));
        c.field(label::REPORT_ID, &r.id);
        if version > 1 {
            c.field(
                &format!("Version {version}, {}", label::CORRECTION_OF),
                replaces.unwrap_or("-"),
            );
        }
        c.rule();
        c.heading(2, label::RECIPIENT);
        c.field(label::NAME, &r.recipient.name());
        c.field(label::NUMBER, &r.recipient.number);
        c.heading(2, label::ASSISTANT);
        c.field(label::NAME, &r.assistant.name());
        c.field(label::NUMBER, &r.assistant.number);
        c.field(label::AGREEMENT, yes_no(r.collective_agreement));
        c.field(label::PERIOD, &format!("{} – {}", r.period.0, r.period.1));
        c.field(label::EMPLOYED_BY_RECIPIENT, yes_no(r.employed_by_recipient));
        c.heading(2, label::PROVIDER);
        c.field(label::NAME, &r.provider_name);
        c.field(label::ORGNR, &r.provider_orgnr);
        c.field(label::CONTACT, &r.contact_person);
        c.field(label::PHONE, &r.provider_phone);
        c.heading(2, label::TOTALS);
        let t = c.table(
            MARGIN,
            &[0.0, 150.0, 220.0],
            &[label::KIND, label::HOURS, label::MINUTES],
            &totals_rows(&totals),
            15.0,
        );
        c.push(t);
        c.field(
            label::PAYABLE,
            &format!("{:.2}", totals.payable_hours().round_dp(2)).replace('.', ","),
        );
        c.heading(2, label::SIGNATURES);
        c.paragraph(9.5, label::SIGNED_ASSISTANT);
        let (who, when) = signers.submitted.unwrap_or(("", ""));
        c.field(
            label::DATE,
            &format!(
                "{} ({} {who}, {when})",
                r.assistant_signed.as_deref().unwrap_or("-"),
                label::BY
            ),
        );
        c.field(label::PHONE, r.assistant_phone.as_deref().unwrap_or("-"));
        c.paragraph(9.5, label::SIGNED_PROVIDER);
        c.field(
            label::DATE,
            &format!(
                "{} ({} {}, {})",
                r.provider_signed.as_deref().unwrap_or("-"),
                label::BY,
                signers.attested.0,
                signers.attested.1
            ),
        );
        c.field(label::PHONE, r.provider_signed_phone.as_deref().unwrap_or("-"));
        c.paragraph(9.5, label::APPROVED_BY);
        for s in signers.approvals {
            c.paragraph(8.5, &signature_text(s));
        }
        c.rule();
        c.paragraph(7.5, &format!("{}: {sha256}", label::SHA));
    });
    for form in 0..forms {
        let rows = &parts[(form * ROWS_PER_FORM).min(parts.len())
            ..((form + 1) * ROWS_PER_FORM).min(parts.len())];
        for half in 0..2 {
            let page_rows = &rows[(half * 2 * ROWS_PER_BLOCK).min(rows.len())
                ..((half + 1) * 2 * ROWS_PER_BLOCK).min(rows.len())];
            let page_number = 2 + form * 2 + half;
            pdf.page(&footer(page_number), |c| {
                c.heading(
                    2,
                    &format!(
                        "{} {}, {} {} {} {forms}",
                        label::DAY_ROWS,
                        month_text(&r.month),
                        label::FORM_SET,
                        form + 1,
                        label::OF
                    ),
                );
                c.field(label::ASSISTANT, &r.assistant.name());
                c.field(
                    label::RECIPIENT,
                    &format!("{}, {}", r.recipient.name(), r.recipient.number),
                );
                let top = c.y;
                let header = [label::DAY, label::FROM, label::TO, "Aktiv", "Vänte", "Bered."];
                let cols = [0.0, 26.0, 66.0, 106.0, 142.0, 180.0];
                for block in 0..2 {
                    let block_rows: Vec<Vec<String>> = (0..ROWS_PER_BLOCK)
                        .map(|i| {
                            let Some(p) = page_rows.get(block * ROWS_PER_BLOCK + i) else {
                                return vec![String::new(); 6];
                            };
                            let x = |k: TimeKind| {
                                if p.kind == k { "X".to_string() } else { String::new() }
                            };
                            vec![
                                p.date.format("%-d").to_string(),
                                p.start.format("%H.%M").to_string(),
                                p.end
                                    .map(|e| e.format("%H.%M").to_string())
                                    .unwrap_or_else(|| "24.00".into()),
                                x(TimeKind::Aktiv),
                                x(TimeKind::Vantetid),
                                x(TimeKind::Beredskap),
                            ]
                        })
                        .collect();
                    c.y = top;
                    let x0 = MARGIN + block as f32 * ((WIDTH - 2.0 * MARGIN) / 2.0 + 6.0);
                    let t = c.table(x0, &cols, &header, &block_rows, 28.0);
                    c.push(t);
                }
            });
        }
    }
    pdf.finish()
}

/// The municipality's PDF record of one signed räkning (FK 3057).
pub fn claim_3057(
    claim: &Claim,
    recipient_name: &str,
    sha256: &str,
    signature: &SignatureView,
) -> Result<Vec<u8>, Error> {
    let month = format!("{}-{}", claim.year, claim.month);
    let mut pdf = Pdf::new(&format!("{} {month} – {recipient_name}", label::TITLE_3057));
    pdf.page(&format!("FK 3057 · {month} · {} 1 {} 1", label::PAGE, label::OF), |c| {
        c.heading(1, label::TITLE_3057);
        c.paragraph(8.5, label::FORM_3057);
        c.paragraph(8.5, label::RECORD);
        c.field(label::MONTH, &month_text(&month));
        c.rule();
        c.heading(2, label::RECIPIENT);
        c.field(label::NAME, recipient_name);
        c.field(label::NUMBER, &claim.personnummer);
        c.field(label::RAISED, yes_no(claim.raised_rate));
        c.heading(2, label::TOTALS);
        let totals = Totals {
            aktiv: Minutes(claim.minutes[0]),
            vantetid: Minutes(claim.minutes[1]),
            beredskap: Minutes(claim.minutes[2]),
        };
        let t = c.table(
            MARGIN,
            &[0.0, 150.0, 220.0],
            &[label::KIND, label::HOURS, label::MINUTES],
            &totals_rows(&totals),
            15.0,
        );
        c.push(t);
        c.field(
            label::PAYABLE,
            &format!("{:.2}", totals.payable_hours().round_dp(2)).replace('.', ","),
        );
        c.field(label::ASSISTANTS, &claim.assistants.to_string());
        c.heading(2, label::PROVIDER);
        c.field(label::NAME, &claim.provider_name);
        c.field(label::CONTACT, &claim.contact_person);
        c.field(label::PHONE, &claim.phone);
        c.field(label::F_SKATT, yes_no(claim.f_skatt));
        c.field(label::IVO, if claim.ivo_permit.is_empty() { "-" } else { &claim.ivo_permit });
        c.heading(2, label::STAYS);
        if claim.stays.is_empty() {
            c.paragraph(9.5, label::NO_STAYS);
        }
        for s in &claim.stays {
            let t = Totals {
                aktiv: Minutes(s.minutes[0]),
                vantetid: Minutes(s.minutes[1]),
                beredskap: Minutes(s.minutes[2]),
            };
            c.paragraph(
                9.5,
                &format!(
                    "{} – {}, {}: {}; {} {}, {} {}, {} {}",
                    s.from,
                    s.to,
                    label::ASSISTANCE_GIVEN,
                    yes_no(s.assistance_given).to_lowercase(),
                    label::AKTIV.to_lowercase(),
                    t.aktiv,
                    label::VANTETID.to_lowercase(),
                    t.vantetid,
                    label::BEREDSKAP.to_lowercase(),
                    t.beredskap
                ),
            );
        }
        c.heading(2, label::ACTIVITIES);
        c.field(label::CHILDCARE, yes_no(claim.childcare));
        c.field(label::SCHOOL, yes_no(claim.school));
        c.field(label::DAILY, yes_no(claim.daily_activity));
        c.field(label::REPAY, claim.repay.map(yes_no).unwrap_or("-"));
        if let Some((capacity, name)) = &claim.representative {
            c.heading(2, label::REPRESENTATIVE);
            c.field(label::CAPACITY, label::capacity(capacity));
            c.field(label::NAME, name);
        }
        if !claim.costs.is_empty() {
            c.heading(2, label::COSTS);
            let rows: Vec<Vec<String>> = claim
                .costs
                .iter()
                .map(|(code, amount)| {
                    vec![label::cost(code).to_string(), format!("{} kr", amount.replace('.', ","))]
                })
                .collect();
            let t = c.table(MARGIN, &[0.0, 220.0], &["Kostnad", "Belopp"], &rows, 15.0);
            c.push(t);
        }
        c.heading(2, label::SIGNED_CLAIM);
        c.paragraph(9.5, &signature_text(signature));
        c.field(label::DOCUMENT, &signature.document_id);
        c.rule();
        c.paragraph(7.5, &format!("{}: {sha256}", label::SHA));
    });
    pdf.finish()
}
