//! End-to-end tests of the authoring commands: `briefing init` (a new site
//! that builds at once) and `briefing new` (a draft briefing with its front
//! matter and a body skeleton).

mod harness;

use std::path::Path;

use harness::{Run, TestSite, main_of, tree};

const EXAMPLE: &str = "example-labs-opens-its-model-to-outside-developers";

/// A site made by `briefing init` in the test's temporary folder.
fn init_site(extra: &[&str]) -> TestSite {
    let site = TestSite::empty();
    let dir = site.root().to_str().expect("UTF-8 temp path").to_owned();
    let mut args = vec!["init", dir.as_str()];
    args.extend_from_slice(extra);
    let run = site.run(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    site
}

/// The front matter of a file written by `new`, parsed as TOML, and its body.
fn front_matter(text: &str) -> (toml::Table, &str) {
    let rest = text.strip_prefix("+++\n").expect("starts with +++");
    let end = rest.find("\n+++\n").expect("a closing +++ line");
    let table = rest[..end].parse::<toml::Table>().expect("valid TOML");
    (table, &rest[end + "\n+++\n".len()..])
}

fn strings(value: &toml::Value) -> Vec<&str> {
    let array = value.as_array().expect("an array");
    array.iter().map(|v| v.as_str().expect("strings")).collect()
}

/// Runs `new` and returns the run and the text of the file it printed.
fn new_briefing(site: &TestSite, args: &[&str]) -> (Run, String) {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let rel = run.stdout.trim_end();
    let text =
        std::fs::read_to_string(site.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (run, text)
}

fn today_utc() -> String {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%d")
        .to_string()
}

#[test]
fn an_initialised_site_builds_and_checks_without_a_word() {
    let before = today_utc();
    let site = init_site(&[]);
    let after = today_utc();
    for file in [
        "briefing.toml",
        ".gitignore",
        "content/companies/example-labs.md",
        "content/stories/example-labs.md",
        "content/pages/about.md",
    ] {
        assert!(site.root().join(file).is_file(), "missing {file}");
    }
    let gitignore = std::fs::read_to_string(site.root().join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/public"));

    // The example is dated the day of init, in the site's zone (UTC).
    let year = &before[..4];
    let example = format!("content/{year}/{EXAMPLE}.md");
    let text = std::fs::read_to_string(site.root().join(&example)).unwrap();
    let (matter, _) = front_matter(&text);
    let date = matter["date"]
        .as_datetime()
        .expect("a TOML date")
        .to_string();
    assert!(date == before || date == after, "{date}");

    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert_eq!(build.stderr, "", "a new site builds without warnings");
    assert!(
        build.stdout.contains("Built 1 briefing"),
        "{}",
        build.stdout
    );
    for page in [
        "companies/example-labs/index.html",
        "stories/example-labs/index.html",
        "about/index.html",
    ] {
        assert!(site.root().join("public").join(page).is_file(), "{page}");
    }

    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("no problems found"),
        "{}",
        check.stdout
    );
}

#[test]
fn the_example_briefing_shows_its_key_points_and_takeaway() {
    let site = init_site(&[]);
    assert_eq!(site.run(&["build"]).status, 0);
    let html = site.output(&format!("briefings/{EXAMPLE}/index.html"));
    let main = main_of(&html);
    assert!(main.contains("class=\"key-points\""), "{main}");
    for label in ["Open access:", "Pay per use:", "The same model:"] {
        assert!(
            main.contains(&format!("<strong class=\"point-label\">{label}</strong>")),
            "key point {label} missing: {main}"
        );
    }
    assert!(main.contains("class=\"takeaway\""), "{main}");
    assert!(main.contains("Developers can now build on Example Labs"));
    assert!(main.contains("href=\"https://example.com/news/model-access\""));
    assert!(main.contains("href=\"/companies/example-labs/\""));
    assert!(main.contains("href=\"/stories/example-labs/\""));
    // The explanatory comment is for the author, not the reader.
    assert!(!main.contains("briefing init"), "{main}");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let site = TestSite::empty();
    site.write("notes.txt", "mine\n");
    let before = tree(site.root());
    let dir = site.root().to_str().unwrap();
    let run = site.run(&["init", dir]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert_eq!(tree(site.root()), before, "nothing was written");

    let file = site.root().join("notes.txt");
    let run = site.run(&["init", file.to_str().unwrap()]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("not a folder"), "{}", run.stderr);
}

#[test]
fn init_creates_missing_folders_and_accepts_a_fresh_git_repository() {
    let site = TestSite::empty();
    let nested = site.root().join("a/b");
    let run = site.run(&["init", nested.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(nested.join("briefing.toml").is_file());
    assert!(run.stdout.contains("briefing build"), "{}", run.stdout);
    assert!(run.stdout.contains("briefing new"), "{}", run.stdout);

    let repo = site.root().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let run = site.run(&["init", repo.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(repo.join("briefing.toml").is_file());
}

#[test]
fn init_with_theme_writes_the_theme_and_still_builds() {
    let site = init_site(&["--with-theme"]);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "templates/base.html",
        "templates/partials/card.html",
        "templates/new/briefing.md",
        "static/style.css",
    ] {
        let written = std::fs::read(site.root().join(file))
            .unwrap_or_else(|e| panic!("{file} was not written: {e}"));
        assert_eq!(written, std::fs::read(repo.join(file)).unwrap(), "{file}");
    }
    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert_eq!(build.stderr, "");
    // An edited copy is the one the build uses.
    let base = site.root().join("templates/base.html");
    let edited = std::fs::read_to_string(&base)
        .unwrap()
        .replace("</body>", "<!-- edited theme --></body>");
    std::fs::write(&base, edited).unwrap();
    assert_eq!(site.run(&["build"]).status, 0);
    assert!(site.output("index.html").contains("<!-- edited theme -->"));
}

/// Lists print cards with `card_html`, from the site's own
/// `partials/card.html` when it has one; a list that includes the partial
/// as themes did before still works; a card that fails is reported at its
/// line in the partial.
#[test]
fn a_site_card_partial_reaches_every_list_and_its_errors_its_own_line() {
    let site = init_site(&[]);
    site.write(
        "templates/partials/card.html",
        "<article class=\"mine\"><{{ card_heading }}>{{ card.title }}</{{ card_heading }}>{% if lead %} lead{% endif %}</article>\n",
    );
    let tag = "{% extends \"base.html\" %}{% block content %}{% for card in briefings %}{% set card_heading = \"h4\" %}{% include \"partials/card.html\" %}{% endfor %}{% endblock content %}\n";
    site.write("templates/tag.html", tag);
    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    let title = "Example Labs opens its model to outside developers";
    assert!(
        site.output("index.html").contains(&format!(
            "<article class=\"mine\"><h2>{title}</h2> lead</article>"
        )),
        "{}",
        site.output("index.html")
    );
    let company = site.output("companies/example-labs/index.html");
    assert!(
        company.contains(&format!(
            "<article class=\"mine\"><h3>{title}</h3></article>"
        )),
        "{company}"
    );
    let tags = std::fs::read_dir(site.root().join("public/tags")).unwrap();
    let tag_page = tags
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("index.html"))
        .find(|p| p.is_file())
        .expect("a tag page");
    let tag_page = std::fs::read_to_string(tag_page).unwrap();
    assert!(
        tag_page.contains(&format!(
            "<article class=\"mine\"><h4>{title}</h4></article>"
        )),
        "{tag_page}"
    );

    site.write(
        "templates/partials/card.html",
        "<article>{{ card.title }}\n{{ card.nope.deeper }}</article>\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("templates/partials/card.html:2:9: error: template error: Field `nope`"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_writes_every_flag_into_front_matter() {
    let site = init_site(&[]);
    let (run, text) = new_briefing(
        &site,
        &[
            "Acme ships a smaller model",
            "--author",
            "Jane Roe",
            "--source",
            "https://example.com/acme/small-model",
            "--tag",
            "models",
            "--tag",
            "open weights",
            "--company",
            "Acme",
            "--company",
            "Example Labs",
            "--story",
            "example-labs",
            "--date",
            "2025-03-04",
            "--slug",
            "acme-small",
        ],
    );
    assert_eq!(run.stdout, "content/2025/acme-small.md\n");
    assert_eq!(run.stderr, "");
    let (matter, body) = front_matter(&text);
    assert_eq!(matter["title"].as_str(), Some("Acme ships a smaller model"));
    assert_eq!(
        matter["date"].as_datetime().unwrap().to_string(),
        "2025-03-04"
    );
    assert_eq!(matter["author"].as_str(), Some("Jane Roe"));
    assert_eq!(
        matter["source"].as_str(),
        Some("https://example.com/acme/small-model")
    );
    assert_eq!(strings(&matter["tags"]), ["models", "open weights"]);
    assert_eq!(strings(&matter["companies"]), ["Acme", "Example Labs"]);
    assert_eq!(matter["story"].as_str(), Some("example-labs"));
    assert_eq!(matter["slug"].as_str(), Some("acme-small"));
    assert_eq!(matter["draft"].as_bool(), Some(true));
    for part in [
        "## What changed",
        "- **Label:**",
        "## Why it happened",
        "## What it means",
        "In simple terms,",
    ] {
        assert!(body.contains(part), "skeleton lacks {part}: {body}");
    }
}

#[test]
fn new_defaults_to_now_and_the_configured_author() {
    let site = init_site(&[]);
    let (run, text) = new_briefing(&site, &["Plain title"]);
    let year = &today_utc()[..4];
    assert_eq!(run.stdout, format!("content/{year}/plain-title.md\n"));
    let (matter, _) = front_matter(&text);
    // Now, as an RFC 3339 date-time with the site's offset.
    let date = matter["date"].as_datetime().unwrap().to_string();
    assert!(date.starts_with(&today_utc()[..4]), "{date}");
    assert!(date.ends_with("+00:00"), "{date}");
    assert_eq!(matter["author"].as_str(), Some("Briefing Desk"));
    for absent in ["source", "tags", "companies", "story", "slug"] {
        assert!(!matter.contains_key(absent), "{absent} written: {text}");
    }
    // A fresh draft builds with --drafts and is held back without.
    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert!(
        build.stdout.contains("1 draft held back"),
        "{}",
        build.stdout
    );
    let build = site.run(&["build", "--drafts"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert!(
        site.root()
            .join("public/briefings/plain-title/index.html")
            .is_file()
    );
}

#[test]
fn a_hostile_title_stays_inside_the_front_matter() {
    let site = init_site(&[]);
    let title = "Quotes \" and \n newline +++";
    let (run, text) = new_briefing(&site, &[title]);
    let rel = run.stdout.trim_end();
    let (matter, _) = front_matter(&text);
    // Line breaks become spaces: a front-matter value is one line.
    assert_eq!(matter["title"].as_str(), Some("Quotes \" and newline +++"));
    assert_eq!(text.lines().filter(|l| l.trim() == "+++").count(), 2);

    let build = site.run(&["build", "--drafts"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    let slug = rel.rsplit('/').next().unwrap().trim_end_matches(".md");
    let html = site.output(&format!("briefings/{slug}/index.html"));
    assert!(main_of(&html).contains("Quotes &quot; and newline +++"));

    // Published once `draft` is removed.
    let path = site.root().join(rel);
    let published = text.replace("draft = true\n", "");
    std::fs::write(&path, published).unwrap();
    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert!(
        build.stdout.contains("Built 2 briefings"),
        "{}",
        build.stdout
    );
}

#[test]
fn new_never_overwrites() {
    let site = init_site(&[]);
    let (run, _) = new_briefing(&site, &["Same title", "--date", "2025-01-02"]);
    let path = site.root().join(run.stdout.trim_end());
    std::fs::write(&path, "my work\n").unwrap();
    let again = site.run(&["new", "Same title", "--date", "2025-01-02"]);
    assert_eq!(again.status, 2);
    assert_eq!(again.stdout, "");
    assert!(
        again.stderr.contains("content/2025/same-title.md") && again.stderr.contains("exists"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my work\n");
}

#[test]
fn new_follows_a_custom_path_pattern_in_the_site_zone() {
    let site = TestSite::empty();
    site.write(
        "briefing.toml",
        "timezone = \"UTC\"\n\n[new]\npath = \"desk/{year}/{month}/{day}-{slug}.md\"\n",
    );
    std::fs::create_dir_all(site.root().join("content")).unwrap();
    // 20:00 in New York is the next day in UTC, the site's zone.
    let (run, text) = new_briefing(
        &site,
        &["Hello world", "--date", "2031-02-03T20:00:00-05:00"],
    );
    assert_eq!(run.stdout, "content/desk/2031/02/04-hello-world.md\n");
    let (matter, _) = front_matter(&text);
    let date = matter["date"].as_datetime().unwrap().to_string();
    assert_eq!(date, "2031-02-03T20:00:00-05:00", "kept as written");
    assert!(!matter.contains_key("author"), "no author anywhere: {text}");
}

#[test]
fn path_patterns_that_leave_content_are_refused() {
    for pattern in [
        "../x/{slug}.md",
        "/tmp/{slug}.md",
        "{year}/../../{slug}.md",
        "{slug}.txt",
        "pages/{slug}.md",
        "{slug}/{title}.md",
    ] {
        let site = TestSite::empty();
        site.write(
            "briefing.toml",
            &format!("[new]\npath = {}\n", toml::Value::from(pattern)),
        );
        site.write("content/.keep", "");
        let before = tree(site.root());
        let run = site.run(&["new", "Escape attempt"]);
        assert_eq!(run.status, 1, "{pattern}: {}", run.stderr);
        assert!(
            run.stderr.contains("briefing.toml:2:") && run.stderr.contains("[new] path"),
            "{pattern}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
        assert_eq!(tree(site.root()), before, "{pattern}: nothing written");
        assert!(!site.root().join("x").exists());
    }
}

#[test]
fn a_site_skeleton_template_overrides_the_built_in_one() {
    let site = init_site(&[]);
    site.write(
        "templates/new/briefing.md",
        "{{ title }} | {{ companies | join(sep=\", \") }} | {{ story }} | {{ author }}\n\
         {% if not source %}no source{% endif %}\n",
    );
    let (_, text) = new_briefing(
        &site,
        &[
            "R&D <costs>",
            "--company",
            "A&B",
            "--company",
            "Example Labs",
            "--story",
            "example-labs",
        ],
    );
    let (_, body) = front_matter(&text);
    // Markdown, not HTML: nothing is escaped.
    assert_eq!(
        body,
        "\nR&D <costs> | A&B, Example Labs | example-labs | Briefing Desk\nno source\n"
    );
    // The override is a theme file like any other: the HTML build still parses it.
    assert_eq!(site.run(&["build", "--drafts"]).status, 0);
}

#[test]
fn a_broken_skeleton_template_is_reported_at_its_line() {
    let site = init_site(&[]);
    site.write("templates/new/briefing.md", "fine\n{{ oops\n");
    let before = tree(site.root());
    let run = site.run(&["new", "Anything"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/new/briefing.md:2:"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(site.root()), before);
}

#[test]
fn bad_values_are_usage_errors_and_write_nothing() {
    let site = init_site(&[]);
    let before = tree(site.root());
    for (args, needle) in [
        (vec!["new", "X", "--date", "2025-13-01"], "invalid date"),
        (vec!["new", "X", "--date", "03/04/2025"], "invalid date"),
        (
            vec!["new", "X", "--source", "javascript:alert(1)"],
            "--source",
        ),
        (vec!["new", "X", "--story", "Not A Slug"], "`not-a-slug`"),
        (vec!["new", "X", "--slug", "../up"], "--slug"),
        (vec!["new", "日本語"], "pass --slug"),
        (vec!["new", "  \n "], "title is empty"),
        (vec!["new", "X", "--tag", " "], "--tag"),
    ] {
        let run = site.run(&args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert_eq!(tree(site.root()), before);
}

#[test]
fn new_notes_a_story_that_has_no_intro_yet() {
    let site = init_site(&[]);
    let (run, _) = new_briefing(&site, &["Next step", "--story", "fresh-thread"]);
    assert!(run.stdout.ends_with("next-step.md\n"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "only the path on stdout");
    assert!(
        run.stderr.contains("content/stories/fresh-thread.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_outside_a_site_says_so() {
    let site = TestSite::empty();
    let run = site.run(&["new", "Lost"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("no content/ folder"), "{}", run.stderr);
}
