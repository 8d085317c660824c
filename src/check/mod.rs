//! `check`: what a build accepts but a reader would trip over, found in a
//! site built in memory.
//!
//! 1. [`bodies`] — every published page with a Markdown body, its links and
//!    images placed in the source file;
//! 2. [`lint`] — briefings without a source, key points or takeaway, and
//!    images without alt text;
//! 3. internal links (this module, with [`links`]) — every link that stays
//!    on the site must reach a file of the build, and its anchor an id of
//!    that page;
//! 4. [`external`] — on request, every absolute http(s) URL over HTTP.
//!
//! Every problem is an error-level [`Diagnostic`] in the source Markdown:
//! for `check` they are all content problems.

pub mod bodies;
pub mod external;
pub mod links;
pub mod lint;

use std::collections::HashMap;

use crate::build::Built;
use crate::diag::Diagnostic;
use crate::site::Site;
use bodies::{Body, Link};
use links::{Served, SiteUrls, Target};

/// What to check beyond the built site itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Check external links over HTTP with these settings.
    pub external: Option<external::Settings>,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, sorted by file and position.
    pub problems: Vec<Diagnostic>,
    /// Links checked that stay on the site.
    pub internal_links: usize,
    /// Distinct external URLs asked for (0 without `external`).
    pub external_urls: usize,
}

/// Checks a built site.
pub fn run(built: &Built, options: &Options) -> Report {
    let site = &built.site;
    let bodies = bodies::collect(site);
    let mut problems = Vec::new();
    lint::briefings(site, &mut problems);
    lint::images(&bodies, &mut problems);
    let internal_links = internal(site, &built.files, &bodies, &mut problems);
    let external_urls = options.external.as_ref().map_or(0, |settings| {
        external::check(site, &bodies, settings, &mut problems)
    });
    crate::diag::sort(&mut problems);
    // The same link written twice in one place (key points in front
    // matter share the key's span) is one problem.
    problems.dedup_by(|a, b| {
        (&a.path, a.line, a.col, &a.message) == (&b.path, b.line, b.col, &b.message)
    });
    Report {
        problems,
        internal_links,
        external_urls,
    }
}

/// Checks every link that stays on the site; returns how many there were.
fn internal(
    site: &Site,
    files: &[crate::render::OutputFile],
    bodies: &[Body<'_>],
    out: &mut Vec<Diagnostic>,
) -> usize {
    let mut links = InternalLinks {
        urls: site_urls(site),
        served: Served::new(files),
        body_ids: HashMap::new(),
    };
    for body in bodies {
        if let Target::Internal { path, .. } = links.urls.classify(body.url, body.url)
            && let Some(file) = links.served.find(&path)
        {
            links.body_ids.insert(file, &body.ids);
        }
    }
    let mut count = 0;
    for body in bodies {
        let file = &body.origin.file;
        let mut report = |span: &std::ops::Range<usize>, message: String| {
            out.push(Diagnostic::error_at(
                &file.display_path,
                file.text(),
                span.clone(),
                message,
            ));
        };
        for span in &body.unpublished {
            report(
                span,
                "broken link: it names a content file that is not published (a draft or a future-dated briefing)".to_owned(),
            );
        }
        for link in &body.links {
            if let Some(result) = links.check(link, body.url) {
                count += 1;
                if let Err(message) = result {
                    report(&link.span, message);
                }
            }
        }
    }
    count
}

/// How the site is addressed, from its configuration.
pub fn site_urls(site: &Site) -> SiteUrls<'_> {
    SiteUrls {
        base_path: &site.config.base_path,
        base_url: site
            .config
            .has_base_url
            .then_some(site.config.base_url.as_str()),
    }
}

/// The internal-link checker: the site's files and the ids of each page.
struct InternalLinks<'f, 'b> {
    urls: SiteUrls<'f>,
    served: Served<'f>,
    /// Heading and footnote ids of each page with a body, by output file.
    body_ids: HashMap<&'f str, &'b Vec<String>>,
}

impl InternalLinks<'_, '_> {
    /// `None` for a link that leaves the site; otherwise whether its file
    /// and anchor exist, with the message when not.
    fn check(&mut self, link: &Link, page_url: &str) -> Option<Result<(), String>> {
        let Target::Internal { path, fragment } = self.urls.classify(&link.url, page_url) else {
            return None;
        };
        let shown = format!("{}{path}", self.urls.base_path);
        let Some(file) = self.served.find(&path) else {
            let what = if link.image {
                "image not found"
            } else {
                "broken link"
            };
            let written = if link.url == shown {
                String::new()
            } else {
                format!(" (`{}`)", link.url)
            };
            return Some(Err(format!(
                "{what}: nothing is published at `{shown}`{written}"
            )));
        };
        let Some(id) = fragment else {
            return Some(Ok(()));
        };
        let known = self.body_ids.get(file).is_some_and(|ids| ids.contains(&id));
        if known || self.served.has_id(file, &id) {
            return Some(Ok(()));
        }
        let same_page = self.urls.classify(page_url, page_url)
            == (Target::Internal {
                path: path.clone(),
                fragment: None,
            });
        Some(Err(if same_page {
            format!("broken anchor: this page has no `#{id}`")
        } else {
            format!("broken anchor: `{shown}` has no `#{id}`")
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputFile;

    fn link(url: &str) -> Link {
        Link {
            url: url.into(),
            span: 0..1,
            image: false,
        }
    }

    #[test]
    fn anchors_are_checked_against_body_ids_and_page_ids() {
        let files = vec![
            OutputFile {
                path: "briefings/a/index.html".into(),
                bytes: br#"<main id="main"><h2 id="why">Why</h2></main>"#.to_vec(),
            },
            OutputFile {
                path: "logo.png".into(),
                bytes: Vec::new(),
            },
        ];
        // An id the body reports, even if the page's HTML spelled it otherwise.
        let body_ids = vec!["from-body".to_owned()];
        let mut links = InternalLinks {
            urls: SiteUrls {
                base_path: "/",
                base_url: None,
            },
            served: Served::new(&files),
            body_ids: HashMap::from([("briefings/a/index.html", &body_ids)]),
        };
        let page = "/briefings/a/";
        let mut check = |url: &str| links.check(&link(url), page);
        assert_eq!(check("#why"), Some(Ok(())));
        assert_eq!(check("#main"), Some(Ok(())));
        assert_eq!(check("/briefings/a/#from-body"), Some(Ok(())));
        assert_eq!(check("../a#why"), Some(Ok(())));
        assert_eq!(check("/logo.png"), Some(Ok(())));
        assert_eq!(check("https://example.com/"), None);
        assert_eq!(
            check("#nope"),
            Some(Err("broken anchor: this page has no `#nope`".into()))
        );
        assert_eq!(
            links.check(&link("/briefings/a/#nope"), "/about/"),
            Some(Err("broken anchor: `/briefings/a/` has no `#nope`".into()))
        );
        assert_eq!(
            links.check(&link("../b/"), page),
            Some(Err(
                "broken link: nothing is published at `/briefings/b/` (`../b/`)".into()
            ))
        );
        let image = Link {
            image: true,
            ..link("/chart.png")
        };
        assert_eq!(
            links.check(&image, page),
            Some(Err(
                "image not found: nothing is published at `/chart.png`".into()
            ))
        );
    }
}
