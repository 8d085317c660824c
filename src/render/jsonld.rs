//! schema.org structured data as JSON-LD: `NewsArticle` on briefings,
//! `Organization` on company pages, `WebSite` on the home page, and a
//! `BreadcrumbList` on every page below the home page. The result is JSON
//! escaped for a `<script>` element ([`escape::json_for_script`]).
//!
//! Each object is a typed struct serialized straight to text. Fields are
//! declared in byte order of their keys, the order the pages have always
//! had; optional ones are left out when empty.

use serde::Serialize;

use crate::enrich::Briefing;
use crate::escape;
use crate::site::{CompanyEntry, Site};

/// The `@context` of every top-level object.
const CONTEXT: &str = "https://schema.org";

/// JSON-LD for a briefing page: the article and its breadcrumbs.
pub fn briefing(site: &Site, b: &Briefing) -> String {
    let config = &site.config;
    let abs = |url: &str| config.absolute(url);
    let url = abs(&b.url);
    let article = NewsArticle {
        context: CONTEXT,
        kind: "NewsArticle",
        about: b
            .companies
            .iter()
            .map(|c| {
                let entry = site.company(c);
                Organization {
                    kind: "Organization",
                    name: c,
                    same_as: entry.and_then(|e| e.company.homepage.as_deref()),
                    url: entry.map(|e| abs(&e.company.url)),
                }
            })
            .collect(),
        abstract_: b.takeaway.as_deref(),
        author: b
            .authors
            .iter()
            .map(|a| Person {
                kind: "Person",
                name: a,
                url: site.author(a).map(|term| abs(&term.url)),
            })
            .collect(),
        citation: b.sources.iter().map(|s| s.url.as_str()).collect(),
        date_modified: &b.updated.as_ref().unwrap_or(&b.date).view.iso,
        date_published: &b.date.view.iso,
        description: &b.summary,
        headline: &b.title,
        image: [abs(&config.url("logo.png"))],
        in_language: &config.language,
        is_based_on: b
            .sources
            .iter()
            .map(|s| CreativeWork {
                kind: "CreativeWork",
                name: &s.title,
                publisher: s.publisher.as_deref().map(|name| Organization {
                    kind: "Organization",
                    name,
                    same_as: None,
                    url: None,
                }),
                url: &s.url,
            })
            .collect(),
        keywords: b
            .tags
            .iter()
            .chain(&b.companies)
            .map(String::as_str)
            .collect(),
        main_entity_of_page: WebPage {
            id: &url,
            kind: "WebPage",
        },
        publisher: publisher(site),
        url: &url,
        word_count: b.body.word_count,
    };
    let story = b.story.as_deref().and_then(|s| site.story(s));
    let crumbs = match story {
        Some(entry) => breadcrumbs(
            site,
            &[(&entry.story.title, &entry.story.url), (&b.title, &b.url)],
        ),
        None => breadcrumbs(site, &[(&b.title, &b.url)]),
    };
    escape::json_for_script(&(article, crumbs))
}

/// JSON-LD for a company page.
pub fn company(site: &Site, entry: &CompanyEntry) -> String {
    let c = &entry.company;
    let org = CompanyPage {
        context: CONTEXT,
        kind: "Organization",
        alternate_name: &c.aliases,
        description: c.summary.as_deref(),
        name: &c.name,
        same_as: c.homepage.as_slice(),
        url: site.config.absolute(&c.url),
    };
    let companies = site.config.url("companies/");
    let crumbs = breadcrumbs(site, &[("Companies", &companies), (&c.name, &c.url)]);
    escape::json_for_script(&(org, crumbs))
}

/// JSON-LD for the home page.
pub fn website(site: &Site) -> String {
    let config = &site.config;
    escape::json_for_script(&WebSite {
        context: CONTEXT,
        kind: "WebSite",
        description: &config.description,
        in_language: &config.language,
        name: &config.title,
        publisher: publisher(site),
        url: config.absolute(&config.url("")),
    })
}

/// Breadcrumbs for any other page: Home, then the given trail.
pub fn trail(site: &Site, trail: &[(&str, &str)]) -> String {
    escape::json_for_script(&breadcrumbs(site, trail))
}

