//! Reading the frozen, signed documents back. The PDFs and the E-RÄK data are drawn from these
//! bytes (and the day parts frozen with them), never from live records: what FK's paper shows
//! is what was signed.

use crate::Error;
use chrono::NaiveDate;
use engine::fk::NAMESPACE;
use roxmltree::{Document, Node};

/// A person as the 3059 names them.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub number: String,
    pub first_name: String,
    pub last_name: String,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The facts of a frozen FK 3059 besides its day rows (those come from the frozen parts).
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub recipient: Person,
    pub assistant: Person,
    pub collective_agreement: bool,
    pub period: (String, String),
    pub employed_by_recipient: bool,
    pub provider_name: String,
    pub provider_orgnr: String,
    pub contact_person: String,
    pub provider_phone: String,
    pub provider_signed: Option<String>,
    pub provider_signed_phone: Option<String>,
    pub assistant_signed: Option<String>,
    pub assistant_phone: Option<String>,
}

fn child<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text(n: Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).map(|c| c.text().unwrap_or("").to_string())
}

fn need(n: Node<'_, '_>, name: &str) -> Result<String, Error> {
    text(n, name).ok_or_else(|| Error::Document(format!("the 3059 has no <{name}>")))
}

fn person(n: Node<'_, '_>) -> Result<Person, Error> {
    let number =
        text(n, "personnummer").or_else(|| text(n, "samordningsnummer")).unwrap_or_default();
    Ok(Person { number, first_name: need(n, "fornamn")?, last_name: need(n, "efternamn")? })
}

/// Parses a frozen 3059 (ELT XML, canonical form).
pub fn report(xml: &[u8]) -> Result<Report, Error> {
    let s =
        std::str::from_utf8(xml).map_err(|_| Error::Document("the 3059 is not UTF-8".into()))?;
    let doc =
        Document::parse(s).map_err(|e| Error::Document(format!("the 3059 is not XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "Tidredovisning" || root.tag_name().namespace() != Some(NAMESPACE)
    {
        return Err(Error::Document("the document is not an FK 3059 Tidredovisning".into()));
    }
    let missing = |name: &str| Error::Document(format!("the 3059 has no <{name}>"));
    let recipient = person(
        child(root, "personSomHarAssistans").ok_or_else(|| missing("personSomHarAssistans"))?,
    )?;
    let a = child(root, "assistent").ok_or_else(|| missing("assistent"))?;
    let assistant = person(a)?;
    let period = child(root, "berakningsperiod").ok_or_else(|| missing("berakningsperiod"))?;
    let p = child(root, "assistansanordnare").ok_or_else(|| missing("assistansanordnare"))?;
    Ok(Report {
        id: need(root, "id")?,
        month: need(root, "redovisningsmanad")?,
        recipient,
        assistant,
        collective_agreement: text(a, "kollektivavtal").as_deref() == Some("true"),
        period: (need(period, "fromDag")?, need(period, "tomDag")?),
        employed_by_recipient: text(root, "anstalldAvPersonSomHarAssistans").as_deref()
            == Some("true"),
        provider_name: need(p, "anordnareNamn")?,
        provider_orgnr: need(p, "organisationsnummer")?,
        contact_person: need(p, "kontaktperson")?,
        provider_phone: need(p, "telefonnummer")?,
        provider_signed: text(root, "datumForUnderskriftAnordnare"),
        provider_signed_phone: text(root, "telefonnummerAnordnare"),
        assistant_signed: text(root, "datumForUnderskriftAssistent"),
        assistant_phone: text(root, "telefonnummerAssistent"),
    })
}

/// A hospital stay as the signed räkning has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Stay {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub assistance_given: bool,
    pub minutes: [i64; 3],
}

/// The facts of a signed räkning (FK 3057).
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    pub year: String,
    pub month: String,
    pub personnummer: String,
    pub raised_rate: bool,
    /// Minutes: aktiv, väntetid, beredskap.
    pub minutes: [i64; 3],
    pub assistants: u32,
    pub provider_name: String,
    pub contact_person: String,
    pub phone: String,
    pub f_skatt: bool,
    pub ivo_permit: String,
    pub stays: Vec<Stay>,
    pub childcare: bool,
    pub school: bool,
    pub daily_activity: bool,
    /// The repayment answer; None in a räkning signed before BITA asked it.
    pub repay: Option<bool>,
    /// The representative's capacity code (`vardnadshavare`, `god_man`, `forvaltare`) and name.
    pub representative: Option<(String, String)>,
    /// Cost lines (code, amount in kronor as written) with a raised hourly amount.
    pub costs: Vec<(String, String)>,
}

fn minutes(n: Node<'_, '_>) -> Result<[i64; 3], Error> {
    let m = |name: &str| -> Result<i64, Error> {
        need(n, name)?.parse().map_err(|_| Error::Document(format!("<{name}> is not a number")))
    };
    Ok([m("aktivTidMinuter")?, m("vanteTidMinuter")?, m("beredskapsTidMinuter")?])
}

fn day(s: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
        .map_err(|_| Error::Document(format!("{s} is not a date")))
}

/// Parses a signed räkning (the canonical bytes of `Rakning::to_xml`).
pub fn claim(xml: &[u8]) -> Result<Claim, Error> {
    let s =
        std::str::from_utf8(xml).map_err(|_| Error::Document("the räkning is not UTF-8".into()))?;
    let doc =
        Document::parse(s).map_err(|e| Error::Document(format!("the räkning is not XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "Rakning" {
        return Err(Error::Document("the document is not a räkning".into()));
    }
    let yes = |n: Node<'_, '_>, name: &str| text(n, name).as_deref() == Some("true");
    let p = child(root, "anordnare")
        .ok_or_else(|| Error::Document("the räkning has no <anordnare>".into()))?;
    let mut stays = Vec::new();
    for s in root.children().filter(|c| c.is_element() && c.tag_name().name() == "sjukhusvistelse")
    {
        stays.push(Stay {
            from: day(&need(s, "from")?)?,
            to: day(&need(s, "tom")?)?,
            assistance_given: yes(s, "assistansUtford"),
            minutes: minutes(s)?,
        });
    }
    let representative = child(root, "foretradare")
        .map(|f| (text(f, "egenskap").unwrap_or_default(), text(f, "namn").unwrap_or_default()));
    let costs = child(root, "kostnader")
        .map(|c| {
            c.children()
                .filter(|e| e.is_element())
                .map(|e| (e.tag_name().name().to_string(), e.text().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Claim {
        year: need(root, "ar")?,
        month: need(root, "manad")?,
        personnummer: need(root, "personnummer")?,
        raised_rate: yes(root, "forhojtTimbelopp"),
        minutes: minutes(root)?,
        assistants: need(root, "antalAssistenter")?
            .parse()
            .map_err(|_| Error::Document("<antalAssistenter> is not a number".into()))?,
        provider_name: need(p, "namn")?,
        contact_person: need(p, "kontaktperson")?,
        phone: need(p, "telefonnummer")?,
        f_skatt: yes(p, "fSkatt"),
        ivo_permit: text(p, "ivoTillstand").unwrap_or_default(),
        stays,
        childcare: yes(root, "assistansIBarnomsorg"),
        school: yes(root, "assistansISkola"),
        daily_activity: yes(root, "assistansIDagligVerksamhet"),
        repay: text(root, "betalaTillbaka").map(|t| t == "true"),
        representative,
        costs,
    })
}
