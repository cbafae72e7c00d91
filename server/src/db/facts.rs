//! Register entries kept in memory between requests (issue 28): what a new row is checked
//! against (its pair's assistant, recipient, assignments, decisions and absences) and what an
//! assistant's month page shows of them change a few times a year, and were read anew for
//! every saved row (six of its ten statements on PostgreSQL) and every month page (five of
//! twelve).
//!
//! An entry holds the municipality's register version it was read at (`register_versions`,
//! raised by triggers in the transaction of every change of those tables, whichever path or
//! server made it). It is used only when the version read with the request's other reads is
//! that one, and a change reads the version again under its municipality's write lock (the
//! re-check), so a register change committed on another server is seen at once: nothing is
//! ever invalidated by message, and a stale entry is just not used. Hand-written rather than a
//! caching crate: the key is checked against a version read from the database, not a time or
//! a size alone, and clearing a full map is all the eviction it needs (see [`MAX_PEOPLE`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// How many entries each cache holds before it starts again empty. Measured in
/// `bench/load/run.sh sqlite`: 2,000 assistants' month pages added 17 MB of anonymous memory
/// (about 8.5 KB an assistant, allocator included), so the month pages' at most some 85 MB;
/// a pair's entry (one recipient) is smaller. Where more assistants than this are at work,
/// entries are read again after a clear, as every request read them before.
const MAX_PEOPLE: usize = 10_000;
const MAX_PAIRS: usize = 20_000;

/// A register version as read: `None` before the municipality's register first changed.
pub(crate) type RegisterVersion = Option<i64>;

/// Values read at a register version, by key, at most `max` of them.
pub(crate) struct Kept<K, V> {
    map: Mutex<HashMap<K, (RegisterVersion, Arc<V>)>>,
    max: usize,
}

impl<K: Eq + Hash, V> Kept<K, V> {
    fn new(max: usize) -> Self {
        Self { map: Mutex::new(HashMap::new()), max }
    }

    /// The value kept for `key` if it was read at `version`.
    pub(crate) fn get(&self, key: &K, version: RegisterVersion) -> Option<Arc<V>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|(v, _)| *v == version).map(|(_, value)| value.clone())
    }

    /// Keeps `value`, read at `version`, for `key`.
    pub(crate) fn put(&self, key: K, version: RegisterVersion, value: Arc<V>) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max && !map.contains_key(&key) {
            map.clear();
        }
        map.insert(key, (version, value));
    }
}

/// A pair's register entries as a new row is checked against them.
pub(crate) struct PairFacts {
    /// The days of the pair's assignments (first, last if ended).
    pub spans: Vec<(chrono::NaiveDate, Option<chrono::NaiveDate>)>,
    /// What the per-row rules need of the pair, if they are assigned at all.
    pub facts: Option<engine::rules::RowFacts>,
}

impl PairFacts {
    /// Is the assistant assigned to the recipient on `day`?
    pub(crate) fn assigned_on(&self, day: chrono::NaiveDate) -> bool {
        self.spans.iter().any(|(from, to)| *from <= day && to.is_none_or(|to| day <= to))
    }
}

/// What a store may do with what the server keeps.
#[derive(Clone, Copy)]
pub(crate) struct Keeping<'a> {
    pub facts: &'a Facts,
    /// Whether what it reads may be kept: only what a connection of its own read, which is
    /// committed. A change's reads see its batch's changes before their commit, and a batch
    /// may yet be rolled back; an entry kept from them, under a version number a later change
    /// then reaches with other entries, would be taken for theirs.
    pub keep: bool,
}

/// What the server keeps, one per database (shared by its stores).
pub(crate) struct Facts {
    /// By (municipality, assistant, recipient): a new row's checks.
    pub pairs: Kept<(i64, i64, i64), PairFacts>,
    /// By (municipality, assistant): the assistant's month page.
    pub people: Kept<(i64, i64), store::People>,
}

impl Default for Facts {
    fn default() -> Self {
        Self { pairs: Kept::new(MAX_PAIRS), people: Kept::new(MAX_PEOPLE) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_used_only_at_the_version_it_was_read_at() {
        let kept: Kept<i64, &str> = Kept::new(10);
        kept.put(1, Some(7), Arc::new("read at 7"));
        assert_eq!(kept.get(&1, Some(7)).as_deref(), Some(&"read at 7"));
        assert!(kept.get(&1, Some(8)).is_none(), "the register moved");
        assert!(kept.get(&1, None).is_none());
        assert!(kept.get(&2, Some(7)).is_none());
    }

    #[test]
    fn a_full_cache_starts_again_rather_than_grow() {
        let kept: Kept<usize, usize> = Kept::new(100);
        for k in 0..=1000 {
            kept.put(k, None, Arc::new(k));
            assert!(kept.map.lock().unwrap().len() <= 100);
        }
        assert!(kept.get(&1000, None).is_some(), "the newest is kept");
        kept.put(1000, Some(1), Arc::new(1));
        assert_eq!(kept.get(&1000, Some(1)).as_deref(), Some(&1), "read again at a new version");
    }

    #[test]
    fn an_assignment_covers_its_first_and_last_day() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let pair = PairFacts { spans: vec![(d("2026-01-10"), Some(d("2026-01-20")))], facts: None };
        assert!(!pair.assigned_on(d("2026-01-09")));
        assert!(pair.assigned_on(d("2026-01-10")));
        assert!(pair.assigned_on(d("2026-01-20")));
        assert!(!pair.assigned_on(d("2026-01-21")));
        let open = PairFacts { spans: vec![(d("2026-01-10"), None)], facts: None };
        assert!(open.assigned_on(d("2030-01-01")));
    }
}
