//! Routing: every content file's slug and URL, decided before any body is
//! rendered so that links between files can be resolved. Two files that
//! would be written to the same URL are one error naming both.

use foldhash::{HashMap, HashMapExt};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::enrich::sections::{self, Company, Page, Story};
use crate::enrich::{self, Briefing, Env};
use crate::markdown::LinkResolver;
use crate::slug::slugify;
use crate::source::SourceFile;
use crate::source::frontmatter::Parsed as Matter;
use crate::source::schema::{BriefingMatter, CompanyMatter, PageMatter, StoryMatter};

/// Top-level URL segments that the site itself uses: a standalone page may
/// not take them.
const RESERVED: &[&str] = &[
    "briefings",
    "tags",
    "companies",
    "authors",
    "stories",
    "page",
    "search",
    "static",
    "atom-xml",
    "rss-xml",
    "feed-json",
    "sitemap-xml",
    "robots-txt",
    "llms-txt",
    "404",
    "style",
    "highlight",
];

/// A content file with its parsed front matter.
pub enum Parsed {
    /// A briefing.
    Briefing(SourceFile, Box<Matter<BriefingMatter>>),
    /// A briefing whose file is the one a cached entry was made from: its
    /// front matter is parsed only if the entry turns out not to be usable.
    Cached(SourceFile, Box<super::reuse::Entry>),
    /// A standalone page.
    Page(SourceFile, Matter<PageMatter>),
    /// A company profile.
    Company(SourceFile, Matter<CompanyMatter>),
    /// A story intro.
    Story(SourceFile, Matter<StoryMatter>),
}

/// A content file after enrichment.
pub enum Enriched {
    /// A briefing (boxed: it is much larger than the others).
    Briefing(Box<Briefing>),
    /// A standalone page.
    Page(Page),
    /// A company profile.
    Company(Company),
    /// A story intro.
    Story(Story),
}

impl Parsed {
    /// The file.
    pub fn file(&self) -> &SourceFile {
        match self {
            Parsed::Briefing(f, _)
            | Parsed::Cached(f, _)
            | Parsed::Page(f, _)
            | Parsed::Company(f, _)
            | Parsed::Story(f, _) => f,
        }
    }

    /// Runs the matching enrichment.
    pub fn enrich(self, slug: String, url: String, env: &Env<'_>) -> enrich::Enriched<Enriched> {
        fn wrap<T>(
            r: enrich::Enriched<T>,
            f: impl FnOnce(T) -> Enriched,
        ) -> enrich::Enriched<Enriched> {
            r.map(|(item, warnings)| (f(item), warnings))
        }
        match self {
            Parsed::Briefing(f, m) => wrap(enrich::briefing(&f, *m, slug, url, env), |b| {
                Enriched::Briefing(Box::new(b))
            }),
            Parsed::Cached(f, _) => match crate::source::frontmatter::parse(&f) {
                Ok(m) => Parsed::Briefing(f, Box::new(m)).enrich(slug, url, env),
                Err(errors) => Err(errors),
            },
            Parsed::Page(f, m) => wrap(sections::page(&f, m, slug, url, env), Enriched::Page),
            Parsed::Company(f, m) => {
                wrap(sections::company(&f, m, slug, url, env), Enriched::Company)
            }
            Parsed::Story(f, m) => wrap(sections::story(&f, m, slug, url, env), Enriched::Story),
        }
    }

