//! Free text typed by people (a rejection reason, a name): trimmed, bounded and without the
//! invisible characters that can make a text display as something else.

/// Why a text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    TooLong,
    /// Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) or other control
    /// characters: they can reorder what is shown ("Trojan source").
    ControlCharacters,
}

/// The longest free text BITA stores (characters).
pub const MAX_TEXT: usize = 1000;

/// Trims `s` and checks it is at most `max` characters with no control or bidi-override
/// characters (line breaks and tabs are allowed).
pub fn clean_text(s: &str, max: usize) -> Result<String, TextError> {
    let s = s.trim();
    if s.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}') || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))) {
        return Err(TextError::ControlCharacters);
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong);
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_bounded_and_free_of_bidi_overrides() {
        assert_eq!(clean_text("  Fel tid 12 maj \n", 100), Ok("Fel tid 12 maj".into()));
        assert_eq!(clean_text(&"å".repeat(1001), MAX_TEXT), Err(TextError::TooLong));
        assert_eq!(clean_text(&"å".repeat(1000), MAX_TEXT).map(|s| s.chars().count()), Ok(1000));
        assert_eq!(clean_text("abc\u{202E}fed", MAX_TEXT), Err(TextError::ControlCharacters));
        assert_eq!(clean_text("a\u{0000}b", MAX_TEXT), Err(TextError::ControlCharacters));
    }
}
