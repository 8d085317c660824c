//! Every page of the site: which template, which view, which output path.

use rayon::prelude::*;

use super::paginate::paginate;
use super::view::*;
use super::{Renderer, Sink, jsonld};
use crate::diag::Diagnostic;
use crate::enrich::Briefing;
use crate::markdown::TocEntry;
use crate::output::assets::{Asset, Assets};
use crate::site::{Site, Term};

/// Renders every HTML page of the site into `sink`. All template problems
/// are returned.
pub fn render_all(
    site: &Site,
    renderer: &Renderer,
    assets: &Assets,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    with_pages(site, renderer, assets, sink, true, |pages| {
        let mut results: Vec<Result<(), Diagnostic>> = Vec::new();
        results.par_extend(
            (0..site.briefings.len())
                .into_par_iter()
                .map(|i| pages.briefing(i)),
        );
        // The lists, grouped by the cards they show (the built-in theme's
        // `h2` cards, then its `h3` ones): `card_html` keeps each card it
        // renders until the cards are forgotten, which bounds the memory
        // they hold to one group's.
        results.extend(pages.index_pages());
        results.par_extend(
            site.tags
                .par_iter()
                .flat_map_iter(|t| pages.term("tag.html", "Tags", t)),
        );
        results.par_extend(
            site.authors
                .par_iter()
                .flat_map_iter(|t| pages.term("author.html", "Authors", t)),
        );
        renderer.forget_cards();
        results.par_extend(
            (0..site.companies.len())
                .into_par_iter()
                .flat_map_iter(|i| pages.company(i)),
        );
        results.push(pages.not_found());
        renderer.forget_cards();
        results.par_extend(
            (0..site.stories.len())
                .into_par_iter()
                .map(|i| pages.story(i)),
        );
        results.extend(site.pages.iter().map(|p| pages.page(p)));
        results.push(pages.terms_index("Tags", "tags", &site.tags));
        results.push(pages.terms_index("Authors", "authors", &site.authors));
        results.push(pages.companies_index());
        results.push(pages.stories_index());
        results.push(pages.search());
        renderer.forget_cards();
        all_or_errors(results)
    })
}

/// Renders the pages of the briefings at `indices` (into
/// [`Site::briefings`]) into `sink`.
pub fn render_briefings(
    site: &Site,
    renderer: &Renderer,
    assets: &Assets,
    sink: &dyn Sink,
    indices: &[usize],
) -> Result<(), Vec<Diagnostic>> {
    with_pages(site, renderer, assets, sink, false, |pages| {
        all_or_errors(indices.iter().map(|&i| pages.briefing(i)).collect())
    })
}

fn all_or_errors(results: Vec<Result<(), Diagnostic>>) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Runs `f` with what every page is rendered with: the site's frame and,
/// if `with_cards`, every briefing's card.
fn with_pages<R>(
    site: &Site,
    renderer: &Renderer,
    assets: &Assets,
    sink: &dyn Sink,
    with_cards: bool,
    f: impl FnOnce(&Pages<'_>) -> R,
) -> R {
    // The sections first, then standalone pages (About…) in their order.
    let sections: Vec<(&str, String)> = [
        ("Stories", "stories/"),
        ("Companies", "companies/"),
        ("Tags", "tags/"),
    ]
    .into_iter()
    .map(|(name, path)| (name, site.config.url(path)))
    .collect();
    let nav: Vec<LinkView<'_>> = sections
        .iter()
        .map(|(name, url)| LinkView { name, url })
        .chain(site.pages.iter().map(|p| LinkView {
            name: &p.title,
            url: &p.url,
        }))
        .collect();
    let asset = |name: &str| {
        assets.get(name).cloned().unwrap_or_else(|| Asset {
            url: site.config.url(name),
            integrity: String::new(),
        })
    };
    let (stylesheet, highlight) = (asset("style.css"), asset("highlight.css"));
    let site_view = SiteView {
        title: &site.config.title,
        description: &site.config.description,
        language: &site.config.language,
        base_url: &site.config.base_url,
        base_path: &site.config.base_path,
        nav: &nav,
        stylesheet: &stylesheet.url,
        stylesheet_integrity: &stylesheet.integrity,
        highlight_stylesheet: &highlight.url,
        highlight_integrity: &highlight.integrity,
        footer: &site.config.footer,
        extra: &site.config.extra,
    };
    let search_script = asset("search.js");
    let mut pages = Pages {
        site,
        sv: &site_view,
        renderer,
        search_script,
        sink,
        cards: Vec::new(),
        site_key: {
            let mut h = super::sink::Hasher::new(0);
            h.value(&site_view);
            h.finish()
        },
    };
    if with_cards {
        pages.cards = (0..site.briefings.len())
            .into_par_iter()
            .map(|i| pages.card(i))
            .collect();
    }
    f(&pages)
}

struct Pages<'a> {
    site: &'a Site,
    sv: &'a SiteView<'a>,
    renderer: &'a Renderer,
    search_script: Asset,
    sink: &'a dyn Sink,
    /// Every briefing's card, by index.
    cards: Vec<Card<'a>>,
    /// Fingerprint of `sv`, the part every page shares.
    site_key: super::Key,
}

