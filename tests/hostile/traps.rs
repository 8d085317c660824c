//! File-system traps: links out of the site, loops, FIFOs, odd names, and
//! slugs or file names that would collide or escape. Nothing outside the
//! site is read, nothing outside the output is written, and every skipped
//! file is named in a warning.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::harness::{TestSite, tree};
use super::support::{assert_inert, build_in_memory, fixtures, previous_output};

/// A briefing outside the site whose marker must never reach the output.
const SECRET: &str = "SECRET-7f3a9c";

/// Every path below `dir` (files, folders, links), relative and sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

/// Builds with the real binary, killing it if it hangs.
fn build_with_deadline(site: &TestSite) -> super::harness::Run {
    let started = Instant::now();
    let run = site.run(&["build"]);
    assert!(
        started.elapsed() < super::support::TIME_LIMIT,
        "took {:?}",
        started.elapsed()
    );
    run
}

/// A site beside an `outside/` folder holding a secret briefing.
fn site_with_outside() -> (TestSite, tempfile::TempDir) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        format!("+++\ntitle = \"{SECRET}\"\ndate = 2025-01-01\n+++\n{SECRET} body.\n"),
    )
    .unwrap();
    std::fs::write(
        outside.path().join("briefing.toml"),
        format!("title = \"{SECRET}\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(outside.path().join("templates")).unwrap();
    std::fs::write(outside.path().join("templates/base.html"), SECRET).unwrap();
    std::fs::write(outside.path().join("style.css"), SECRET).unwrap();
    let site = TestSite::empty();
    site.write(
        "content/ok.md",
        "+++\ntitle = \"Inside\"\ndate = 2025-01-01\n+++\nBody.\n",
    );
    (site, outside)
}

fn no_secret_in(dir: &Path) {
    for (path, bytes) in tree(dir) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(SECRET),
            "{} leaks the secret",
            path.display()
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_never_followed() {
    use std::os::unix::fs::symlink;
    let (site, outside) = site_with_outside();
    let root = site.root();
    symlink(
        outside.path().join("secret.md"),
        root.join("content/leak.md"),
    )
    .unwrap();
    symlink(outside.path(), root.join("content/linked-dir")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    symlink(
        outside.path().join("style.css"),
        root.join("static/extra.css"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    symlink(
        outside.path().join("templates/base.html"),
        root.join("templates/base.html"),
    )
    .unwrap();
    let before_outside = tree(outside.path());
    let run = build_with_deadline(&site);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for named in [
        "content/leak.md",
        "content/linked-dir",
        "static/extra.css",
        "templates/base.html",
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(named) && l.contains("symlink")),
            "no warning for {named}: {}",
            run.stderr
        );
    }
    no_secret_in(&root.join("public"));
    assert_eq!(
        tree(outside.path()),
        before_outside,
        "nothing written outside"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_site_folders_are_refused() {
    use std::os::unix::fs::symlink;
    // `static/` and `templates/` as links: skipped with a warning.
    let (site, outside) = site_with_outside();
    symlink(outside.path(), site.root().join("static")).unwrap();
    symlink(
        outside.path().join("templates"),
        site.root().join("templates"),
    )
    .unwrap();
    let run = build_with_deadline(&site);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("skipping `static/`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("skipping `templates/`"),
        "{}",
        run.stderr
    );
    no_secret_in(&site.root().join("public"));

    // `content/` or `briefing.toml` as links: the build fails, saying why.
    for linked in ["content", "briefing.toml"] {
        let (site, outside) = site_with_outside();
        let target = if linked == "content" {
            std::fs::remove_dir_all(site.root().join("content")).unwrap();
            outside.path().to_path_buf()
        } else {
            outside.path().join("briefing.toml")
        };
        symlink(target, site.root().join(linked)).unwrap();
        let run = build_with_deadline(&site);
        assert_eq!(run.status, 1, "{linked}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{linked}:1:1: error")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("symlink"), "{}", run.stderr);
        assert!(
            !run.stderr.contains(SECRET),
            "the error shows the file: {}",
            run.stderr
        );
        assert!(!site.root().join("public").exists());
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    use std::os::unix::fs::symlink;
    let site = TestSite::empty();
    site.write(
        "content/ok.md",
        "+++\ntitle = \"Inside\"\ndate = 2025-01-01\n+++\nBody.\n",
    );
    let content = site.root().join("content");
    symlink(".", content.join("self")).unwrap();
    symlink("..", content.join("up.md")).unwrap();
    symlink("b.md", content.join("a.md")).unwrap();
    symlink("a.md", content.join("b.md")).unwrap();
    let run = build_with_deadline(&site);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for named in ["content/a.md", "content/b.md", "content/up.md"] {
        assert!(run.stderr.contains(named), "{named}: {}", run.stderr);
    }
}

#[cfg(unix)]
#[test]
fn fifos_are_skipped_without_blocking() {
    let site = TestSite::empty();
    site.write(
        "content/ok.md",
        "+++\ntitle = \"Inside\"\ndate = 2025-01-01\n+++\nBody.\n",
    );
    let fifo = site.root().join("content/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let fifo2 = site.root().join("templates/base.html");
    std::fs::create_dir_all(fifo2.parent().unwrap()).unwrap();
    std::process::Command::new("mkfifo")
        .arg(&fifo2)
        .status()
        .unwrap();
    let run = build_with_deadline(&site);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("content/pipe.md"), "{}", run.stderr);
    assert!(run.stderr.contains("templates/base.html"), "{}", run.stderr);
}

#[test]
fn a_folder_named_like_a_briefing_is_a_folder() {
    let site = TestSite::empty();
    site.write(
        "content/x.md/inner.md",
        "+++\ntitle = \"Inner\"\ndate = 2025-01-01\n+++\nBody.\n",
    );
    std::fs::create_dir_all(site.root().join("content/empty.md")).unwrap();
    let run = build_with_deadline(&site);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        site.root()
            .join("public/briefings/inner/index.html")
            .is_file()
    );
}

/// Slugs written with `/`, `..`, backslashes, control and bidi characters
/// or Windows device names each become one safe path segment, and the
/// build writes nothing but its output.
#[test]
fn hostile_slugs_stay_one_safe_segment() {
    let site = TestSite::fixture("hostile/slugs");
    let before = listing(site.root());
    previous_output(&site.root().join("public"));
    let run = build_with_deadline(&site);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let after: Vec<PathBuf> = listing(site.root())
        .into_iter()
        .filter(|p| !p.starts_with("public") && !p.starts_with(".public.briefing-cache"))
        .collect();
    assert_eq!(after, before, "only the output and its cache are new");
    let built = build_in_memory(site.root()).expect("builds");
    assert!(assert_inert(&built.files).is_empty());
    for f in &built.files {
        assert!(!f.path.contains(".."), "{}", f.path);
    }
    let dirs: Vec<String> = std::fs::read_dir(site.root().join("public/briefings"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for want in [
        "con-1",
        "nul-1",
        "com1-1",
        "etc-passwd",
        "windows-system32",
        "a-b-c",
    ] {
        assert!(dirs.iter().any(|d| d == want), "{want} in {dirs:?}");
    }
    assert!(
        site.root().join("public/aux-1/index.html").is_file(),
        "page slug"
    );
}

/// Two files that would share a URL, by slug, by case or by Unicode
/// normalization, are one error naming both.
#[test]
fn colliding_files_are_one_error_naming_both() {
    for case in ["collide-slug", "collide-normalization"] {
        let site = TestSite::fixture(&format!("hostile/{case}"));
        let run = build_with_deadline(&site);
        assert_eq!(run.status, 1, "{case}: {}", run.stderr);
        assert!(
            run.stderr.contains("would both be written to"),
            "{}",
            run.stderr
        );
        assert!(!site.root().join("public").exists());
    }
    // By case: file names that differ only in case (made here, since some
    // file systems cannot hold both).
    let site = TestSite::empty();
    let page = "+++\ntitle = \"About\"\n+++\nBody.\n";
    site.write("content/pages/About.md", page);
    site.write("content/pages/about.md", page);
    if site
        .root()
        .join("content/pages")
        .read_dir()
        .unwrap()
        .count()
        == 2
    {
        let run = build_with_deadline(&site);
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("content/pages/About.md")
                && run.stderr.contains("content/pages/about.md"),
            "{}",
            run.stderr
        );
    }
    // File names in composed and decomposed forms.
    let site = TestSite::empty();
    site.write("content/pages/caf\u{e9}.md", page);
    site.write("content/pages/cafe\u{301}.md", page);
    if site
        .root()
        .join("content/pages")
        .read_dir()
        .unwrap()
        .count()
        == 2
    {
        let run = build_with_deadline(&site);
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("would both be written to `/cafe/`"),
            "{}",
            run.stderr
        );
    }
}

/// Odd file names (control and bidi characters, Windows device names,
/// backslashes) are read like any other and never become paths.
#[cfg(unix)]
#[test]
fn odd_file_names_build() {
    let site = TestSite::empty();
    let page = |t: &str| format!("+++\ntitle = \"{t}\"\n+++\nBody.\n");
    site.write("content/pages/con.md", &page("Con"));
    site.write("content/pages/a\\..\\b.md", &page("Backslash"));
    site.write("content/pages/\u{202e}evil.md", &page("\u{202e}"));
    site.write("content/pages/tab\tname.md", &page("Tab"));
    // A broken file whose name would drive a terminal: named, escaped.
    let site2 = TestSite::empty();
    site2.write("content/\u{1b}[2J\u{1b}]0;x\u{7}.md", "no front matter");
    let run = site2.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/\\u{1b}[2J"), "{}", run.stderr);
    assert!(!run.stderr.contains(['\u{1b}', '\u{7}']), "{}", run.stderr);
    let started = Instant::now();
    let built = build_in_memory(site.root()).expect("builds");
    assert!(started.elapsed() < Duration::from_secs(15));
    let problems = assert_inert(&built.files);
    assert!(problems.is_empty(), "{problems:#?}");
    let paths: Vec<&str> = built.files.iter().map(|f| f.path.as_str()).collect();
    for want in [
        "con-1/index.html",
        "a-b/index.html",
        "evil/index.html",
        "tab-name/index.html",
    ] {
        assert!(paths.contains(&want), "{want} in {paths:?}");
    }
    let _ = fixtures();
}
