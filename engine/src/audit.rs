//! The audit log's hash chain: every entry holds the SHA-256 of the entry before it (per
//! municipality) and the SHA-256 of that link and its own content. Changing, inserting or
//! removing an entry anywhere breaks every later link, and [`verify`] names the first.

use sha2::{Digest, Sha256};

/// The link before a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry says, in the fields its hash covers (its database id is only its place).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryContent {
    pub tenant: Option<i64>,
    pub user: Option<i64>,
    pub actor: Option<String>,
    /// ISO instant, as stored.
    pub at: String,
    pub client: Option<String>,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The SHA-256 (hex) of the link to the previous entry and this entry's content. Each field is
/// written with its length, so no two different contents give the same bytes.
pub fn entry_hash(prev: &str, e: &EntryContent) -> String {
    let mut h = Sha256::new();
    h.update(b"bita-audit-v1\n");
    h.update(prev.as_bytes());
    let num = |n: Option<i64>| n.map(|n| n.to_string());
    let fields: [Option<String>; 9] = [
        num(e.tenant),
        num(e.user),
        e.actor.clone(),
        Some(e.at.clone()),
        e.client.clone(),
        Some(e.action.clone()),
        Some(e.subject.clone()),
        e.before.clone(),
        e.after.clone(),
    ];
    for f in &fields {
        match f {
            None => h.update(b"\n-"),
            Some(s) => {
                h.update(format!("\n{}:", s.len()).as_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

/// One stored entry as the verifier reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub id: i64,
    pub content: EntryContent,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// Why a chain is broken at an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Break {
    /// The entry has no hash (written around the chain).
    Unsealed,
    /// Its link does not name the entry before it: one was removed or put in between.
    Link,
    /// Its content is not what its hash was computed from: it was changed.
    Content,
}

impl Break {
    pub fn explain(self) -> &'static str {
        match self {
            Break::Unsealed => "the entry has no hash",
            Break::Link => {
                "the entry does not link to the one before it (an entry was removed or inserted)"
            }
            Break::Content => "the entry's content does not match its hash (it was changed)",
        }
    }
}

/// The first broken link of one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub id: i64,
    pub why: Break,
}

/// Checks one chain, in its order: how many entries are intact, or the first broken link.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a StoredEntry>) -> Result<usize, Broken> {
    let mut prev = GENESIS.to_string();
    let mut n = 0;
    for e in entries {
        let (Some(link), Some(hash)) = (&e.prev_hash, &e.hash) else {
            return Err(Broken { id: e.id, why: Break::Unsealed });
        };
        if *link != prev {
            return Err(Broken { id: e.id, why: Break::Link });
        }
        if entry_hash(link, &e.content) != *hash {
            return Err(Broken { id: e.id, why: Break::Content });
        }
        prev = hash.clone();
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_string();
        (0..n)
            .map(|i| {
                let content = EntryContent {
                    tenant: Some(1),
                    user: Some(2),
                    at: format!("2026-11-0{}T10:00:00.000Z", i % 9 + 1),
                    action: "row.add".into(),
                    subject: format!("row {i}"),
                    ..Default::default()
                };
                let hash = entry_hash(&prev, &content);
                let e = StoredEntry {
                    id: i as i64 + 1,
                    content,
                    prev_hash: Some(prev.clone()),
                    hash: Some(hash.clone()),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&chain(0)), Ok(0));
    }

    #[test]
    fn a_changed_entry_is_named() {
        let mut c = chain(5);
        c[2].content.subject = "row 99".into();
        assert_eq!(verify(&c), Err(Broken { id: 3, why: Break::Content }));
        let mut c = chain(5);
        c[1].content.before = Some(String::new());
        assert_eq!(verify(&c), Err(Broken { id: 2, why: Break::Content }), "None and empty differ");
    }

    #[test]
    fn a_removed_or_reordered_entry_breaks_the_next_link() {
        let mut c = chain(5);
        c.remove(2);
        assert_eq!(verify(&c), Err(Broken { id: 4, why: Break::Link }));
        let mut c = chain(5);
        c.swap(0, 1);
        assert_eq!(verify(&c), Err(Broken { id: 2, why: Break::Link }));
        let mut c = chain(3);
        c[2].hash = None;
        assert_eq!(verify(&c), Err(Broken { id: 3, why: Break::Unsealed }));
    }

    #[test]
    fn field_boundaries_count() {
        let a = EntryContent {
            actor: Some("ab".into()),
            client: Some("c".into()),
            ..Default::default()
        };
        let b = EntryContent {
            actor: Some("a".into()),
            client: Some("bc".into()),
            ..Default::default()
        };
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &b));
    }
}
