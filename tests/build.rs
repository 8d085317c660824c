//! End-to-end tests of `briefing build` on fixture sites.

mod harness;

use harness::{TestSite, main_of, tree};

#[test]
fn kitchen_sink_builds_every_page() {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Built 3 briefings"), "{}", run.stdout);
    assert!(
        run.stdout.contains("1 scheduled, 1 draft held back"),
        "{}",
        run.stdout
    );
    for page in [
        "index.html",
        "page/2/index.html",
        "briefings/alpha-omega-the-first-briefing/index.html",
        "briefings/beta-follows/index.html",
        "briefings/gamma/index.html",
        "tags/index.html",
        "tags/cloud/index.html",
        "tags/partnerships/index.html",
        "companies/index.html",
        "companies/acme/index.html",
        "companies/globex/index.html",
        "authors/ada-writer/index.html",
        "authors/carol-reporter/index.html",
        "authors/default-desk/index.html",
        "stories/index.html",
        "stories/saga/index.html",
        "about/index.html",
        "404.html",
        "style.css",
        "highlight.css",
    ] {
        assert!(
            site.root().join("public").join(page).is_file(),
            "missing {page}"
        );
    }
    // Held back: neither the draft nor the future briefing is published.
    assert!(!site.root().join("public/briefings/a-draft").exists());
    assert!(
        !site
            .root()
            .join("public/briefings/from-the-future")
            .exists()
    );
}

#[test]
fn briefing_page_shows_its_enrichment() {
    let site = TestSite::fixture("kitchen-sink");
    assert_eq!(site.run(&["build"]).status, 0);
    let html = site.output("briefings/alpha-omega-the-first-briefing/index.html");
    let main = main_of(&html);
    // Key points from the "What changed" list, with labels, removed from the body.
    assert!(main.contains("End of exclusivity"), "{main}");
    assert_eq!(main.matches("End of exclusivity").count(), 1, "shown once");
    // The link inside a key point was resolved to the other briefing's URL.
    assert!(
        main.contains("/sink/briefings/beta-follows/#reactions"),
        "{main}"
    );
    // The takeaway, lead-in stripped, and not repeated in the body.
    assert!(
        main.contains("Acme is free to choose its partners."),
        "{main}"
    );
    assert!(!main.contains("In simple terms, Acme"), "{main}");
    // Source, authors, story place, companies by mention ("Globex").
    assert!(
        main.contains("https://example.org/news/alpha?a=1&amp;b=2"),
        "{main}"
    );
    assert!(
        main.contains("Ada Writer") && main.contains("Bob Editor"),
        "{main}"
    );
    assert!(main.contains("/sink/stories/saga/"), "{main}");
    assert!(main.contains("/sink/companies/globex/"), "{main}");
    // Title escaped, raw script sanitized, javascript: link gone.
    assert!(main.contains("Alpha &amp; Omega: &lt;the&gt;"), "{main}");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
}

#[test]
fn body_lines_become_metadata() {
    let site = TestSite::fixture("kitchen-sink");
    assert_eq!(site.run(&["build"]).status, 0);
    let main = site.output("briefings/beta-follows/index.html");
    let main = main_of(&main);
    assert!(main.contains("Carol Reporter"), "{main}");
    assert!(!main.contains("Author: Carol"), "{main}");
    assert!(main.contains("https://example.org/beta"), "{main}");
    assert!(!main.contains("Source: https"), "{main}");
    // Duplicate headings get unique ids.
    assert!(
        main.contains("id=\"reactions\"") && main.contains("id=\"reactions-1\""),
        "{main}"
    );
}

#[test]
fn briefing_main_snapshot() {
    let site = TestSite::fixture("kitchen-sink");
    assert_eq!(site.run(&["build"]).status, 0);
    let html = site.output("briefings/gamma/index.html");
    insta::assert_snapshot!("gamma_main", main_of(&html));
}

