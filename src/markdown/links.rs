//! Link and image adapter: makes every destination safe, points links to
//! other content files at their pages, renders images (lazy loading, alt
//! text kept) and records every target for the link checker.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::content_links::{self, Unresolved};
use super::{ImageRef, LinkKind, LinkRef, LinkResolver, Problem, SpannedEvent, escape, url_safety};

/// Where relative links to content files can be resolved.
pub(crate) enum Targets<'a> {
    /// A body in a content file.
    Site {
        /// The linking file, relative to `content/`.
        content_path: &'a str,
        /// Content file -> URL.
        resolver: &'a dyn LinkResolver,
    },
    /// Text with no file of its own (inline Markdown from front matter):
    /// links to content files are left as written.
    Nowhere,
}

/// Targets seen while rewriting.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Every link and image target, after rewriting.
    pub(crate) links: Vec<LinkRef>,
    /// Every image.
    pub(crate) images: Vec<ImageRef>,
}

/// An image whose inner events (its alt text) are being read.
struct OpenImage {
    src: String,
    title: String,
    alt: String,
    range: Range<usize>,
    /// Tags opened inside the image and not yet closed.
    depth: usize,
}

/// Rewrite link and image destinations in place, and render each image
/// (start, alt text events, end) as one `Event::Html` at the image's range.
pub(crate) fn rewrite(
    events: &mut Vec<SpannedEvent<'_>>,
    targets: &Targets<'_>,
    problems: &mut Vec<Problem>,
) -> Found {
    let mut found = Found::default();
    let mut image: Option<OpenImage> = None;
    events.retain_mut(|(event, range)| {
        if let Some(open) = &mut image {
            if !open.read(event) {
                return false;
            }
            // The image's end: it becomes the whole image.
            if let Some(done) = image.take() {
                *range = done.range.clone();
                *event = Event::Html(image_html(&done.src, &done.alt, &done.title).into());
                found.add_image(done);
            }
            return true;
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let dest = take(dest_url);
                *dest_url = rewrite_target(dest, LinkKind::Link, range, targets, problems);
                let url = match link_type {
                    // The writer adds `mailto:` itself; record what the page holds.
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                found.links.push(LinkRef {
                    url,
                    range: range.clone(),
                    kind: LinkKind::Link,
                });
                true
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let src = rewrite_target(take(dest_url), LinkKind::Image, range, targets, problems);
                image = Some(OpenImage {
                    src: src.to_string(),
                    title: title.to_string(),
                    alt: String::new(),
                    range: range.clone(),
                    depth: 0,
                });
                false
            }
            _ => true,
        }
    });
    found
}

impl OpenImage {
    /// Take in one event from inside the image; `true` at the image's end.
    /// pulldown-cmark builds `alt` the same way: the text of everything
    /// inside, nested images included.
    fn read(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::End(TagEnd::Image) if self.depth == 0 => return true,
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) => self.alt.push_str(text),
            Event::SoftBreak | Event::HardBreak => self.alt.push(' '),
            _ => {}
        }
        false
    }
}

impl Found {
    fn add_image(&mut self, image: OpenImage) {
        self.links.push(LinkRef {
            url: image.src.clone(),
            range: image.range.clone(),
            kind: LinkKind::Image,
        });
        self.images.push(ImageRef {
            src: image.src,
            alt: image.alt,
            range: image.range,
        });
    }
}

/// Move a string out of an event, leaving an empty one.
fn take<'e>(text: &mut CowStr<'e>) -> CowStr<'e> {
    std::mem::replace(text, CowStr::Borrowed(""))
}

/// The destination to put in the page: `#` for an unsafe URL or a content
/// link with no target (each recorded as a problem), the target's URL for a
/// content link, otherwise `dest` unchanged.
fn rewrite_target<'e>(
    dest: CowStr<'e>,
    kind: LinkKind,
    range: &Range<usize>,
    targets: &Targets<'_>,
    problems: &mut Vec<Problem>,
) -> CowStr<'e> {
    let noun = match kind {
        LinkKind::Link => "link",
        LinkKind::Image => "image",
    };
    let mut problem = |message: String, warning: bool| {
        problems.push(Problem {
            range: range.clone(),
            warning,
            message,
        });
        CowStr::Borrowed("#")
    };
    if let Some(scheme) = url_safety::dangerous_scheme(&dest) {
        // The page is safe without it: tell the author, but keep building.
        return problem(
            format!(
                "{noun} with a `{scheme}:` URL removed: `{}`",
                shorten(&dest)
            ),
            true,
        );
    }
    let Targets::Site {
        content_path,
        resolver,
    } = targets
    else {
        return dest;
    };
    let Some(link) = content_links::parse(&dest) else {
        return dest;
    };
    match content_links::resolve(content_path, &link.path) {
        Ok(path) => match resolver.resolve(&path) {
            Some(url) => CowStr::from(format!("{url}{}", link.suffix)),
            None => problem(
                format!("{noun} to a content file that does not exist: `{dest}`"),
                false,
            ),
        },
        Err(Unresolved::AboveRoot) => problem(
            format!("{noun} goes above the content folder: `{dest}`"),
            false,
        ),
    }
}

