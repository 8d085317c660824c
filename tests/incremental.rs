//! Incremental builds: whatever the cache beside the output holds, and
//! whatever changed since the last build, `briefing build` must write
//! exactly the files a clean build (`--no-cache`, fresh output folder)
//! writes. A damaged cache means a silent clean build, a build with nothing
//! changed leaves the output alone, and a failed build keeps the previous
//! output.
//!
//! The site under test is written from a small [`Model`]; after each edit
//! only the files whose text changed are written, as an author's editor
//! would.
//!
//! The tests are here; what they use lives in files below `incremental/`:
//!
//! - `model`: the site as data, and the text of its files;
//! - `edits`: random edits of the model, as a proptest strategy;
//! - `workspace`: the site on disk, its builds, and the comparison of
//!   their output trees;
//! - `damage`: ways to damage the cache;
//! - `preview`: `serve`'s rebuilds in process, and their comparison with
//!   a clean build.

mod harness;

#[path = "incremental/damage.rs"]
mod damage;
#[path = "incremental/edits.rs"]
mod edits;
#[path = "incremental/model.rs"]
mod model;
#[path = "incremental/preview.rs"]
mod preview;
#[path = "incremental/workspace.rs"]
mod workspace;

use damage::{Damage, copy_of_executable};
use edits::{Edit, edit};
use harness::tree;
use model::Model;
use preview::Preview;
use proptest::prelude::*;
#[cfg(unix)]
use workspace::stamps;
use workspace::{Workspace, files_below, same_trees, succeeded};

proptest! {
    #![proptest_config(ProptestConfig {
        // More with `INCREMENTAL_CASES=200 cargo test --test incremental`.
        cases: std::env::var("INCREMENTAL_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10),
        max_shrink_iters: 40,
        ..ProptestConfig::default()
    })]

    /// After every edit of a random sequence, the incremental build writes
    /// what a clean build writes.
    #[test]
    fn incremental_builds_match_clean_builds(edits in prop::collection::vec(edit(), 1..=8)) {
        let mut model = Model::initial();
        let mut ws = Workspace::new(&model);
        ws.check().map_err(|e| TestCaseError::fail(format!("first build: {e}")))?;
        for (step, edit) in edits.iter().enumerate() {
            make(edit, &mut model, &mut ws);
            ws.check().map_err(|e| {
                TestCaseError::fail(format!("after edit {} ({edit:?}): {e}", step + 1))
            })?;
        }
    }

    /// After every edit of a random sequence, the live preview serves what
    /// a clean build makes, whether it patched its build (an edit that
    /// changes only a briefing's own pages) or built in full.
    #[test]
    fn the_preview_serves_what_a_clean_build_makes(edits in prop::collection::vec(edit(), 1..=8)) {
        let mut model = Model::initial();
        let mut ws = Workspace::new(&model);
        let mut preview = Preview::start(&ws);
        preview.check().map_err(|e| TestCaseError::fail(format!("first build: {e}")))?;
        for (step, edit) in edits.iter().enumerate() {
            let changed = make(edit, &mut model, &mut ws);
            preview.rebuild(&changed);
            preview.check().map_err(|e| {
                TestCaseError::fail(format!("after edit {} ({edit:?}): {e}", step + 1))
            })?;
        }
    }
}

/// Makes `edit` in the model and on disk, as an author would; returns the
/// paths written or removed, relative to the site's root.
fn make(edit: &Edit, model: &mut Model, ws: &mut Workspace) -> Vec<String> {
    if let Edit::Touch(which) = edit {
        vec![ws.touch(which)]
    } else {
        edit.apply(model);
        ws.sync(model)
    }
}

