//! Free text typed by people (a rejection reason, a name): trimmed, bounded and without the
//! invisible characters that can make a text display as something else.

/// Why a text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    TooLong,
    /// Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) or other control
    /// characters: they can reorder what is shown ("Trojan source"); or a character XML 1.0
    /// cannot hold (noncharacters such as U+FFFE and U+FFFF), which would make a signed
    /// document that carries the text unreadable.
    ControlCharacters,
}

/// An id as a form field or an address carries it: digits only (surrounding space ignored), at
/// least 1 (no stored record has another). The one parse of an id: every form, every address and
/// the server functions read ids through this; whether the id is the caller's to use is the
/// service layer's check, never this one's.
pub fn id(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|n| *n >= 1)
}

/// The longest free text BITA stores (characters).
pub const MAX_TEXT: usize = 1000;

/// May `c` stand in an XML 1.0 document (`Char` of the XML 1.0 specification, §2.2), and is it
/// not a noncharacter (U+FDD0–U+FDEF, and the last two code points of every plane), which the
/// specification asks documents to avoid? Surrogates cannot occur in a Rust string. The FK
/// documents' writer (`fk`) refuses any other character, so a text that passes here can always
/// be signed.
pub fn xml_char(c: char) -> bool {
    let n = c as u32;
    let allowed =
        matches!(n, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    let nonchar = matches!(n, 0xFDD0..=0xFDEF) || (n & 0xFFFE) == 0xFFFE;
    allowed && !nonchar
}

/// Trims `s` and checks it is at most `max` characters with no control or bidi-override
/// characters (line breaks and tabs are allowed) and nothing XML cannot hold ([`xml_char`]).
/// The one check of free text: every path that takes text (the pages, the CSV import) parses
/// it through the register's and the settings' forms, which call this.
pub fn clean_text(s: &str, max: usize) -> Result<String, TextError> {
    let s = s.trim();
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
    if s.chars()
        .any(|c| bidi(c) || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || !xml_char(c))
    {
        return Err(TextError::ControlCharacters);
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong);
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_id_is_digits_and_at_least_one() {
        assert_eq!(super::id(" 42 "), Some(42));
        for bad in ["", "0", "-1", "+1", "1e3", "4 2", "١٢", "99999999999999999999"] {
            assert_eq!(super::id(bad), None, "{bad:?}");
        }
    }
    use super::*;

    #[test]
    fn texts_are_bounded_and_free_of_bidi_overrides() {
        assert_eq!(clean_text("  Fel tid 12 maj \n", 100), Ok("Fel tid 12 maj".into()));
        assert_eq!(clean_text(&"å".repeat(1001), MAX_TEXT), Err(TextError::TooLong));
        assert_eq!(clean_text(&"å".repeat(1000), MAX_TEXT).map(|s| s.chars().count()), Ok(1000));
        assert_eq!(clean_text("abc\u{202E}fed", MAX_TEXT), Err(TextError::ControlCharacters));
        assert_eq!(clean_text("a\u{0000}b", MAX_TEXT), Err(TextError::ControlCharacters));
    }

    #[test]
    fn what_xml_cannot_hold_is_refused_at_the_edge() {
        for bad in ["Anna\u{FFFF}", "\u{FFFE}Berg", "Bo\u{FDD0}", "x\u{1FFFF}", "x\u{10FFFF}"] {
            assert_eq!(clean_text(bad, MAX_TEXT), Err(TextError::ControlCharacters), "{bad:?}");
        }
        // Its neighbours stay: the last ordinary BMP character, emoji, and Swedish letters.
        for good in ["\u{FFFD}", "Åsa 😀", "Öberg-Ärlig", "\u{E000}", "\u{10000}"] {
            assert!(clean_text(good, MAX_TEXT).is_ok(), "{good:?}");
        }
    }
}
