//! Fictional example people for tests, benchmarks and documentation. Their personnummer are
//! made-up numbers with valid check digits, never real people's.

use super::people::Provider;
use super::{Assistant, Organisationsnummer, Personnummer, Recipient, Regime};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Bo Berg, recipient 1.
pub fn recipient() -> Recipient {
    Recipient {
        id: 1,
        personnummer: Personnummer::parse("194503150049").expect("valid example"),
        first_name: "Bo".into(),
        last_name: "Berg".into(),
    }
}

/// Anna Andersson, assistant 1, under `regime`, reported to FK for recipient 1 from 2024.
pub fn assistant(regime: Regime) -> Assistant {
    Assistant {
        id: 1,
        personnummer: Personnummer::parse("197005120105").expect("valid example"),
        first_name: "Anna".into(),
        last_name: "Andersson".into(),
        eea_resident: true,
        fk_notified: HashMap::from([(1, NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date"))]),
        relative_of: vec![],
        regime,
        collective_agreement: true,
        employer: Default::default(),
        birth_date: None,
        phone: "070-123 45 67".into(),
    }
}

/// Exempelby kommun.
pub fn provider() -> Provider {
    Provider {
        name: "Exempelby kommun".into(),
        organisationsnummer: Organisationsnummer::parse("2120000142").expect("valid example"),
        contact_person: "Karin Kontakt".into(),
        phone: "010-123 45 00".into(),
        f_skatt: true,
        ivo_permit: String::new(),
    }
}
