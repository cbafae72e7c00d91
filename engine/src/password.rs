//! What a new password must be: at least 10 characters, not one of the passwords everyone
//! tries first, not the username, typed the same twice.

/// Why a new password was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PasswordError {
    TooShort,
    Common,
    Mismatch,
}

pub const MIN_PASSWORD: usize = 10;

/// Passwords from the public lists of the most used ones (and their Swedish cousins), at least
/// ten characters long: the ones a length rule alone lets through.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "0123456789",
    "0987654321",
    "1111111111",
    "0000000000",
    "1234512345",
    "qwertyuiop",
    "qwertyuiopå",
    "asdfghjkl1",
    "1qaz2wsx3edc",
    "qazwsxedcrfv",
    "zaq12wsxcde3",
    "1q2w3e4r5t",
    "q1w2e3r4t5",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "princess12",
    "football12",
    "sunshine12",
    "welcome123",
    "letmein123",
    "abcdefghij",
    "abcd123456",
    "abc1234567",
    "a123456789",
    "aaaaaaaaaa",
    "lösenord12",
    "lösenord123",
    "losenord123",
    "losenord1234",
    "sommar2024",
    "sommar2025",
    "sommar2026",
    "vinter2024",
    "vinter2025",
    "vinter2026",
    "hösten2025",
    "varen2025",
    "sverige123",
    "stockholm1",
    "göteborg12",
    "goteborg12",
    "malmö12345",
    "välkommen1",
    "valkommen1",
    "välkommen123",
    "valkommen123",
    "assistans1",
    "assistent1",
    "assistans123",
    "bita123456",
    "kommun1234",
    "hejhejhej1",
    "hejsan1234",
    "mammapappa",
    "fotboll123",
    "kärlek1234",
    "karlek1234",
    "changeme123",
    "administrator",
    "administrator1",
    "adminadmin",
    "admin12345",
    "superman12",
    "batman1234",
    "dragon1234",
];

/// Checks a new password typed twice for `username`.
pub fn check_new_password(
    password: &str,
    repeat: &str,
    username: &str,
) -> Result<(), PasswordError> {
    if password != repeat {
        return Err(PasswordError::Mismatch);
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(PasswordError::TooShort);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str())
        || lower == username.to_lowercase()
        || lower.chars().all(|c| lower.starts_with(c))
    {
        return Err(PasswordError::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_are_long_uncommon_and_typed_twice() {
        assert_eq!(check_new_password("kort", "kort", "anna"), Err(PasswordError::TooShort));
        assert_eq!(
            check_new_password("Sommar2025", "Sommar2025", "anna"),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_new_password("zzzzzzzzzzzz", "zzzzzzzzzzzz", "anna"),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_new_password("anna.andersson", "anna.andersson", "Anna.Andersson"),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_new_password("blå häst springer", "blå häst springerr", "anna"),
            Err(PasswordError::Mismatch)
        );
        assert_eq!(check_new_password("blå häst springer", "blå häst springer", "anna"), Ok(()));
    }
}