/// An edit to a briefing's key points is patched into the preview's build;
/// one that changes its card (a tag) is built in full; both serve what a
/// clean build makes.
#[test]
fn the_preview_patches_what_only_changes_a_briefings_own_pages() {
    use briefing::serve::watch::How;
    use edits::BriefingEdit;
    use proptest::sample::Index;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut index = || -> Index { any::<Index>().new_tree(&mut runner).unwrap().current() };
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    let mut preview = Preview::start(&ws);
    preview.check().unwrap();
    let first = index();
    let words = |w: &'static str| {
        w.split(' ')
            .map(edits::Word::Plain)
            .collect::<Vec<edits::Word>>()
    };
    let points = Edit::Briefing(
        first,
        BriefingEdit::Points(vec![words("pricing launch"), words("cloud deal")]),
    );
    points.apply(&mut model);
    let changed = ws.sync(&model);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(preview.rebuild(&changed), How::Patched);
    preview.check().unwrap();

    let tag = Edit::Briefing(first, BriefingEdit::Tag(index()));
    tag.apply(&mut model);
    let changed = ws.sync(&model);
    assert_eq!(preview.rebuild(&changed), How::Built);
    preview.check().unwrap();

    // Told nothing, or told of a file it cannot patch, it builds in full.
    assert_eq!(preview.rebuild(&["briefing.toml".into()]), How::Built);
    preview.check().unwrap();

    // A briefing broken mid-edit fails the build: the last good site is
    // still served, and what the failed build enriched is kept for the
    // next one. Mended, the site is built in full, and patched again after.
    let rel = changed[0].clone();
    let served = preview.generation();
    ws.write(&rel, "+++\ntitle = \n+++\nHalf written.\n");
    assert_eq!(preview.rebuild(std::slice::from_ref(&rel)), How::Built);
    assert_eq!(preview.generation(), served);
    assert!(preview.session().has_salvage());
    assert_eq!(ws.sync(&model), [rel]);
    assert_eq!(preview.rebuild(&changed), How::Built);
    assert!(!preview.session().has_salvage());
    preview.check().unwrap();
    points.apply(&mut model);
    let again = Edit::Briefing(first, BriefingEdit::Points(vec![words("weights")]));
    again.apply(&mut model);
    let changed = ws.sync(&model);
    assert_eq!(preview.rebuild(&changed), How::Patched);
    preview.check().unwrap();
}

/// A briefing file replaced by a symlink is not read by a patch, as the
/// build's walk never follows one: the preview builds in full, which
/// leaves the file out with a warning, as a clean build does.
#[cfg(unix)]
#[test]
fn the_preview_never_follows_a_briefing_replaced_by_a_symlink() {
    use briefing::serve::watch::How;

    let model = Model::initial();
    let ws = Workspace::new(&model);
    let mut preview = Preview::start(&ws);
    let files = model.files();
    // One that no other file links to, so that the site builds without it.
    let (rel, text) = files
        .iter()
        .find(|(rel, _)| {
            let name = rel.rsplit('/').next().unwrap_or_default();
            rel.starts_with("content/2025/") && !files.values().any(|t| t.contains(name))
        })
        .expect("a briefing nothing links to");
    let outside = tempfile::tempdir().expect("temp dir");
    let target = outside.path().join("elsewhere.md");
    // The same text: a patch that followed the link would see nothing
    // but a body it could patch in.
    std::fs::write(&target, text).expect("write the target");
    let path = ws.site.root().join(rel);
    std::fs::remove_file(&path).expect("remove the briefing");
    std::os::unix::fs::symlink(&target, &path).expect("symlink");
    assert_eq!(preview.rebuild(std::slice::from_ref(rel)), How::Built);
    preview.check().unwrap();
}

/// Whatever happened to the cache, the next build succeeds silently and
/// writes what a clean build writes, with or without edits since.
#[test]
fn a_damaged_cache_means_a_silent_clean_build() {
    let (_keep, other) = copy_of_executable();
    for damage in [
        Damage::Garbage,
        Damage::Truncate,
        Damage::FlipByte,
        Damage::DeleteHalf,
        Damage::RemoveAll,
        Damage::OtherExecutable,
    ] {
        let mut model = Model::initial();
        let mut ws = Workspace::new(&model);
        succeeded(&ws.build(), "the first build").unwrap();
        model.retitle(0, "First retitled");
        model.companies[1].aliases = [true, true];
        ws.sync(&model);
        succeeded(&ws.build(), "the second build").unwrap();
        let cache = ws.cache();
        assert!(
            !files_below(&cache).is_empty(),
            "no cache at {}",
            cache.display()
        );

        damage.apply(&ws, &other);
        ws.check()
            .unwrap_or_else(|e| panic!("{damage:?}, nothing edited: {e}"));

        damage.apply(&ws, &other);
        model.retitle(1, "Second retitled");
        model.briefings[2].body = "A body rewritten after the cache broke, naming Initech.".into();
        model.base_template = Some(9);
        ws.sync(&model);
        ws.check()
            .unwrap_or_else(|e| panic!("{damage:?}, then edited: {e}"));
    }
}

/// With nothing changed since the last build, a build reports success and
/// rewrites no output file: each keeps its modification time and inode.
#[cfg(unix)]
#[test]
fn a_build_with_nothing_changed_leaves_the_output_untouched() {
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    succeeded(&ws.build(), "the first build").unwrap();
    model.briefings[1].body = "An edit before the builds under test.".into();
    ws.sync(&model);
    succeeded(&ws.build(), "the second build").unwrap();
    let before = stamps(&ws.out());
    let bytes_before = tree(&ws.out());
    // Longer than the coarsest file-system clock tick, so a rewrite shows.
    std::thread::sleep(std::time::Duration::from_millis(50));

    let run = ws.build();
    succeeded(&run, "the build with nothing changed").unwrap();
    assert!(run.stdout.contains("Built 5 briefings"), "{}", run.stdout);
    let after = stamps(&ws.out());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the set of output files changed"
    );
    if let Some((path, stamp)) = before.iter().find(|(path, stamp)| after[*path] != **stamp) {
        let now = after[path];
        panic!(
            "`{}` was rewritten: {stamp:?} before, {now:?} after",
            path.display()
        );
    }
    same_trees(&bytes_before, &tree(&ws.out())).unwrap();
}

