//! A page of a long list (the registers, the month dashboard) and the search it keeps.

/// Entries per page of a long list (a municipality may have 5,000 assistants).
pub const PAGE_SIZE: i64 = 50;

/// A page of a long list (the registers, the month dashboard): which page, how many in all,
/// links to the neighbours with the search (`q`) and everything else in `base` kept.
pub(crate) struct Paging {
    pub query: String,
    pub page: i64,
    pub pages: i64,
    pub offset: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// `base` is the list's address with any other parameters (`/admin?manad=2026-10&visa=fel`).
pub(crate) fn paging(base: &str, query: &str, page: i64, total: i64) -> Paging {
    let query: String = query.chars().take(100).collect();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let sep = if base.contains('?') { '&' } else { '?' };
    let link = |n: i64| format!("{base}{sep}q={}&sida={n}", urlencode(&query));
    Paging {
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        offset: (page - 1) * PAGE_SIZE,
        query,
        page,
        pages,
    }
}

/// `s` as a URL query value.
pub(crate) fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).map(|q| q[2..].to_string()).unwrap_or_default()
}
