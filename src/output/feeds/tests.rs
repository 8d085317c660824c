//! Tests of the feeds: root-relative links made absolute, and a JSON feed
//! assembled from shared pieces printing the same bytes as one printed
//! whole.

use super::*;

#[test]
fn root_links_get_the_origin_and_nothing_else_changes() {
    let origin = "https://example.com";
    for html in [
        "",
        "plain text",
        r#"<a href="/a/">x</a><img src="/i.png"><a href="https://other/">y</a>"#,
        r#"<a href="/">"#,
        r#"href="/"#,
        r#"src="/src="/href="/"#,
        r#"<a data-href="/x" xsrc="/y" href='/z' href ="/w">"#,
        r#"<a title="=&quot;/" hre="/ sr="/ f="/">"#,
        "é href=\"/ü\" 日本 src=\"//cdn/\"",
    ] {
        let expected = html
            .replace("href=\"/", &format!("href=\"{origin}/"))
            .replace("src=\"/", &format!("src=\"{origin}/"));
        assert_eq!(prefix_root_links(html, origin), expected, "{html}");
    }
}

fn item<'a>(n: usize, authors: Vec<JsonAuthor<'a>>, tags: Vec<&'a str>) -> JsonItem<'a> {
    JsonItem {
        id: format!("https://example.com/b/{n}/"),
        url: format!("https://example.com/b/{n}/"),
        external_url: (n % 2 == 0).then_some("https://source.example/"),
        title: "A \"title\"\nwith a line break",
        summary: "Summary",
        content_html: (n % 2 == 1).then(|| "<p>Body\n</p>".to_owned()),
        content_text: (n % 2 == 0).then_some("Summary"),
        date_published: "2025-01-01T00:00:00Z".to_owned(),
        date_modified: "2025-01-02T00:00:00Z".to_owned(),
        authors,
        tags,
    }
}

/// The whole feed as one value, the way it would be printed without
/// the per-entry pieces.
#[derive(Serialize)]
struct Whole<'a> {
    #[serde(flatten)]
    head: &'a JsonHead<'a>,
    items: Vec<JsonItem<'a>>,
}

#[test]
fn a_json_feed_from_pieces_equals_the_feed_printed_whole() {
    let head = JsonHead {
        version: "https://jsonfeed.org/version/1.1",
        title: "Site: tag",
        home_page_url: "https://example.com/tags/t/".to_owned(),
        feed_url: "https://example.com/tags/t/feed.json".to_owned(),
        description: "",
        language: "en",
    };
    let ada = Some("https://example.com/authors/ada/".to_owned());
    let authors = vec![
        JsonAuthor {
            name: "Ada",
            url: ada,
        },
        JsonAuthor {
            name: "Bo",
            url: None,
        },
    ];
    let lists: [Vec<JsonItem<'_>>; 3] = [
        Vec::new(),
        vec![item(1, Vec::new(), Vec::new())],
        vec![
            item(2, authors, vec!["ai", "Acme"]),
            item(3, Vec::new(), vec!["ai"]),
            item(4, Vec::new(), Vec::new()),
        ],
    ];
    for items in lists {
        let pieces: Vec<String> = items
            .iter()
            .map(|i| indent(&serde_json::to_string_pretty(i).unwrap()))
            .collect();
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        let spliced = json_feed(&head, &pieces);
        let whole = Whole { head: &head, items };
        let mut expected = serde_json::to_string_pretty(&whole).unwrap();
        expected.push('\n');
        assert_eq!(spliced, expected);
    }
}
