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

use super::state::{Applied, Kept, Served, Shared, Update};
use crate::build::{Live, Memo, Options, Patched};
use crate::cli::{plural, print_diagnostics};
use crate::diag::Diagnostic;
use crate::render::{Key, OutputFile, Sink};

/// How long the files must be quiet before a rebuild starts.
/// An editor's save is a few events within a millisecond or two; a burst
/// of changes (a `git checkout`) keeps the files busy until it is done.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// A rebuild starts after this long even if events keep coming.
const MAX_DELAY: Duration = Duration::from_millis(500);
/// The folders of a site that a build reads.
const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// Builds the site again after a change, reusing what the previous good
/// build of this session made from the same inputs: unchanged briefings are
/// not enriched again, and pages whose context did not change are not
/// rendered again. The update holds only the files rendered, and lists
/// those kept as the previous build made them.
pub fn rebuild(
    root: &Path,
    options: &Options,
    session: &mut Session,
) -> Result<(Update, Vec<Diagnostic>), Vec<Diagnostic>> {
    let sink = Remembering::new(&session.keys);
    // A failed build leaves what the next one can reuse.
    let mut memo = match session.live.take() {
        Some(live) => Some(live.into_memo()),
        None => session.salvaged.take(),
    };
    let result = crate::build::build_to(root, options, &sink, None, &mut memo);
    session.salvaged = memo;
    let mut built = result?.expect("a build asked to skip nothing produces a site");
    let (rendered, kept) = sink.into_parts();
    let mut keys: HashMap<String, Key> = kept.iter().cloned().collect();
    let mut files = Vec::with_capacity(rendered.len());
    for (path, served, key) in rendered {
        keys.insert(path.clone(), key);
        files.push((path, served));
    }
    session.keys = keys;
    let warnings = std::mem::take(&mut built.warnings);
    let millis = built.millis;
    session.live = Some(Live::new(built));
    let update = Update {
        files,
        kept: Kept::Listed(kept.into_iter().map(|(path, _)| path).collect()),
        millis,
    };
    Ok((update, warnings))
}

/// Patches the previous good build after edits to the files at `changed`
/// (see [`Live::patch`]): the edited briefings' pages, twins and feeds and
/// the search index are made again, everything else is kept. `None` when
/// the edits need a full build (which reuses whatever the patch did).
pub fn patch(
    root: &Path,
    options: &Options,
    session: &mut Session,
    changed: &[&Path],
) -> Option<Update> {
    let live = session.live.as_mut()?;
    let sink = Remembering::new(&session.keys);
    let Patched { millis } = live.patch(root, options, changed, &sink)?;
    let (rendered, _) = sink.into_parts();
    let mut files = Vec::with_capacity(rendered.len());
    for (path, served, key) in rendered {
        session.keys.insert(path.clone(), key);
        files.push((path, served));
    }
    Some(Update {
        files,
        kept: Kept::All,
        millis,
    })
}

/// What lasts from one build of a `serve` session to the next: the key of
/// every file served, the last good build, and the warnings printed
/// (repeated only when they change).
#[derive(Default)]
pub struct Session {
    last_warnings: Vec<String>,
    keys: HashMap<String, Key>,
    live: Option<Live>,
    /// What a failed build left for the next one to reuse.
    salvaged: Option<Memo>,
}

impl Session {
    /// Whether a failed build left briefings for the next one to reuse.
    pub fn has_salvage(&self) -> bool {
        self.salvaged.as_ref().is_some_and(|memo| !memo.is_empty())
    }

    /// Forgets everything kept: the next build starts afresh.
    fn forget(&mut self) {
        self.keys.clear();
        self.live = None;
        self.salvaged = None;
    }
}

/// The sink of a `serve` build: remembers the keys of the previous build's
/// files, whose bytes the server still holds.
struct Remembering<'a> {
    previous: &'a HashMap<String, Key>,
    rendered: Mutex<Vec<(String, Served, Key)>>,
    kept: Mutex<Vec<(String, Key)>>,
}

impl<'a> Remembering<'a> {
    fn new(previous: &'a HashMap<String, Key>) -> Self {
        Remembering {
            previous,
            rendered: Mutex::new(Vec::new()),
            kept: Mutex::new(Vec::new()),
        }
    }

    fn keep(&self, path: String, served: Served, key: Key) {
        self.rendered
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path, served, key));
    }

    /// The files rendered, and the paths kept, with their keys.
    #[allow(clippy::type_complexity)]
    fn into_parts(self) -> (Vec<(String, Served, Key)>, Vec<(String, Key)>) {
        let rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        let kept = self.kept.into_inner().unwrap_or_else(|p| p.into_inner());
        (rendered, kept)
    }
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
            let (path, served) = file.into();
            self.keep(path, served, key);
        }
    }

    fn put_parts(&self, path: String, parts: Vec<bytes::Bytes>, key: Key) {
        if !self.unchanged(&path, key) {
            self.keep(path, Served::Parts(parts.into()), key);
        }
    }

    fn paths(&self) -> Vec<String> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let rendered = self.rendered.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter()
            .map(|(p, _)| p.clone())
            .chain(rendered.iter().map(|(path, _, _)| path.clone()))
            .collect()
    }
}

/// How [`build_and_apply`] made the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// It patched the previous build.
    Patched,
    /// It built the site in full (successfully or not).
    Built,
}