fn publisher(site: &Site) -> Publisher<'_> {
    let config = &site.config;
    Publisher {
        kind: "Organization",
        logo: ImageObject {
            kind: "ImageObject",
            url: config.absolute(&config.url("logo.png")),
        },
        name: &config.title,
        url: config.absolute(&config.url("")),
    }
}

fn breadcrumbs<'a>(site: &Site, trail: &[(&'a str, &str)]) -> BreadcrumbList<'a> {
    let config = &site.config;
    let home = config.url("");
    let item_list_element = std::iter::once(("Home", home.as_str()))
        .chain(trail.iter().copied())
        .enumerate()
        .map(|(i, (name, url))| ListItem {
            kind: "ListItem",
            item: config.absolute(url),
            name,
            position: i + 1,
        })
        .collect();
    BreadcrumbList {
        context: CONTEXT,
        kind: "BreadcrumbList",
        item_list_element,
    }
}

/// A briefing as a schema.org `NewsArticle`.
#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    /// The companies named, left out when none is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Organization<'a>>,
    #[serde(rename = "abstract", skip_serializing_if = "Option::is_none")]
    abstract_: Option<&'a str>,
    author: Vec<Person<'a>>,
    /// Source URLs, left out (with `isBasedOn`) when there is no source.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<&'a str>,
    #[serde(rename = "dateModified")]
    date_modified: &'a str,
    #[serde(rename = "datePublished")]
    date_published: &'a str,
    description: &'a str,
    headline: &'a str,
    image: [String; 1],
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isBasedOn", skip_serializing_if = "Vec::is_empty")]
    is_based_on: Vec<CreativeWork<'a>>,
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: WebPage<'a>,
    publisher: Publisher<'a>,
    url: &'a str,
    #[serde(rename = "wordCount")]
    word_count: usize,
}

/// An author of a briefing; `url` is the author's page.
#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// A company named in a briefing, or the publisher of a source.
#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// A source a briefing is based on.
#[derive(Serialize)]
struct CreativeWork<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Organization<'a>>,
    url: &'a str,
}

/// The page an article is the main entity of.
#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

/// The site as the publisher of every page.
#[derive(Serialize)]
struct Publisher<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    logo: ImageObject,
    name: &'a str,
    url: String,
}

/// The site's logo.
#[derive(Serialize)]
struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

/// A company page as a top-level `Organization`.
#[derive(Serialize)]
struct CompanyPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "alternateName", skip_serializing_if = "<[String]>::is_empty")]
    alternate_name: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    name: &'a str,
    /// The homepage, as a list of one; left out when there is none.
    #[serde(rename = "sameAs", skip_serializing_if = "<[String]>::is_empty")]
    same_as: &'a [String],
    url: String,
}

/// The home page's `WebSite`.
#[derive(Serialize)]
struct WebSite<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    description: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    name: &'a str,
    publisher: Publisher<'a>,
    url: String,
}

/// A trail of pages from the home page.
#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem<'a>>,
}

/// One step of a breadcrumb trail.
#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a str,
    position: usize,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// JSON-LD text read back and printed again: `serde_json`'s own map
    /// keeps keys in byte order, the order the structs declare.
    fn reprinted(json_ld: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(json_ld).expect("valid JSON");
        escape::json_for_script(&value)
    }

    #[test]
    fn every_object_lists_its_keys_in_byte_order() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/kitchen-sink");
        let options = crate::build::Options {
            drafts: true,
            future: true,
            now: Some("2026-01-01T00:00:00Z".parse().expect("valid timestamp")),
            ..Default::default()
        };
        let site = crate::build::build(&root, &options)
            .expect("the fixture builds")
            .site;
        let mut texts: Vec<String> = site.briefings.iter().map(|b| briefing(&site, b)).collect();
        texts.extend(site.companies.iter().map(|c| company(&site, c)));
        texts.push(website(&site));
        texts.push(trail(&site, &[("Stories <&>", "/sink/stories/")]));
        assert!(texts.iter().any(|t| t.contains("\"isBasedOn\"")));
        assert!(texts.iter().any(|t| t.contains("\"sameAs\"")));
        for text in texts {
            assert_eq!(reprinted(&text), text);
        }
    }
}