impl<'a> Pages<'a> {
    /// Output path of a site-relative URL.
    fn path_of(&self, url: &str) -> String {
        let rest = url
            .strip_prefix(&self.site.config.base_path)
            .unwrap_or(url.trim_start_matches('/'));
        format!("{rest}index.html")
    }

    fn canonical(&self, url: &str) -> String {
        self.site.config.absolute(url)
    }

    fn link_to<'t>(&self, term: Option<&'t Term>, name: &'t str) -> LinkView<'t> {
        match term {
            Some(t) => LinkView { name, url: &t.url },
            None => LinkView { name, url: "" },
        }
    }

    fn authors(&self, b: &'a Briefing) -> Vec<LinkView<'a>> {
        b.authors
            .iter()
            .map(|a| self.link_to(self.site.author(a), a))
            .collect()
    }

    fn tags(&self, b: &'a Briefing) -> Vec<LinkView<'a>> {
        b.tags
            .iter()
            .map(|t| self.link_to(self.site.tag(t), t))
            .collect()
    }

    fn companies(&self, b: &'a Briefing) -> Vec<LinkView<'a>> {
        b.companies
            .iter()
            .map(|c| match self.site.company(c) {
                Some(e) => LinkView {
                    name: &e.company.name,
                    url: &e.company.url,
                },
                None => LinkView { name: c, url: "" },
            })
            .collect()
    }

    fn card(&self, i: usize) -> Card<'a> {
        let b = &self.site.briefings[i];
        let view = CardView {
            title: &b.title,
            url: &b.url,
            date: &b.date.view,
            summary: &b.summary,
            takeaway: b.takeaway.as_deref(),
            authors: self.authors(b),
            companies: self.companies(b),
            tags: self.tags(b),
            reading_minutes: b.reading_minutes,
            draft: b.draft,
            scheduled: b.scheduled,
        };
        Card::new(view)
    }

    fn cards(&self, indices: &[usize]) -> Vec<&Card<'a>> {
        indices.iter().map(|&i| &self.cards[i]).collect()
    }

    fn briefing(&self, i: usize) -> Result<(), Diagnostic> {
        let site = self.site;
        let b = &site.briefings[i];
        let link = |j: usize| LinkView {
            name: &site.briefings[j].title,
            url: &site.briefings[j].url,
        };
        let story = b
            .story
            .as_deref()
            .and_then(|s| site.story(s))
            .and_then(|entry| {
                let pos = entry.briefings.iter().position(|&j| j == i)?;
                Some(StoryPlaceView {
                    title: &entry.story.title,
                    url: &entry.story.url,
                    position: pos + 1,
                    total: entry.briefings.len(),
                    previous: pos.checked_sub(1).map(|p| link(entry.briefings[p])),
                    next: entry.briefings.get(pos + 1).map(|&j| link(j)),
                })
            });
        let (authors, tags, companies) = (self.authors(b), self.tags(b), self.companies(b));
        let (newer, older) = (
            i.checked_sub(1).map(link),
            (i + 1 < site.briefings.len()).then(|| link(i + 1)),
        );
        let path = self.path_of(&b.url);
        // Everything the page shows besides the briefing itself (which its
        // digest stands for, `briefing.toml` included): the site's frame, the
        // pages its links point to, and the company facts its JSON-LD names.
        let homepages: Vec<Option<&str>> = b
            .companies
            .iter()
            .map(|c| site.company(c).and_then(|e| e.company.homepage.as_deref()))
            .collect();
        let deps = (
            self.site_key,
            b.digest,
            (authors, tags, companies, homepages),
            (story, newer, older),
        );
        let context = |(_, _, (authors, tags, companies, _), (story, newer, older)): Deps<'a>| {
            BriefingContext {
                site: self.sv,
                canonical: self.canonical(&b.url),
                json_ld: jsonld::briefing(site, b),
                briefing: BriefingView {
                    title: &b.title,
                    url: &b.url,
                    date: &b.date.view,
                    updated: b.updated.as_ref().map(|d| &d.view),
                    authors,
                    reading_minutes: b.reading_minutes,
                    word_count: b.body.word_count,
                    summary: &b.summary,
                    key_points: b
                        .key_points
                        .iter()
                        .map(|k| KeyPointView {
                            label: k.label.as_deref(),
                            text_html: &k.html,
                        })
                        .collect(),
                    takeaway: b.takeaway.as_deref(),
                    content_html: BodyHtml(b),
                    toc: toc_views(&b.body.toc),
                    sources: b
                        .sources
                        .iter()
                        .map(|s| SourceView {
                            url: &s.url,
                            title: &s.title,
                            publisher: s.publisher.as_deref(),
                        })
                        .collect(),
                    companies,
                    tags,
                    story,
                    newer,
                    older,
                    updates: b
                        .updates
                        .iter()
                        .map(|u| UpdateView {
                            date: &u.date.view,
                            note: &u.note,
                        })
                        .collect(),
                    draft: b.draft,
                    scheduled: b.scheduled,
                    extra: &b.extra,
                },
            }
        };
        if b.digest.is_none() {
            return self
                .renderer
                .render_to(self.sink, "briefing.html", &context(deps), &path);
        }
        self.renderer
            .render_by(self.sink, "briefing.html", deps, &path, context)
    }