#[test]
fn drafts_and_future_are_published_on_request() {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build", "--drafts", "--future"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Built 5 briefings"), "{}", run.stdout);
    assert!(
        site.root()
            .join("public/briefings/a-draft/index.html")
            .is_file()
    );
    assert!(
        site.root()
            .join("public/briefings/from-the-future/index.html")
            .is_file()
    );
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build", "--base-url", "https://preview.example.net/pr-7/"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let html = site.output("index.html");
    assert!(html.contains("href=\"/pr-7/briefings/"), "{html}");
    assert!(!html.contains("/sink/"), "{html}");
}

#[test]
fn output_is_deterministic_across_runs_and_thread_counts() {
    let site = TestSite::fixture("kitchen-sink");
    let build = |threads: &str, out: &str| {
        let dir = site.root().join(out);
        let dir = dir.to_string_lossy();
        let run = site.run_with_env(
            &["build", "--output", &dir],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        tree(&site.root().join(out))
    };
    let one = build("1", "out-1");
    let many = build("4", "out-4");
    let again = build("4", "out-again");
    assert!(one.len() > 20);
    assert_eq!(one, many, "1 thread vs 4 threads");
    assert_eq!(many, again, "two runs");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::fixture("kitchen-sink");
    assert_eq!(site.run(&["build"]).status, 0);
    let before = tree(&site.root().join("public"));
    site.write(
        "content/2025/broken.md",
        "+++\ntitle = \"Broken\"\n+++\nNo date.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(tree(&site.root().join("public")), before);
}

#[test]
fn nothing_is_written_outside_the_output() {
    let site = TestSite::fixture("kitchen-sink");
    let before = tree(site.root());
    assert_eq!(site.run(&["build"]).status, 0);
    assert_eq!(site.run(&["build"]).status, 0);
    let after = tree(site.root());
    let outside: Vec<_> = after
        .keys()
        .filter(|p| !p.starts_with("public"))
        // The build cache lives beside the output, by design.
        .filter(|p| !p.starts_with(".public.briefing-cache"))
        .filter(|p| !before.contains_key(*p))
        .collect();
    assert!(outside.is_empty(), "written outside public/: {outside:?}");
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
}

#[test]
fn refuses_output_dirs_that_hold_the_site() {
    let site = TestSite::fixture("kitchen-sink");
    for out in [".", "content", ".."] {
        let run = site.run(&[
            "build",
            "--output",
            &site.root().join(out).to_string_lossy(),
        ]);
        assert_eq!(run.status, 2, "{out}: {}", run.stderr);
        run.assert_stderr_has("refusing");
    }
    assert!(site.root().join("content/2025/alpha.md").is_file());
}

#[test]
fn a_site_without_config_builds_and_warns() {
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        "+++\ntitle = \"Only\"\ndate = 2025-01-01\n+++\nHello.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    run.assert_stderr_has("`base_url` is not set");
    assert!(site.output("briefings/only/index.html").contains("Hello."));
}

#[test]
fn a_company_named_by_its_profile_file_is_that_profile() {
    let site = TestSite::empty();
    site.write(
        "content/companies/acme.md",
        "+++\nname = \"Acme Rebranded\"\n+++\nA maker of things.\n",
    );
    site.write(
        "content/a.md",
        "+++\ntitle = \"Deal\"\ndate = 2025-01-01\ncompanies = [\"acme\"]\n+++\nHello.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let profile = site.output("companies/acme/index.html");
    assert!(profile.contains("A maker of things."), "{profile}");
    assert!(profile.contains("/briefings/deal/"), "{profile}");
    let index = site.output("companies/index.html");
    assert_eq!(
        index.matches("href=\"/companies/acme/\"").count(),
        1,
        "{index}"
    );
}

#[test]
fn tag_author_and_company_lists_are_cut_into_pages() {
    let site = TestSite::empty();
    site.write("briefing.toml", "title = \"T\"\npaginate_lists = 2\n");
    site.write(
        "content/companies/acme.md",
        "+++\nname = \"Acme\"\nhomepage = \"https://acme.example\"\n+++\nA maker of things.\n",
    );
    // Five briefings, newest last: day N is briefing `bN`.
    for n in 1..=5 {
        site.write(
            &format!("content/b{n}.md"),
            &format!(
                "+++\ntitle = \"B{n}\"\ndate = 2025-01-0{n}\nauthors = [\"Ada\"]\n\
                 tags = [\"ai\"]\ncompanies = [\"Acme\"]\n+++\nBody {n}.\n"
            ),
        );
    }
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let cards = |html: &str| -> Vec<String> {
        (1..=5)
            .rev()
            .filter(|n| html.contains(&format!("href=\"/briefings/b{n}/\"")))
            .map(|n| format!("b{n}"))
            .collect()
    };
    for list in ["tags/ai/", "authors/ada/", "companies/acme/"] {
        let first = site.output(&format!("{list}index.html"));
        let second = site.output(&format!("{list}page/2/index.html"));
        let third = site.output(&format!("{list}page/3/index.html"));
        // Newest first, two to a page, every briefing on one page.
        assert_eq!(cards(main_of(&first)), ["b5", "b4"], "{list}");
        assert_eq!(cards(main_of(&second)), ["b3", "b2"], "{list}");
        assert_eq!(cards(main_of(&third)), ["b1"], "{list}");
        assert!(!site.root().join(format!("public/{list}page/4")).exists());
        assert!(!site.root().join(format!("public/{list}page/1")).exists());
        // Each page links its neighbours and says where it stands.
        let link = |rel: &str, to: &str| format!("rel=\"{rel}\" href=\"/{to}\"");
        assert!(
            first.contains(&link("next", &format!("{list}page/2/"))),
            "{first}"
        );
        assert!(!first.contains("rel=\"prev\""), "{first}");
        assert!(second.contains(&link("prev", list)), "{second}");
        assert!(
            second.contains(&link("next", &format!("{list}page/3/"))),
            "{second}"
        );
        assert!(
            third.contains(&link("prev", &format!("{list}page/2/"))),
            "{third}"
        );
        assert!(!third.contains("rel=\"next\""), "{third}");
        assert!(second.contains("Page 2 of 3"), "{second}");
        assert!(
            second.contains(&format!("<link rel=\"canonical\" href=\"/{list}page/2/\">")),
            "{second}"
        );
        // The count is the whole list's, on every page.
        assert!(third.contains("5 briefings"), "{list}: {third}");
    }
    // The profile is on the company's first page only.
    let profile = "A maker of things.";
    assert!(site.output("companies/acme/index.html").contains(profile));
    assert!(
        !site
            .output("companies/acme/page/2/index.html")
            .contains(profile)
    );
    // The sitemap lists every page.
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("/tags/ai/page/3/"), "{sitemap}");
    assert!(sitemap.contains("/companies/acme/page/2/"), "{sitemap}");
    // A list that fits on one page has no page navigation.
    site.write("briefing.toml", "title = \"T\"\n");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Pages 2 and 3 of the tag, the author and the company go.
    assert!(run.stdout.contains(", 6 removed)"), "{}", run.stdout);
    let one = site.output("tags/ai/index.html");
    assert_eq!(cards(main_of(&one)), ["b5", "b4", "b3", "b2", "b1"]);
    assert!(!one.contains("class=\"pagination\""), "{one}");
    assert!(!site.root().join("public/tags/ai/page").exists());
}

#[test]
fn an_unknown_story_is_shown_in_its_file() {
    // Found once every briefing is enriched, when a build has let go of
    // the files' text: the briefing that names it keeps its own.
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\ndate = 2025-01-01\nstory = \"nope\"\n+++\nBody.\n",
    );
    site.write(
        "content/b.md",
        "+++\ntitle = \"B\"\ndate = 2025-01-02\n+++\nBody.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    run.assert_stderr_has("a.md:4:9: error: unknown story `nope`");
    run.assert_stderr_has("4 | story = \"nope\"");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\ndate = 2025-01-01\ntitel = \"x\"\n+++\n",
    );
    site.write("content/b.md", "---\ntitle: B\ndate: nope\n---\n");
    site.write("content/c.md", "no front matter\n");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    for expected in [
        "content/a.md:4:1:",
        "content/b.md:3:7:",
        "content/c.md:1:1:",
    ] {
        run.assert_stderr_has(expected);
    }
    run.assert_stderr_has("3 errors");
}

#[test]
fn each_invalid_fixture_names_its_file_and_line() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "{cases:?}");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        let mut lines = expected.lines();
        let location = lines.next().unwrap().trim();
        let message = lines.next().unwrap_or("").trim();
        let site = TestSite::fixture(&format!("invalid/{name}"));
        let run = site.run(&["build"]);
        let ok = run.status == 1
            && run
                .stderr
                .lines()
                .any(|l| l.starts_with(&format!("{location}:")) && l.contains(message))
            && !site.root().join("public").exists();
        if !ok {
            failures.push(format!(
                "{name}: expected `{location}: … {message}` (exit 1), got exit {}:\n{}",
                run.status, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn usage_errors_exit_with_2() {
    let site = TestSite::empty();
    assert_eq!(site.run(&["build", "--no-such-flag"]).status, 2);
    assert_eq!(site.run(&["frobnicate"]).status, 2);
}

#[test]
fn timings_name_every_stage() {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build", "--timings"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for stage in [
        "load",
        "parse",
        "markdown+enrich",
        "assemble",
        "render",
        "feeds+sitemap",
        "write",
    ] {
        assert!(
            run.stderr.lines().any(|l| {
                let l = l.trim_start();
                let ms = l.strip_prefix(stage).map(|rest| rest.trim_start());
                // "render   12.3 ms", then its CPU time and the resident
                // memory where known.
                ms.is_some_and(|ms| ms.split_once(" ms").is_some())
            }),
            "{stage}: {}",
            run.stderr
        );
    }
    #[cfg(target_os = "linux")]
    {
        run.assert_stderr_has("MB)");
        let render = run.stderr.lines().map(str::trim_start);
        let render = render
            .into_iter()
            .find(|l| l.starts_with("render"))
            .unwrap();
        let cpu = render.split_once("cpu ").map(|(_, rest)| rest.trim_start());
        assert!(
            cpu.and_then(|c| c.split_once(" ms"))
                .is_some_and(|(ms, _)| ms.parse::<f64>().is_ok()),
            "{render}"
        );
    }
}

/// Each file, folder and link below a folder: its path, its bytes (for a
/// file) and what it is.
type Listing = Vec<(std::path::PathBuf, Option<Vec<u8>>, &'static str)>;

/// Every entry below `dir`: files with their bytes, folders and links.
fn listing(dir: &std::path::Path) -> Listing {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let kind = e.file_type();
            if kind.is_symlink() {
                (rel, None, "link")
            } else if kind.is_dir() {
                (rel, None, "folder")
            } else {
                (rel, Some(std::fs::read(e.path()).unwrap()), "file")
            }
        })
        .collect()
}

/// The listing of what a clean build of `site` makes (in `clean/`).
fn clean_listing(site: &TestSite) -> Listing {
    let clean = site.root().join("clean");
    let run = site.run(&["build", "--no-cache", "--output", clean.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    listing(&clean)
}

/// Files and folders put into the output by anyone else go with the next
/// build, whether it finds nothing changed or updates a page in place: the
/// output is always what a clean build makes.
#[test]
fn an_incremental_build_leaves_only_what_a_clean_build_makes() {
    let site = TestSite::fixture("kitchen-sink");
    let out = site.root().join("public");
    assert_eq!(site.run(&["build"]).status, 0);
    let stray = |rel: &str| {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "put here by hand").unwrap();
    };
    stray("stray.txt");
    stray("briefings/gamma/extra.html");
    stray("new/deeper/a.txt");
    std::fs::create_dir_all(out.join("empty/inside")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.root().join("content"), out.join("briefings/link")).unwrap();

    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("clean build"), "{}", run.stdout);
    // Three files and a link; the summary counts files, not folders.
    let removed = if cfg!(unix) {
        "4 removed)"
    } else {
        "3 removed)"
    };
    assert!(run.stdout.contains(removed), "{}", run.stdout);
    assert_eq!(listing(&out), clean_listing(&site));
    assert!(
        site.root().join("content").is_dir(),
        "a link's target stays"
    );

    // Again, with a briefing edited: its page is updated in place.
    stray("briefings/gamma/again.html");
    let gamma = "content/2025/gamma.md";
    let text = std::fs::read_to_string(site.root().join(gamma)).unwrap();
    site.write(gamma, &text.replace("in passing.", "in passing. Edited."));
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("written") && run.stdout.contains(", 1 removed)"),
        "an update in place: {}",
        run.stdout
    );
    assert_eq!(listing(&out), clean_listing(&site));
}

