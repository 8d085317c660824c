//! Watching the site's sources and rebuilding: `content/`, `templates/`,
//! `static/` (recursively) and `briefing.toml`. Bursts of file events (an
//! editor's save is often several) are gathered until the files have been
//! quiet for a moment, then the site is rebuilt in memory on the watcher's
//! own thread, so requests keep being answered from the last good build.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use rayon::prelude::*;

use super::state::{Applied, Shared};
use crate::build::{Built, Memo, Options};
use crate::cli::{plural, print_diagnostics};
use crate::diag::Diagnostic;
use crate::render::{Key, OutputFile, Sink};

/// How long the files must be quiet before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// A rebuild starts after this long even if events keep coming.
const MAX_DELAY: Duration = Duration::from_millis(500);
/// The folders of a site that a build reads.
const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// Builds the site again after a change, reusing what the previous good
/// build of this session made from the same inputs: unchanged briefings are
/// not enriched again, and pages whose context did not change are not
/// rendered again. `Built::files` holds only the files rendered; the second
/// value lists the files kept as the previous build made them.
pub fn rebuild(
    root: &Path,
    options: &Options,
    session: &mut Session,
) -> Result<(Built, Vec<String>), Vec<Diagnostic>> {
    let sink = Remembering {
        previous: &session.keys,
        rendered: Mutex::new(Vec::new()),
        kept: Mutex::new(Vec::new()),
    };
    // A failed build consumes the memo: the next one enriches everything.
    let memo = session.memo.take();
    let mut built = crate::build::build_to(root, options, &sink, None, memo)?
        .expect("a build asked to skip nothing produces a site");
    let rendered = sink
        .rendered
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let kept = sink.kept.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut keys: HashMap<String, Key> = kept.iter().cloned().collect();
    let mut files = Vec::with_capacity(rendered.len());
    for (file, key) in rendered {
        keys.insert(file.path.clone(), key);
        files.push(file);
    }
    session.keys = keys;
    let mut briefings = std::mem::take(&mut built.site.briefings);
    // Kept with each briefing, its search entry is joined into the next
    // build's index instead of printed again.
    briefings
        .par_iter_mut()
        .filter(|b| b.search_entry.is_none())
        .for_each(|b| b.search_entry = Some(crate::output::search::entry_json(b).into()));
    let reusable = std::mem::take(&mut built.reusable);
    let stamps = std::mem::take(&mut built.stamps);
    session.memo = Some(Memo::new(briefings, reusable, stamps));
    built.files = files;
    Ok((built, kept.into_iter().map(|(path, _)| path).collect()))
}

/// What lasts from one build of a `serve` session to the next: the key of
/// every file served, the briefings enriched, and the warnings printed
/// (repeated only when they change).
#[derive(Default)]
pub struct Session {
    last_warnings: Vec<String>,
    keys: HashMap<String, Key>,
    memo: Option<Memo>,
}

/// The sink of a `serve` build: remembers the keys of the previous build's
/// files, whose bytes the server still holds.
struct Remembering<'a> {
    previous: &'a HashMap<String, Key>,
    rendered: Mutex<Vec<(OutputFile, Key)>>,
    kept: Mutex<Vec<(String, Key)>>,
}

impl Sink for Remembering<'_> {
    fn wants_keys(&self) -> bool {
        true
    }

    fn unchanged(&self, path: &str, key: Key) -> bool {
        let same = key != 0 && self.previous.get(path) == Some(&key);
        if same {
            self.kept
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((path.to_owned(), key));
        }
        same
    }

    fn put(&self, file: OutputFile, key: Key) {
        if !self.unchanged(&file.path, key) {
            self.rendered
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((file, key));
        }
    }

    fn paths(&self) -> Vec<String> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let rendered = self.rendered.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter()
            .map(|(p, _)| p.clone())
            .chain(rendered.iter().map(|(f, _)| f.path.clone()))
            .collect()
    }
}

/// Runs one build, prints its outcome and hands it to the server.
pub fn build_and_apply(root: &Path, options: &Options, shared: &Shared, session: &mut Session) {
    let first = shared.snapshot().generation == 0;
    let result =
        catch_unwind(AssertUnwindSafe(|| rebuild(root, options, session))).unwrap_or_else(|_| {
            session.keys.clear();
            session.memo = None;
            // The build guards each file; this is a last resort that keeps the
            // server up.
            let msg = "internal error during the build; please report it";
            Err(vec![Diagnostic::error_file(Path::new("."), msg)])
        });
    match &result {
        Ok((built, _)) => {
            let shown: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
            if shown != session.last_warnings {
                print_diagnostics(&built.warnings);
                session.last_warnings = shown;
            }
        }
        Err(diags) => {
            print_diagnostics(diags);
            session.last_warnings.clear();
        }
    }
    match shared.apply(result) {
        Applied::Changed { files, millis } if first => {
            println!(
                "Built {files} {} in {millis} ms",
                plural(files, "file", "files")
            );
        }
        Applied::Changed { files, millis } => println!(
            "Rebuilt in {millis} ms: {files} {} changed",
            plural(files, "file", "files")
        ),
        Applied::Unchanged { millis } => println!("Rebuilt in {millis} ms: no output changed"),
        Applied::Failed => {
            eprintln!("Build failed; still serving the last good version (if any)");
        }
    }
}