/// A build that fails on a content error leaves the previous output as it
/// was; once the error is fixed, the output is that of a clean build.
#[test]
fn a_failed_build_keeps_the_previous_output() {
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    succeeded(&ws.build(), "the first build").unwrap();
    let before = tree(&ws.out());

    // A good edit together with an error.
    model.briefings[1].body = "A body edited along with the error.".into();
    model.briefings[1].story = Some("no-such-story".into());
    ws.sync(&model);
    let run = ws.build();
    assert_eq!(
        run.status, 1,
        "an unknown story must fail the build: {}",
        run.stderr
    );
    assert!(run.stderr.contains("no-such-story"), "{}", run.stderr);
    same_trees(&before, &tree(&ws.out())).unwrap_or_else(|e| panic!("after the failure: {e}"));

    model.briefings[1].story = None;
    ws.sync(&model);
    ws.check()
        .unwrap_or_else(|e| panic!("after fixing the story: {e}"));
    let before = tree(&ws.out());

    // A template that does not parse, together with a configuration edit.
    model.title = "Retitled while broken".into();
    ws.sync(&model);
    let broken = "{% extends \"base.html\" %}\n{% block content %}{% if %}{% endblock content %}\n";
    ws.write("templates/briefing.html", broken);
    let run = ws.build();
    assert_eq!(
        run.status, 1,
        "a broken template must fail the build: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("templates/briefing.html"),
        "{}",
        run.stderr
    );
    same_trees(&before, &tree(&ws.out())).unwrap_or_else(|e| panic!("after the failure: {e}"));

    model.briefing_template = Some(5);
    ws.sync(&model);
    ws.check()
        .unwrap_or_else(|e| panic!("after fixing the template: {e}"));
}

/// A briefing page is keyed by what it was made from, not by its text: a
/// company's homepage, which only the JSON-LD of the briefings naming the
/// company shows, must reach those pages on the next incremental build.
#[test]
fn a_company_homepage_reaches_the_briefings_naming_it() {
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    ws.check().expect("first build");
    for (k, homepage) in [
        (0, Some("https://acme.example/")),
        (0, None),
        (1, Some("https://globex.example/")),
    ] {
        model.companies[k].homepage = homepage.map(str::to_owned);
        ws.sync(&model);
        ws.check()
            .unwrap_or_else(|e| panic!("after setting homepage {homepage:?}: {e}"));
    }
}

/// A content file unchanged since a build read it is known by its size and
/// times and not read again, once those had settled (two seconds) when they
/// were taken; a file rewritten with text of the same length is read again.
/// Either way the output is a clean build's.
#[test]
fn settled_files_are_known_without_being_read() {
    let files_read = |run: &harness::Run| -> String {
        assert_eq!(run.status, 0, "{}", run.stderr);
        let line = run
            .stderr
            .lines()
            .find(|l| l.trim_start().starts_with("read "));
        let line = line.unwrap_or_else(|| panic!("no `read` line in {}", run.stderr));
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    let total = model
        .files()
        .keys()
        .filter(|p| p.starts_with("content/"))
        .count();
    let first = files_read(&ws.build_with(&["--timings"]));
    assert!(
        first.starts_with(&format!("read {total} of {total} ")),
        "{first}"
    );

    // Just written, the files have not settled: the next build reads them
    // again, as it would a file an editor saved twice within one clock tick.
    model.briefings[0].body = "An edit while the files are fresh.".into();
    ws.sync(&model);
    let fresh = files_read(&ws.build_with(&["--timings"]));
    assert!(fresh.starts_with(&format!("read {total} of ")), "{fresh}");
    // A build after a pause, with nothing changed, takes stamps that had
    // settled.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    succeeded(&ws.build(), "the build after a pause").unwrap();

    let body: String = model.briefings[1].body.chars().rev().collect();
    assert_eq!(body.len(), model.briefings[1].body.len());
    model.briefings[1].body = body;
    ws.sync(&model);
    let one = files_read(&ws.build_with(&["--timings"]));
    assert!(one.starts_with(&format!("read 1 of {total} ")), "{one}");
    ws.check().expect("after a same-length edit");
}