/// Files the previous build wrote and someone changed or deleted since are
/// made again, whether nothing else changed or a briefing was edited: an
/// update in place never keeps a file that is not as the build left it.
#[test]
fn output_files_changed_by_hand_are_made_again() {
    let site = TestSite::fixture("kitchen-sink");
    let out = site.root().join("public");
    assert_eq!(site.run(&["build"]).status, 0);
    let page = out.join("briefings/gamma/index.html");
    let twin = out.join("briefings/gamma/index.md");
    let index = out.join("index.html");
    // Same length, other bytes: only the modification time tells.
    let original = std::fs::read(&page).unwrap();
    std::fs::write(&page, vec![b'x'; original.len()]).unwrap();
    std::fs::remove_file(&twin).unwrap();
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("2 written"),
        "the two files, and only them: {}",
        run.stdout
    );
    assert_eq!(listing(&out), clean_listing(&site));

    // Again, with a briefing edited, and a page it does not change
    // replaced by a folder.
    std::fs::remove_file(&index).unwrap();
    std::fs::create_dir_all(index.join("inside")).unwrap();
    let alpha = "content/2025/alpha.md";
    let text = std::fs::read_to_string(site.root().join(alpha)).unwrap();
    site.write(alpha, &format!("{text}\nOne more paragraph.\n"));
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("clean build"), "{}", run.stdout);
    assert_eq!(listing(&out), clean_listing(&site));
}

/// `llms.txt` and the sitemap are kept when nothing they list changed, and
/// made again when a page, a story or the site's settings change them.
#[test]
fn llms_txt_and_the_sitemap_follow_what_they_list() {
    let site = TestSite::fixture("kitchen-sink");
    let out = site.root().join("public");
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    assert_eq!(site.run(&["build"]).status, 0);
    site.write(
        "content/pages/about.md",
        "+++\ntitle = \"About the desk\"\n+++\nWho writes here.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("clean build"), "{}", run.stdout);
    assert!(
        read("llms.txt").contains("[About the desk]"),
        "{}",
        read("llms.txt")
    );

    let story = site.root().join("content/stories/saga.md");
    let text = std::fs::read_to_string(&story).unwrap();
    site.write(
        "content/stories/saga.md",
        &format!("{text}\nA sentence added.\n"),
    );
    site.write(
        "content/pages/extra.md",
        "+++\ntitle = \"Extra\"\n+++\nMore.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        read("sitemap.xml").contains("/extra/</loc>"),
        "{}",
        read("sitemap.xml")
    );
    assert!(read("llms.txt").contains("[Extra]"), "{}", read("llms.txt"));
    assert_eq!(listing(&out), clean_listing(&site));
}