    fn index_pages(&self) -> Vec<Result<(), Diagnostic>> {
        let all: Vec<usize> = (0..self.site.briefings.len()).collect();
        let pages = paginate(&self.site.config.url(""), &all, self.site.config.paginate);
        pages
            .into_par_iter()
            .map(|page| {
                let ctx = IndexContext {
                    site: self.sv,
                    canonical: self.canonical(&page.url),
                    json_ld: if page.pagination.current == 1 {
                        jsonld::website(self.site)
                    } else {
                        String::new()
                    },
                    briefings: self.cards(page.items),
                    pagination: page.pagination,
                };
                self.renderer
                    .render_to(self.sink, "index.html", &ctx, &self.path_of(&page.url))
            })
            .collect()
    }

    /// Every page of a tag's or an author's list.
    fn term(&self, template: &str, section: &str, term: &'a Term) -> Vec<Result<(), Diagnostic>> {
        let index = self
            .site
            .config
            .url(&format!("{}/", section.to_lowercase()));
        // Every page of the list has the same trail.
        let trail = jsonld::trail(self.site, &[(section, &index), (&term.name, &term.url)]);
        let per = self.site.config.paginate_lists;
        paginate(&term.url, &term.briefings, per)
            .into_iter()
            .map(|page| {
                let ctx = TermContext {
                    site: self.sv,
                    canonical: self.canonical(&page.url),
                    json_ld: trail.clone(),
                    name: &term.name,
                    // Tags have feeds of their own; authors do not.
                    feed_dir: (section == "Tags").then(|| term.url.clone()),
                    count: term.briefings.len(),
                    briefings: self.cards(page.items),
                    pagination: page.pagination,
                };
                self.renderer
                    .render_to(self.sink, template, &ctx, &self.path_of(&page.url))
            })
            .collect()
    }

    fn terms_index(
        &self,
        heading: &'a str,
        taxonomy: &'a str,
        terms: &'a [Term],
    ) -> Result<(), Diagnostic> {
        let url = self.site.config.url(&format!("{taxonomy}/"));
        let ctx = TermsContext {
            site: self.sv,
            canonical: self.canonical(&url),
            json_ld: jsonld::trail(self.site, &[(heading, &url)]),
            heading,
            taxonomy,
            terms: terms
                .iter()
                .map(|t| TermView {
                    name: &t.name,
                    url: &t.url,
                    count: t.briefings.len(),
                })
                .collect(),
        };
        self.renderer
            .render_to(self.sink, "terms.html", &ctx, &self.path_of(&url))
    }

    fn companies_index(&self) -> Result<(), Diagnostic> {
        let url = self.site.config.url("companies/");
        let ctx = TermsContext {
            site: self.sv,
            canonical: self.canonical(&url),
            json_ld: jsonld::trail(self.site, &[("Companies", &url)]),
            heading: "Companies",
            taxonomy: "companies",
            terms: self
                .site
                .companies
                .iter()
                .map(|e| TermView {
                    name: &e.company.name,
                    url: &e.company.url,
                    count: e.briefings.len(),
                })
                .collect(),
        };
        self.renderer
            .render_to(self.sink, "terms.html", &ctx, &self.path_of(&url))
    }

