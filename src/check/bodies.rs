//! What there is to check: every published page that has a Markdown body,
//! with its links and images placed in the source file.
//!
//! Briefings and pages keep their [`Rendered`] body. Company profiles and
//! story intros keep only their HTML, and the key points a briefing took
//! from its body are cut out of that body: for those, the Markdown is
//! rendered again here, with the same renderer and the URLs of the
//! published files, so that every link has its position in the source.

use std::collections::HashMap;
use std::ops::Range;

use crate::enrich::extract::{self, Wanted};
use crate::enrich::{Briefing, Origin, parsed_body};
use crate::markdown::{self, LinkKind, RenderInput, Rendered};
use crate::site::Site;

use super::links::attribute_values;

/// A published page with a body.
pub struct Body<'s> {
    /// The source file.
    pub origin: &'s Origin,
    /// The page's site-relative URL.
    pub url: &'s str,
    /// Ids the body defines (headings, footnotes).
    pub ids: Vec<String>,
    /// Every link and image target, as it appears in the page.
    pub links: Vec<Link>,
    /// Every image.
    pub images: Vec<Image>,
    /// Links to content files that exist but are not published (drafts,
    /// future-dated briefings), by their span in the file.
    pub unpublished: Vec<Range<usize>>,
}

/// A link target and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target as it appears in the page (content links resolved).
    pub url: String,
    /// Byte span in the source file.
    pub span: Range<usize>,
    /// An image's `src` rather than a link's `href`.
    pub image: bool,
}

/// An image and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The alt text; empty when the author wrote none.
    pub alt: String,
    /// Byte span in the source file.
    pub span: Range<usize>,
}

/// Every published page with a body, in site order.
pub fn collect(site: &Site) -> Vec<Body<'_>> {
    let again = Rerender::new(site);
    let mut bodies = Vec::new();
    for b in &site.briefings {
        let mut body = Body::from_rendered(&b.origin, &b.url, &b.body);
        key_point_links(b, &again, &mut body);
        bodies.push(body);
    }
    for p in &site.pages {
        bodies.push(Body::from_rendered(&p.origin, &p.url, &p.body));
    }
    let companies = site
        .companies
        .iter()
        .filter_map(|c| Some((c.company.origin.as_ref()?, c.company.url.as_str())));
    let stories = site
        .stories
        .iter()
        .map(|s| (&s.story.origin, s.story.url.as_str()));
    for (origin, url) in companies.chain(stories) {
        let Some(rendered) = again.render(origin) else {
            continue;
        };
        let mut body = Body::from_rendered(origin, url, &rendered);
        body.unpublished = unpublished(origin, &rendered, |_| true);
        bodies.push(body);
    }
    bodies
}

impl<'s> Body<'s> {
    fn from_rendered(origin: &'s Origin, url: &'s str, rendered: &Rendered) -> Self {
        let at =
            |range: &Range<usize>| range.start + origin.body_offset..range.end + origin.body_offset;
        Body {
            origin,
            url,
            ids: rendered.heading_ids.clone(),
            links: rendered
                .links
                .iter()
                .map(|l| Link {
                    url: l.url.clone(),
                    span: at(&l.range),
                    image: l.kind == LinkKind::Image,
                })
                .collect(),
            images: rendered
                .images
                .iter()
                .map(|i| Image {
                    alt: i.alt.clone(),
                    span: at(&i.range),
                })
                .collect(),
            unpublished: Vec::new(),
        }
    }
}

/// Adds the links of a briefing's key points. Written in front matter, they
/// are placed at the `key_points` key; taken from the body, at the list item
/// they were written in.
fn key_point_links(b: &Briefing, again: &Rerender<'_>, body: &mut Body<'_>) {
    if !b.key_points.iter().any(|k| k.html.contains("href=")) {
        return;
    }
    if let Some(span) = b.origin.spans.get("key_points") {
        for point in &b.key_points {
            body.links.extend(
                attribute_values(&point.html, "href")
                    .into_iter()
                    .map(|url| Link {
                        url,
                        span: span.clone(),
                        image: false,
                    }),
            );
        }
        return;
    }
    let text = parsed_body(&b.origin);
    let events = markdown::parse(text, &again.options);
    let wanted = Wanted {
        key_points: true,
        takeaway: false,
        source: false,
        author: false,
    };
    let items: Vec<Range<usize>> = extract::extract(&events, text, wanted)
        .key_points
        .into_iter()
        .map(|(_, range)| range)
        .collect();
    let inside = |range: &Range<usize>| {
        items
            .iter()
            .any(|item| item.start <= range.start && range.end <= item.end)
    };
    let Some(rendered) = again.render(&b.origin) else {
        return;
    };
    let offset = b.origin.body_offset;
    body.links.extend(
        rendered
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Link && inside(&l.range))
            .map(|l| Link {
                url: l.url.clone(),
                span: l.range.start + offset..l.range.end + offset,
                image: false,
            }),
    );
    body.unpublished = unpublished(&b.origin, &rendered, inside);
}

/// Renders bodies again, resolving content links to the published pages.
struct Rerender<'s> {
    options: markdown::Options,
    /// Published content files (path below `content/`) and their URLs.
    urls: HashMap<&'s str, &'s str>,
}

impl<'s> Rerender<'s> {
    fn new(site: &'s Site) -> Self {
        let briefings = site.briefings.iter().map(|b| (&b.origin, b.url.as_str()));
        let pages = site.pages.iter().map(|p| (&p.origin, p.url.as_str()));
        let companies = site.companies.iter().filter_map(|c| {
            let origin = c.company.origin.as_ref()?;
            Some((origin, c.company.url.as_str()))
        });
        let stories = site
            .stories
            .iter()
            .map(|s| (&s.story.origin, s.story.url.as_str()));
        let urls = briefings
            .chain(pages)
            .chain(companies)
            .chain(stories)
            .map(|(origin, url)| (origin.file.content_path.as_str(), url))
            .collect();
        Rerender {
            options: markdown::Options {
                smart_punctuation: site.config.markdown.smart_punctuation,
                unsafe_html: site.config.markdown.unsafe_html,
            },
            urls,
        }
    }

    /// The whole body of `origin`, rendered as the build renders it;
    /// `None` when it has no link or image, which is most company profiles
    /// and story intros: they then cost a parse, not a render.
    fn render(&self, origin: &Origin) -> Option<Rendered> {
        let events = markdown::parse(parsed_body(origin), &self.options);
        let has_targets = events.iter().any(|(event, _)| {
            matches!(
                event,
                pulldown_cmark::Event::Start(
                    pulldown_cmark::Tag::Link { .. } | pulldown_cmark::Tag::Image { .. }
                )
            )
        });
        if !has_targets {
            return None;
        }
        let resolve = |path: &str| self.urls.get(path).map(|url| (*url).to_owned());
        Some(markdown::render(RenderInput {
            events,
            content_path: &origin.file.content_path,
            resolver: &resolve,
            highlighter: crate::build::highlighter(),
            options: &self.options,
        }))
    }
}

/// Spans of the content links of a re-rendered body that found no published
/// file. The build resolved them (else it would have failed), so their file
/// exists and is held back.
fn unpublished(
    origin: &Origin,
    rendered: &Rendered,
    keep: impl Fn(&Range<usize>) -> bool,
) -> Vec<Range<usize>> {
    let offset = origin.body_offset;
    rendered
        .problems
        .iter()
        .filter(|p| !p.warning && keep(&p.range))
        .map(|p| p.range.start + offset..p.range.end + offset)
        .collect()
}
