//! For hosts and crawlers: `sitemap.xml` (split behind a sitemap index past
//! 50,000 URLs, the protocol's limit) and `robots.txt`.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::enrich::Briefing;
use crate::escape::{self, Xml};
use crate::render::sink::Hasher;
use crate::render::{OutputFile, Sink};
use crate::site::Site;

/// Most URLs one sitemap file may list.
pub const SITEMAP_LIMIT: usize = 50_000;

/// `sitemap.xml` (and its parts) for every HTML page among `paths` (the
/// build's files, in any order), plus `robots.txt` pointing to it, handed
/// to `sink` unless it holds them made from the same pages, dates and
/// settings.
pub fn render_to(site: &Site, paths: &[String], sink: &dyn Sink) {
    let mut pages: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|path| path.ends_with("index.html"))
        .collect();
    // The pages are listed sorted whatever order they come in.
    pages.sort_unstable();
    let config = &site.config;
    let mut h = Hasher::new(0);
    h.bytes(b"crawlers");
    h.value(&(&config.base_url, &config.base_path, &pages));
    for b in &site.briefings {
        h.value(&(&b.url, iso_date(b)));
    }
    let key = h.finish();
    let key_of = |name: &str| Hasher::new(key).bytes(name.as_bytes()).finish();
    let names = sitemap_names(pages.len()).chain(std::iter::once("robots.txt".to_owned()));
    if names
        .into_iter()
        .all(|name| sink.unchanged(&name, key_of(&name)))
    {
        return;
    }
    for file in crawler_files(site, &pages) {
        let key = key_of(&file.path);
        sink.put(file, key);
    }
}

fn crawler_files(site: &Site, paths: &[&str]) -> Vec<OutputFile> {
    let config = &site.config;
    let lastmod: HashMap<&str, &str> = site
        .briefings
        .iter()
        .map(|b| (b.url.as_str(), iso_date(b)))
        .collect();
    let home = config.url("");
    let newest = site.briefings.first().map(iso_date);
    let mut urls: Vec<(String, Option<String>)> = paths
        .iter()
        .filter_map(|path| path.strip_suffix("index.html"))
        .map(|dir| {
            let url = config.url(dir);
            let modified = if url == home {
                newest
            } else {
                lastmod.get(url.as_str()).copied()
            };
            (config.absolute(&url), modified.map(str::to_owned))
        })
        .collect();
    urls.sort();

    let mut out = sitemaps(&urls, |name| config.absolute(&config.url(name)));
    let sitemap = config.absolute(&config.url("sitemap.xml"));
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n");
    out.push(OutputFile {
        path: "robots.txt".into(),
        bytes: robots.into_bytes(),
    });
    out
}

/// The sitemap files for `count` URLs: `sitemap.xml`, after its numbered
/// parts when there are more than [`SITEMAP_LIMIT`].
fn sitemap_names(count: usize) -> impl Iterator<Item = String> {
    let parts = if count <= SITEMAP_LIMIT {
        0
    } else {
        count.div_ceil(SITEMAP_LIMIT)
    };
    (1..=parts)
        .map(part_name)
        .chain(std::iter::once("sitemap.xml".to_owned()))
}

fn part_name(number: usize) -> String {
    format!("sitemap-{number}.xml")
}

/// `sitemap.xml` for `urls` (absolute, sorted), or, past [`SITEMAP_LIMIT`],
/// numbered parts and a `sitemap.xml` index whose entries `loc_of` makes
/// absolute.
pub fn sitemaps(
    urls: &[(String, Option<String>)],
    loc_of: impl Fn(&str) -> String,
) -> Vec<OutputFile> {
    if urls.len() <= SITEMAP_LIMIT {
        return vec![OutputFile {
            path: "sitemap.xml".into(),
            bytes: urlset(urls).into_bytes(),
        }];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(SITEMAP_LIMIT).enumerate() {
        let name = part_name(i + 1);
        let _ = writeln!(
            index,
            "<sitemap><loc>{}</loc></sitemap>",
            escape::xml(&loc_of(&name))
        );
        out.push(OutputFile {
            path: name,
            bytes: urlset(chunk).into_bytes(),
        });
    }
    index.push_str("</sitemapindex>\n");
    out.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: index.into_bytes(),
    });
    out
}

fn urlset(urls: &[(String, Option<String>)]) -> String {
    let mut xml = String::with_capacity(urls.len() * 96 + 128);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (loc, modified) in urls {
        let _ = write!(xml, "<url><loc>{}</loc>", Xml(loc));
        if let Some(m) = modified {
            let _ = write!(xml, "<lastmod>{m}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// When a briefing last changed, as a W3C date-time with offset, which
/// sitemaps accept.
fn iso_date(b: &Briefing) -> &str {
    &b.updated.as_ref().unwrap_or(&b.date).view.iso
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize) -> Vec<(String, Option<String>)> {
        (0..n)
            .map(|i| (format!("https://example.com/p/{i}/"), None))
            .collect()
    }

    #[test]
    fn small_sites_get_one_urlset() {
        let files = sitemaps(&urls(3), |n| format!("https://example.com/{n}"));
        assert_eq!(files.len(), 1);
        let xml = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert!(xml.contains("<urlset") && xml.matches("<url>").count() == 3);
    }

    #[test]
    fn past_the_limit_an_index_lists_the_parts() {
        let files = sitemaps(&urls(SITEMAP_LIMIT + 1), |n| {
            format!("https://example.com/{n}")
        });
        let names: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]);
        let index = String::from_utf8(files[2].bytes.clone()).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://example.com/sitemap-2.xml</loc>"));
        let second = String::from_utf8(files[1].bytes.clone()).unwrap();
        assert_eq!(second.matches("<url>").count(), 1);
    }

    #[test]
    fn the_names_known_before_match_the_files_made() {
        for n in [
            0,
            3,
            SITEMAP_LIMIT,
            SITEMAP_LIMIT + 1,
            2 * SITEMAP_LIMIT + 1,
        ] {
            let files = sitemaps(&urls(n), |n| n.into());
            let made: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(sitemap_names(n).collect::<Vec<_>>(), made, "{n} URLs");
        }
    }

    #[test]
    fn locations_are_escaped() {
        let files = sitemaps(
            &[(
                "https://e.com/?a=1&b=<2>".into(),
                Some("2025-01-01T00:00:00+00:00".into()),
            )],
            |n| n.into(),
        );
        let xml = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert!(xml.contains("<loc>https://e.com/?a=1&amp;b=&lt;2&gt;</loc><lastmod>2025-01-01T00:00:00+00:00</lastmod>"), "{xml}");
    }
}
