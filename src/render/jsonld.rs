//! schema.org structured data as JSON-LD: `NewsArticle` on briefings,
//! `Organization` on company pages, `WebSite` on the home page, and a
//! `BreadcrumbList` on every page below the home page. The result is JSON
//! escaped for a `<script>` element ([`escape::json_for_script`]).

use serde_json::{Value, json};

use crate::enrich::Briefing;
use crate::escape;
use crate::site::{CompanyEntry, Site};

/// JSON-LD for a briefing page: the article and its breadcrumbs.
pub fn briefing(site: &Site, b: &Briefing) -> String {
    let config = &site.config;
    let abs = |url: &str| config.absolute(url);
    let url = abs(&b.url);
    let authors: Vec<Value> = b
        .authors
        .iter()
        .map(|a| {
            let mut person = json!({ "@type": "Person", "name": a });
            if let Some(term) = site.author(a) {
                person["url"] = json!(abs(&term.url));
            }
            person
        })
        .collect();
    let sources: Vec<Value> = b
        .sources
        .iter()
        .map(|s| {
            let mut work = json!({ "@type": "CreativeWork", "url": s.url, "name": s.title });
            if let Some(p) = &s.publisher {
                work["publisher"] = json!({ "@type": "Organization", "name": p });
            }
            work
        })
        .collect();
    let about: Vec<Value> = b
        .companies
        .iter()
        .map(|c| {
            let mut org = json!({ "@type": "Organization", "name": c });
            if let Some(entry) = site.company(c) {
                org["url"] = json!(abs(&entry.company.url));
                if let Some(home) = &entry.company.homepage {
                    org["sameAs"] = json!(home);
                }
            }
            org
        })
        .collect();
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": b.title,
        "description": b.summary,
        "datePublished": b.date.view.iso,
        "dateModified": b.updated.as_ref().unwrap_or(&b.date).view.iso,
        "author": authors,
        "publisher": publisher(site),
        "image": [config.absolute(&config.url("logo.png"))],
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "url": url,
        "wordCount": b.body.word_count,
        "inLanguage": config.language,
        "keywords": b.tags.iter().chain(&b.companies).cloned().collect::<Vec<_>>(),
    });
    if !sources.is_empty() {
        article["isBasedOn"] = json!(sources);
        article["citation"] = json!(b.sources.iter().map(|s| s.url.clone()).collect::<Vec<_>>());
    }
    if !about.is_empty() {
        article["about"] = json!(about);
    }
    if let Some(t) = &b.takeaway {
        article["abstract"] = json!(t);
    }
    let story = b.story.as_deref().and_then(|s| site.story(s));
    let crumbs = match story {
        Some(entry) => breadcrumbs(
            site,
            &[(&entry.story.title, &entry.story.url), (&b.title, &b.url)],
        ),
        None => breadcrumbs(site, &[(&b.title, &b.url)]),
    };
    escape::json_for_script(&json!([article, crumbs]))
}

/// JSON-LD for a company page.
pub fn company(site: &Site, entry: &CompanyEntry) -> String {
    let c = &entry.company;
    let mut org = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": c.name,
        "url": site.config.absolute(&c.url),
    });
    if let Some(home) = &c.homepage {
        org["sameAs"] = json!([home]);
    }
    if !c.aliases.is_empty() {
        org["alternateName"] = json!(c.aliases);
    }
    if let Some(s) = &c.summary {
        org["description"] = json!(s);
    }
    let companies = site.config.url("companies/");
    let crumbs = breadcrumbs(site, &[("Companies", &companies), (&c.name, &c.url)]);
    escape::json_for_script(&json!([org, crumbs]))
}

/// JSON-LD for the home page.
pub fn website(site: &Site) -> String {
    let config = &site.config;
    escape::json_for_script(&json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "description": config.description,
        "url": config.absolute(&config.url("")),
        "inLanguage": config.language,
        "publisher": publisher(site),
    }))
}

/// Breadcrumbs for any other page: Home, then the given trail.
pub fn trail(site: &Site, trail: &[(&str, &str)]) -> String {
    escape::json_for_script(&breadcrumbs(site, trail))
}

fn publisher(site: &Site) -> Value {
    let config = &site.config;
    json!({
        "@type": "Organization",
        "name": config.title,
        "url": config.absolute(&config.url("")),
        "logo": { "@type": "ImageObject", "url": config.absolute(&config.url("logo.png")) },
    })
}

fn breadcrumbs(site: &Site, trail: &[(&str, &str)]) -> Value {
    let config = &site.config;
    let home = config.url("");
    let items: Vec<Value> = std::iter::once(("Home", home.as_str()))
        .chain(trail.iter().copied())
        .enumerate()
        .map(|(i, (name, url))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": config.absolute(url) })
        })
        .collect();
    json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items })
}