    /// Every page of a company's list, the profile on the first.
    fn company(&self, i: usize) -> Vec<Result<(), Diagnostic>> {
        let entry = &self.site.companies[i];
        let c = &entry.company;
        let per = self.site.config.paginate_lists;
        paginate(&c.url, &entry.briefings, per)
            .into_iter()
            .map(|page| {
                let first = page.pagination.current == 1;
                let ctx = CompanyContext {
                    site: self.sv,
                    canonical: self.canonical(&page.url),
                    json_ld: if first {
                        jsonld::company(self.site, entry)
                    } else {
                        let companies = self.site.config.url("companies/");
                        jsonld::trail(self.site, &[("Companies", &companies), (&c.name, &c.url)])
                    },
                    feed_dir: c.url.clone(),
                    company: CompanyView {
                        name: &c.name,
                        url: &c.url,
                        aliases: &c.aliases,
                        homepage: c.homepage.as_deref(),
                        summary: c.summary.as_deref(),
                        content_html: &c.content_html,
                    },
                    count: entry.briefings.len(),
                    briefings: self.cards(page.items),
                    pagination: page.pagination,
                };
                self.renderer
                    .render_to(self.sink, "company.html", &ctx, &self.path_of(&page.url))
            })
            .collect()
    }

    fn stories_index(&self) -> Result<(), Diagnostic> {
        let url = self.site.config.url("stories/");
        let ctx = StoriesContext {
            site: self.sv,
            canonical: self.canonical(&url),
            json_ld: jsonld::trail(self.site, &[("Stories", &url)]),
            stories: self
                .site
                .stories
                .iter()
                .map(|e| TermView {
                    name: &e.story.title,
                    url: &e.story.url,
                    count: e.briefings.len(),
                })
                .collect(),
        };
        self.renderer
            .render_to(self.sink, "stories.html", &ctx, &self.path_of(&url))
    }

    fn story(&self, i: usize) -> Result<(), Diagnostic> {
        let entry = &self.site.stories[i];
        let s = &entry.story;
        let stories = self.site.config.url("stories/");
        let ctx = StoryContext {
            site: self.sv,
            canonical: self.canonical(&s.url),
            json_ld: jsonld::trail(self.site, &[("Stories", &stories), (&s.title, &s.url)]),
            title: &s.title,
            summary: s.summary.as_deref(),
            content_html: &s.content_html,
            timeline: self.cards(&entry.briefings),
        };
        self.renderer
            .render_to(self.sink, "story.html", &ctx, &self.path_of(&s.url))
    }

    fn page(&self, p: &'a crate::enrich::sections::Page) -> Result<(), Diagnostic> {
        let ctx = PageContext {
            site: self.sv,
            canonical: self.canonical(&p.url),
            json_ld: jsonld::trail(self.site, &[(&p.title, &p.url)]),
            title: &p.title,
            summary: &p.summary,
            content_html: &p.body.html,
            toc: toc_views(&p.body.toc),
            extra: &p.extra,
        };
        self.renderer
            .render_to(self.sink, "page.html", &ctx, &self.path_of(&p.url))
    }

    fn search(&self) -> Result<(), Diagnostic> {
        let url = self.site.config.url("search/");
        let ctx = SearchContext {
            site: self.sv,
            canonical: self.canonical(&url),
            json_ld: String::new(),
            index_url: self.site.config.url("search-index.json"),
            script_url: self.search_script.url.clone(),
            script_integrity: self.search_script.integrity.clone(),
        };
        self.renderer
            .render_to(self.sink, "search.html", &ctx, &self.path_of(&url))
    }

    fn not_found(&self) -> Result<(), Diagnostic> {
        let latest: Vec<usize> = (0..self.site.briefings.len().min(5)).collect();
        let ctx = NotFoundContext {
            site: self.sv,
            canonical: self.canonical(&self.site.config.url("")),
            json_ld: String::new(),
            briefings: self.cards(&latest),
        };
        self.renderer
            .render_to(self.sink, "404.html", &ctx, "404.html")
    }
}

/// What a briefing page is keyed by (see `Pages::briefing`).
type Deps<'a> = (
    super::Key,
    Option<super::Key>,
    (
        Vec<LinkView<'a>>,
        Vec<LinkView<'a>>,
        Vec<LinkView<'a>>,
        Vec<Option<&'a str>>,
    ),
    (
        Option<StoryPlaceView<'a>>,
        Option<LinkView<'a>>,
        Option<LinkView<'a>>,
    ),
);

fn toc_views(toc: &[TocEntry]) -> Vec<TocView<'_>> {
    toc.iter()
        .map(|t| TocView {
            level: t.level,
            id: &t.id,
            title: &t.title,
            children: toc_views(&t.children),
        })
        .collect()
}