/// Runs one build, prints its outcome and hands it to the server. With the
/// paths of the files that `changed` (when the watcher knows them all), the
/// previous build is patched if it can be.
pub fn build_and_apply(
    root: &Path,
    options: &Options,
    shared: &Shared,
    session: &mut Session,
    changed: Option<&[PathBuf]>,
) -> How {
    let first = shared.snapshot().generation == 0;
    let attempt = catch_unwind(AssertUnwindSafe(|| {
        let paths: Vec<&Path> = changed?.iter().map(PathBuf::as_path).collect();
        patch(root, options, session, &paths)
    }));
    let patched = matches!(attempt, Ok(Some(_)));
    let result = match attempt {
        Ok(Some(update)) => Ok(update),
        // A patch that panicked may have left the kept build half done.
        Ok(None) | Err(_) => full(root, options, session, attempt.is_err()),
    };
    let full_build = result.is_ok() && !patched;
    let applied = shared.apply(result);
    if full_build && let Some(live) = &mut session.live {
        // Made now, after the browsers were told, rather than by the first
        // patch that needs it.
        live.prepare();
    }
    let how = if patched { "Patched" } else { "Rebuilt" };
    match applied {
        Applied::Changed { files, millis } if first => {
            println!(
                "Built {files} {} in {millis} ms",
                plural(files, "file", "files")
            );
        }
        Applied::Changed { files, millis } => println!(
            "{how} in {millis} ms: {files} {} changed",
            plural(files, "file", "files")
        ),
        Applied::Unchanged { millis } => println!("{how} in {millis} ms: no output changed"),
        Applied::Failed => {
            eprintln!("Build failed; still serving the last good version (if any)");
        }
    }
    if patched { How::Patched } else { How::Built }
}

/// A full build (forgetting what the session kept if `afresh`), with its
/// warnings printed when they differ from the last ones.
fn full(
    root: &Path,
    options: &Options,
    session: &mut Session,
    afresh: bool,
) -> Result<Update, Vec<Diagnostic>> {
    if afresh {
        session.forget();
    }
    let result =
        catch_unwind(AssertUnwindSafe(|| rebuild(root, options, session))).unwrap_or_else(|_| {
            session.forget();
            // The build guards each file; this is a last resort that keeps the
            // server up.
            let msg = "internal error during the build; please report it";
            Err(vec![Diagnostic::error_file(Path::new("."), msg)])
        });
    match result {
        Ok((update, warnings)) => {
            let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            if shown != session.last_warnings {
                print_diagnostics(&warnings);
                session.last_warnings = shown;
            }
            Ok(update)
        }
        Err(diags) => {
            print_diagnostics(&diags);
            session.last_warnings.clear();
            Err(diags)
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
            let mut burst = Burst::default();
            burst.add(&self.root, event);
            loop {
                match events.recv_timeout(DEBOUNCE) {
                    Ok(event) => {
                        burst.add(&self.root, event);
                        if first.elapsed() >= MAX_DELAY {
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            // A folder created (or re-created) since the last build.
            self.watches.refresh(&mut self.watcher, &self.root);
            build_and_apply(
                &self.root,
                &self.options,
                &self.shared,
                &mut self.session,
                burst.paths(),
            );
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

/// The paths of the source files a burst of events may have changed, as
/// long as every event named them.
#[derive(Debug, Default)]
struct Burst {
    paths: Vec<PathBuf>,
    /// Some change is not known by path: a watcher error, or events lost.
    unknown: bool,
}

impl Burst {
    fn add(&mut self, root: &Path, event: notify::Result<Event>) {
        if !relevant(root, &event) {
            return;
        }
        match event {
            Ok(event) if !event.need_rescan() && !event.paths.is_empty() => {
                let paths = event.paths.into_iter();
                for path in paths.filter(|p| watched_path(root, p)) {
                    if !self.paths.contains(&path) {
                        self.paths.push(path);
                    }
                }
            }
            _ => self.unknown = true,
        }
    }

    /// The paths, if every change is known by its path.
    fn paths(&self) -> Option<&[PathBuf]> {
        (!self.unknown).then_some(&self.paths[..])
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
    fn a_burst_knows_its_paths_unless_a_change_may_be_lost() {
        let root = Path::new("/site");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let mut burst = Burst::default();
        burst.add(root, event(write, "/site/content/2025/a.md"));
        burst.add(root, event(write, "/site/content/.a.md.swp"));
        burst.add(root, event(write, "/site/content/2025/a.md"));
        burst.add(root, event(write, "/site/public/index.html"));
        burst.add(
            root,
            event(EventKind::Create(CreateKind::File), "/site/static/x.css"),
        );
        let expected = [
            PathBuf::from("/site/content/2025/a.md"),
            PathBuf::from("/site/static/x.css"),
        ];
        assert_eq!(burst.paths(), Some(&expected[..]));

        let mut lost = Burst::default();
        lost.add(root, event(write, "/site/content/2025/a.md"));
        lost.add(root, Err(notify::Error::generic("queue overflow")));
        assert_eq!(lost.paths(), None);

        let mut rescan = Burst::default();
        let flagged = Event::new(write)
            .add_path(PathBuf::from("/site/content/2025/a.md"))
            .set_flag(notify::event::Flag::Rescan);
        rescan.add(root, Ok(flagged));
        assert_eq!(rescan.paths(), None);
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
