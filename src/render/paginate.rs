//! Lists cut into pages: the home page's, and each tag's, author's and
//! company's. Page 1 is the list's own URL; page N is below it at
//! `page/N/`.

use super::view::PaginationView;

/// One page of a paginated list of briefings.
pub(super) struct ListPage<'i> {
    /// Its site-relative URL.
    pub url: String,
    /// The briefings on it (indices into [`crate::site::Site::briefings`]).
    pub items: &'i [usize],
    /// Where it stands among the list's pages.
    pub pagination: PaginationView,
}

/// `items` cut into pages of `per`: the first page at `first_url` (a
/// site-relative folder URL, ending in `/`), page N at `first_url` +
/// `page/N/`. An empty list is one empty page.
pub(super) fn paginate<'i>(first_url: &str, items: &'i [usize], per: usize) -> Vec<ListPage<'i>> {
    let chunks: Vec<&[usize]> = if items.is_empty() {
        vec![items]
    } else {
        items.chunks(per.max(1)).collect()
    };
    let total = chunks.len();
    let url_of = |n: usize| match n {
        1 => first_url.to_owned(),
        n => format!("{first_url}page/{n}/"),
    };
    chunks
        .into_iter()
        .enumerate()
        .map(|(k, items)| {
            let n = k + 1;
            ListPage {
                url: url_of(n),
                items,
                pagination: PaginationView {
                    current: n,
                    total,
                    previous_url: (n > 1).then(|| url_of(n - 1)),
                    next_url: (n < total).then(|| url_of(n + 1)),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_each_other_below_the_first() {
        let items = [4, 3, 2, 1, 0];
        let pages = paginate("/tags/ai/", &items, 2);
        let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(urls, ["/tags/ai/", "/tags/ai/page/2/", "/tags/ai/page/3/"]);
        let items: Vec<&[usize]> = pages.iter().map(|p| p.items).collect();
        assert_eq!(items, [&[4, 3][..], &[2, 1], &[0]]);
        let links: Vec<(Option<&str>, Option<&str>)> = pages
            .iter()
            .map(|p| {
                let v = &p.pagination;
                assert_eq!(v.total, 3);
                (v.previous_url.as_deref(), v.next_url.as_deref())
            })
            .collect();
        assert_eq!(
            links,
            [
                (None, Some("/tags/ai/page/2/")),
                (Some("/tags/ai/"), Some("/tags/ai/page/3/")),
                (Some("/tags/ai/page/2/"), None),
            ]
        );
    }

    #[test]
    fn an_empty_list_is_one_empty_page() {
        let pages = paginate("/", &[], 10);
        assert_eq!(pages.len(), 1);
        assert_eq!((pages[0].url.as_str(), pages[0].items.len()), ("/", 0));
        assert_eq!(pages[0].pagination.total, 1);
    }
}