    /// The file's name without `.md`.
    fn stem(&self) -> &str {
        let path = &self.file().content_path;
        let name = path.rsplit('/').next().unwrap_or_default();
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The section URL prefix, the explicit slug (if any) with its key, and
    /// the text the default slug is made from.
    fn slug_parts(&self) -> (&'static str, Option<&str>, &str) {
        match self {
            // A briefing's default slug comes from its title; the others'
            // from their file name, which is how briefings refer to stories.
            Parsed::Briefing(_, m) => ("briefings/", m.matter.slug.as_deref(), &m.matter.title),
            Parsed::Cached(_, e) => ("briefings/", e.slug.as_deref(), &e.title),
            Parsed::Page(_, m) => ("", m.matter.slug.as_deref(), self.stem()),
            Parsed::Company(_, m) => ("companies/", m.matter.slug.as_deref(), self.stem()),
            Parsed::Story(_, m) => ("stories/", m.matter.slug.as_deref(), self.stem()),
        }
    }

    fn error_at_key(&self, key: &str, message: String) -> Diagnostic {
        let file = self.file();
        let span = match self {
            Parsed::Briefing(_, m) => m.span_of(key),
            Parsed::Cached(_, e) => {
                let origin = &e.briefing.origin;
                origin
                    .spans
                    .get(key)
                    .cloned()
                    .unwrap_or_else(|| origin.opening.clone())
            }
            Parsed::Page(_, m) => m.span_of(key),
            Parsed::Company(_, m) => m.span_of(key),
            Parsed::Story(_, m) => m.span_of(key),
        };
        Diagnostic::error_at(&file.display_path, file.text(), span, message)
    }
}

/// Slug and URL of every content file, by its path below `content/`.
#[derive(Debug, Default)]
pub struct Routes {
    by_path: HashMap<String, (String, String)>,
}

impl Routes {
    /// Decides every file's slug and URL, reporting unusable slugs and
    /// collisions.
    pub fn assign(config: &Config, parsed: &[Parsed], diags: &mut Vec<Diagnostic>) -> Routes {
        use rayon::prelude::*;
        // Each file's slug and URL are made side by side; which file a URL
        // belongs to is settled after, in order.
        let made: Vec<Result<(String, String), String>> =
            parsed.par_iter().map(|p| route_of(config, p)).collect();
        let mut routes = Routes::default();
        let mut owner: HashMap<String, &SourceFile> = HashMap::new();
        for (p, made) in parsed.iter().zip(made) {
            // Point at what the slug was made from: the `slug` key, the title
            // of a briefing, or (for the others) the file as a whole.
            let from_title = p.slug_parts().1.is_none()
                && matches!(p, Parsed::Briefing(..) | Parsed::Cached(..));
            let key = if from_title { "title" } else { "slug" };
            let (slug, url) = match made {
                Ok(route) => route,
                Err(msg) => {
                    diags.push(p.error_at_key(key, msg));
                    continue;
                }
            };
            if let Some(first) = owner.get(&url) {
                let msg = format!(
                    "`{}` and `{}` would both be written to `{url}`; give one of them another `slug`",
                    first.display_path.display(),
                    p.file().display_path.display()
                );
                diags.push(p.error_at_key(key, msg));
                continue;
            }
            owner.insert(url.clone(), p.file());
            routes
                .by_path
                .insert(p.file().content_path.clone(), (slug, url));
        }
        routes
    }

    /// Slug and URL of a file, by its path below `content/`.
    pub fn of(&self, content_path: &str) -> Option<(&str, &str)> {
        self.by_path
            .get(content_path)
            .map(|(s, u)| (s.as_str(), u.as_str()))
    }
}

/// The slug and URL of one file, or why it has none.
fn route_of(config: &Config, p: &Parsed) -> Result<(String, String), String> {
    let (section, explicit, fallback) = p.slug_parts();
    let source_text = explicit.unwrap_or(fallback);
    // A title in a non-Latin script: fall back on the file name.
    let slug = slugify(source_text).or_else(|| slugify(p.stem()));
    let Some(slug) = slug else {
        return Err(format!(
            "cannot make a URL slug from `{source_text}`; set `slug` to ASCII letters, digits and dashes"
        ));
    };
    if section.is_empty() && RESERVED.contains(&slug.as_str()) {
        return Err(format!(
            "the page slug `{slug}` is used by the site itself; choose another `slug`"
        ));
    }
    let url = config.url(&format!("{section}{slug}/"));
    Ok((slug, url))
}

impl LinkResolver for Routes {
    fn resolve(&self, path: &str) -> Option<String> {
        self.by_path.get(path).map(|(_, url)| url.clone())
    }
}