/// At most 80 characters of `text`, for messages about long URLs.
fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `<img>` with lazy loading: images in an article are mostly below the fold.
fn image_html(src: &str, alt: &str, title: &str) -> String {
    let mut html = format!(
        r#"<img src="{}" alt="{}""#,
        escape::href(src),
        escape::html(alt)
    );
    if !title.is_empty() {
        html.push_str(&format!(r#" title="{}""#, escape::html(title)));
    }
    html.push_str(r#" loading="lazy" />"#);
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};

    struct Files;

    impl LinkResolver for Files {
        fn resolve(&self, path: &str) -> Option<String> {
            match path {
                "2025/other.md" => Some("/b/briefings/other/".into()),
                "pages/about.md" => Some("/b/about/".into()),
                _ => None,
            }
        }
    }

    /// Rewrite `body` as `2025/a.md`; the HTML, the targets and the problems.
    fn run(body: &str) -> (String, Found, Vec<Problem>) {
        let targets = Targets::Site {
            content_path: "2025/a.md",
            resolver: &Files,
        };
        let mut problems = Vec::new();
        let mut events = parse(body, &Options::default());
        let found = rewrite(&mut events, &targets, &mut problems);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        (html, found, problems)
    }

    #[test]
    fn content_links_resolve_with_their_fragment() {
        let (html, found, problems) =
            run("[same](other.md) [up](../pages/about.md#team) [dot](./other.md?x#y)");
        assert_eq!(
            html,
            "<p><a href=\"/b/briefings/other/\">same</a> \
             <a href=\"/b/about/#team\">up</a> \
             <a href=\"/b/briefings/other/?x#y\">dot</a></p>\n"
        );
        let urls: Vec<_> = found.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "/b/briefings/other/",
                "/b/about/#team",
                "/b/briefings/other/?x#y"
            ]
        );
        assert_eq!(found.links[1].range, 17..45);
        assert!(problems.is_empty());
    }

    #[test]
    fn percent_encoded_names_resolve() {
        let (html, _, _) = run("[x](%6Fther.md)");
        assert_eq!(html, "<p><a href=\"/b/briefings/other/\">x</a></p>\n");
    }

    #[test]
    fn missing_content_file_is_a_problem_at_the_link() {
        let (html, found, problems) = run("See [this](../x.md).");
        assert_eq!(html, "<p>See <a href=\"#\">this</a>.</p>\n");
        assert_eq!(found.links[0].url, "#");
        assert_eq!(
            problems,
            [Problem {
                range: 4..19,
                warning: false,
                message: "link to a content file that does not exist: `../x.md`".into()
            }]
        );
    }

    #[test]
    fn climbing_above_content_is_a_problem() {
        let (html, _, problems) = run("[x](../../etc/passwd.md)");
        assert_eq!(html, "<p><a href=\"#\">x</a></p>\n");
        assert_eq!(
            problems[0].message,
            "link goes above the content folder: `../../etc/passwd.md`"
        );
        assert_eq!(problems[0].range, 0..24);
    }

    #[test]
    fn external_and_anchor_links_are_untouched() {
        let (html, found, problems) =
            run("[a](https://example.com/x.md) [b](#part) [c](/abs.md) <me@example.com>");
        assert_eq!(
            html,
            "<p><a href=\"https://example.com/x.md\">a</a> <a href=\"#part\">b</a> \
             <a href=\"/abs.md\">c</a> <a href=\"mailto:me@example.com\">me@example.com</a></p>\n"
        );
        assert_eq!(found.links[3].url, "mailto:me@example.com");
        assert!(problems.is_empty());
    }

    #[test]
    fn dangerous_links_and_images_become_hash() {
        let (html, found, problems) = run(
            "[a](javascript:alert(1)) ![i](data:image/png;base64,AAAA) <vbscript:x> \
             [r][ref]\n\n[ref]: &#x6A;avascript:alert(1)",
        );
        assert_eq!(
            html,
            "<p><a href=\"#\">a</a> <img src=\"#\" alt=\"i\" loading=\"lazy\" /> \
             <a href=\"#\">vbscript:x</a> <a href=\"#\">r</a></p>\n"
        );
        assert!(found.links.iter().all(|link| link.url == "#"));
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "link with a `javascript:` URL removed: `javascript:alert(1)`",
                "image with a `data:` URL removed: `data:image/png;base64,AAAA`",
                "link with a `vbscript:` URL removed: `vbscript:x`",
                "link with a `javascript:` URL removed: `javascript:alert(1)`",
            ]
        );
    }

    #[test]
    fn images_are_lazy_and_keep_alt_and_title() {
        let (html, found, _) = run("![A *chart* of `x`](chart.png \"Q3 \\\"up\\\"\") ![](b.png)");
        assert_eq!(
            html,
            "<p><img src=\"chart.png\" alt=\"A chart of x\" title=\"Q3 &quot;up&quot;\" \
             loading=\"lazy\" /> <img src=\"b.png\" alt=\"\" loading=\"lazy\" /></p>\n"
        );
        assert_eq!(found.images[0].alt, "A chart of x");
        assert_eq!(found.images[1].alt, "");
        assert_eq!(found.images[1].range, 43..53);
        assert_eq!(found.links[1].kind, LinkKind::Image);
    }

    #[test]
    fn image_inside_link_and_content_image() {
        let (html, _, problems) = run("[![logo](l.png)](other.md)");
        assert_eq!(
            html,
            "<p><a href=\"/b/briefings/other/\"><img src=\"l.png\" alt=\"logo\" \
             loading=\"lazy\" /></a></p>\n"
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn without_a_site_content_links_stay() {
        let mut problems = Vec::new();
        let mut events = parse("[x](other.md) [y](javascript:x)", &Options::default());
        rewrite(&mut events, &Targets::Nowhere, &mut problems);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        assert_eq!(
            html,
            "<p><a href=\"other.md\">x</a> <a href=\"#\">y</a></p>\n"
        );
    }

    #[test]
    fn long_urls_are_shortened_in_messages() {
        let url = format!("data:{}", "A".repeat(200));
        assert_eq!(shorten(&url).chars().count(), 81);
    }
}