/// Starts watching `root` (an absolute path) on a thread of its own that
/// rebuilds after each burst of changes, for as long as the process runs.
pub fn spawn(
    root: PathBuf,
    options: Options,
    shared: Arc<Shared>,
    session: Session,
) -> anyhow::Result<()> {
    let (sender, events) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender)
        .context("could not start watching files for changes")?;
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("could not watch `{}`", root.display()))?;
    let mut watches = Watches::default();
    watches.refresh(&mut watcher, &root);
    let mut looping = Loop {
        root,
        options,
        shared,
        session,
        watcher,
        watches,
    };
    std::thread::Builder::new()
        .name("briefing-watch".to_owned())
        .spawn(move || looping.run(&events))
        .context("could not start the file watcher thread")?;
    Ok(())
}

struct Loop {
    root: PathBuf,
    options: Options,
    shared: Arc<Shared>,
    session: Session,
    watcher: RecommendedWatcher,
    watches: Watches,
}

impl Loop {
    fn run(&mut self, events: &Receiver<notify::Result<Event>>) {
        // Ends when the watcher is gone, that is, never before the process.
        while let Ok(event) = events.recv() {
            if !relevant(&self.root, &event) {
                continue;
            }
            let first = Instant::now();
            loop {
                match events.recv_timeout(DEBOUNCE) {
                    Ok(_) if first.elapsed() < MAX_DELAY => {}
                    Ok(_) | Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            // A folder created (or re-created) since the last build.
            self.watches.refresh(&mut self.watcher, &self.root);
            build_and_apply(&self.root, &self.options, &self.shared, &mut self.session);
        }
    }
}

/// The source folders being watched recursively.
#[derive(Debug, Default)]
struct Watches {
    dirs: Vec<PathBuf>,
}

impl Watches {
    /// Watches each source folder that exists and is not watched yet, and
    /// forgets those that were removed (their watch went with them).
    fn refresh(&mut self, watcher: &mut RecommendedWatcher, root: &Path) {
        self.dirs.retain(|dir| dir.is_dir());
        for name in WATCHED_DIRS {
            let dir = root.join(name);
            if dir.is_dir() && !self.dirs.contains(&dir) {
                match watcher.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => self.dirs.push(dir),
                    Err(err) => eprintln!("warning: could not watch `{}`: {err}", dir.display()),
                }
            }
        }
    }
}

/// Whether an event may change the site: a change (not a mere read or a
/// metadata update, which our own builds would cause) to a file the build
/// reads, other than an editor's temporary file. A watcher error (such as
/// an overflowing event queue) counts, since changes may have been lost.
fn relevant(root: &Path, event: &notify::Result<Event>) -> bool {
    let Ok(event) = event else {
        return true;
    };
    if matches!(
        event.kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    ) {
        return false;
    }
    event.paths.iter().any(|path| watched_path(root, path))
}

/// Whether a path is one the build reads.
fn watched_path(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    if rel == Path::new(crate::config::FILE_NAME) {
        return true;
    }
    let mut names = rel.iter().map(|c| c.to_string_lossy());
    let Some(top) = names.next() else {
        return false;
    };
    WATCHED_DIRS.contains(&&*top) && !names.any(|name| is_temporary(&name))
}

/// Editor swap, backup and lock files, and hidden files, which the build
/// skips anyway.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, CreateKind, DataChange};

    use super::*;

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn source_changes_are_relevant() {
        let root = Path::new("/site");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(relevant(root, &event(write, "/site/content/2025/a.md")));
        assert!(relevant(root, &event(write, "/site/briefing.toml")));
        assert!(relevant(root, &event(write, "/site/templates/base.html")));
        let create = EventKind::Create(CreateKind::Folder);
        assert!(relevant(root, &event(create, "/site/static")));
    }

    #[test]
    fn other_files_and_reads_are_not() {
        let root = Path::new("/site");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        for path in [
            "/site/public/index.html",
            "/site/README.md",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/4913",
            "/site/content/.#a.md",
            "/site/content/2025/a.md.swx",
            "/elsewhere/content/a.md",
        ] {
            assert!(!relevant(root, &event(write, path)), "{path}");
        }
        let read = EventKind::Access(AccessKind::Read);
        assert!(!relevant(root, &event(read, "/site/content/a.md")));
    }
}
