//! What the preview server shares between its request handlers and its
//! rebuilds: the files of the last good build (swapped whole, never edited in
//! place), the current build status, and the channel that tells browsers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use tokio::sync::broadcast;

use super::reload::{self, Message};
use crate::diag::Diagnostic;
use crate::render::OutputFile;

/// Past this many changed files a `reload` event says "everything" instead
/// of listing them: a browser only needs to know whether its page is one.
const MAX_LISTED_CHANGES: usize = 1000;

/// Messages kept for a slow browser before it is told to reload outright.
const EVENT_BACKLOG: usize = 64;

/// The files of one good build, by output path (`briefings/x/index.html`).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every output file.
    pub files: Files,
    /// Counts the builds whose output differed from the one before; 0 until
    /// the first good build.
    pub generation: u64,
}

/// What a rebuild did, for the terminal.
#[derive(Debug)]
pub enum Applied {
    /// The build succeeded and these many output files changed.
    Changed {
        /// Changed, added or removed files.
        files: usize,
        /// Build time.
        millis: u128,
    },
    /// The build succeeded with the same output as before.
    Unchanged {
        /// Build time.
        millis: u128,
    },
    /// The build failed; the previous files are still served.
    Failed,
}

/// Every file of a build by output path: those of the last full build,
/// shared by the snapshots that follow it, and those patched since, laid
/// over them (a patch never removes a file).
#[derive(Debug, Default, Clone)]
pub struct Files {
    base: Arc<HashMap<String, Served>>,
    patched: HashMap<String, Served>,
}

impl Files {
    /// The file at `path`.
    pub fn get(&self, path: &str) -> Option<&Served> {
        self.patched.get(path).or_else(|| self.base.get(path))
    }

    /// Whether there is a file at `path`.
    pub fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Every path, sorted.
    pub fn list(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self.paths().map(String::as_str).collect();
        paths.sort_unstable();
        paths.dedup();
        paths
    }

    /// Every path (a patched one may come twice).
    fn paths(&self) -> impl Iterator<Item = &String> {
        self.base.keys().chain(self.patched.keys())
    }
}

/// A file's bytes as served: whole, or in parts that join into it (the
/// search index, whose parts a patched build shares with the one before).
#[derive(Debug, Clone)]
pub enum Served {
    /// One piece.
    Whole(Bytes),
    /// Consecutive parts.
    Parts(Arc<[Bytes]>),
}

impl Served {
    /// The bytes, joined.
    pub fn bytes(&self) -> Bytes {
        match self {
            Served::Whole(bytes) => bytes.clone(),
            Served::Parts(parts) => Bytes::from(parts.concat()),
        }
    }

    /// Whether both hold the same bytes. Parts cut alike are compared one
    /// by one, and a part shared by both is not read.
    fn same(&self, other: &Served) -> bool {
        match (self, other) {
            (Served::Whole(a), Served::Whole(b)) => a == b,
            (Served::Parts(a), Served::Parts(b)) if total(a) != total(b) => false,
            (Served::Parts(a), Served::Parts(b))
                if a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|(x, y)| x.len() == y.len()) =>
            {
                a.iter()
                    .zip(b.iter())
                    .all(|(x, y)| x.as_ptr() == y.as_ptr() || x == y)
            }
            _ => self.bytes() == other.bytes(),
        }
    }
}

fn total(parts: &[Bytes]) -> usize {
    parts.iter().map(Bytes::len).sum()
}

impl From<OutputFile> for (String, Served) {
    fn from(file: OutputFile) -> Self {
        (file.path, Served::Whole(Bytes::from(file.bytes)))
    }
}

/// The files a build made, for the server to take in.
#[derive(Debug)]
pub struct Update {
    /// The files rendered (changed or not), by output path.
    pub files: Vec<(String, Served)>,
    /// What became of the other files of the previous build.
    pub kept: Kept,
    /// Build time.
    pub millis: u128,
}

/// Which of the previous build's files an [`Update`] keeps besides its own.
#[derive(Debug)]
pub enum Kept {
    /// These, found the same without being rendered again; the others are
    /// gone (a full build).
    Listed(Vec<String>),
    /// All of them (a patch, which renders only what may have changed).
    All,
}

/// State shared by every connection and the watcher.
#[derive(Debug)]
pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The message a browser gets on connecting when the build is broken.
    /// Guarded together with sending, so that a browser subscribing at the
    /// same moment sees either the old state and the event, or the new state.
    failure: Mutex<Option<Message>>,
    events: broadcast::Sender<Message>,
    /// Tells one server process from the next, so that a page served by an
    /// earlier run reloads when the browser reconnects.
    pub instance: String,
}

impl Shared {
    /// Empty state: nothing built yet.
    pub fn new() -> Shared {
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot::default())),
            failure: Mutex::new(None),
            events,
            instance: format!("{:x}-{:x}", started, std::process::id()),
        }
    }

    /// The files being served now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock only means a panic elsewhere; the Arc inside is whole.
        Arc::clone(&self.snapshot.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The message to send a browser that just connected, and a receiver for
    /// everything after it.
    pub fn subscribe(&self) -> (Message, broadcast::Receiver<Message>) {
        let failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        let receiver = self.events.subscribe();
        let first = match &*failure {
            Some(message) => message.clone(),
            None => reload::ok(&self.instance, self.snapshot().generation),
        };
        (first, receiver)
    }

    /// Takes in the result of a build (the files it rendered, and the paths
    /// of those it kept as they were): swaps in the new files when they
    /// differ, remembers a failure, and tells every browser.
    pub fn apply(&self, result: Result<Update, Vec<Diagnostic>>) -> Applied {
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.snapshot();
        let (message, applied) = match result {
            Err(diags) => {
                let message = reload::error(&self.instance, old.generation, &diags);
                *failure = Some(message.clone());
                (message, Applied::Failed)
            }
            Ok(update) => {
                *failure = None;
                let millis = update.millis;
                let (files, changed) = diff(&old.files, update.files, &update.kept);
                if changed.is_empty() && old.generation > 0 {
                    let message = reload::ok(&self.instance, old.generation);
                    (message, Applied::Unchanged { millis })
                } else {
                    let generation = old.generation + 1;
                    // The first good build after a failed start replaces a
                    // placeholder page that is in no list.
                    let all = old.generation == 0 || changed.len() > MAX_LISTED_CHANGES;
                    let listed: &[String] = if all { &[] } else { &changed };
                    let message = reload::reload(&self.instance, generation, listed, all, millis);
                    let count = changed.len();
                    let next = Arc::new(Snapshot { files, generation });
                    *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = next;
                    (
                        message,
                        Applied::Changed {
                            files: count,
                            millis,
                        },
                    )
                }
            }
        };
        // No browser connected is not an error.
        let _ = self.events.send(message);
        applied
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared::new()
    }
}

/// The new file map, reusing the old bytes where a file did not change (or
/// was `kept` without being rendered again), and the sorted paths that
/// changed, were added or were removed.
pub fn diff(old: &Files, new: Vec<(String, Served)>, kept: &Kept) -> (Files, Vec<String>) {
    let mut changed = Vec::new();
    let Kept::Listed(kept) = kept else {
        // A patch: the same files, those it changed laid over them.
        let mut files = old.clone();
        for (path, served) in new {
            if !old.get(&path).is_some_and(|same| same.same(&served)) {
                changed.push(path.clone());
                files.patched.insert(path, served);
            }
        }
        changed.sort();
        return (files, changed);
    };
    let mut base = HashMap::with_capacity(new.len() + kept.len());
    for path in kept {
        match old.get(path) {
            Some(served) => {
                base.insert(path.clone(), served.clone());
            }
            // Kept by key but not served: cannot happen, but never serve a
            // hole.
            None => changed.push(path.clone()),
        }
    }
    for (path, served) in new {
        let served = match old.get(&path) {
            Some(same) if same.same(&served) => same.clone(),
            _ => {
                changed.push(path.clone());
                served
            }
        };
        base.insert(path, served);
    }
    changed.extend(old.paths().filter(|p| !base.contains_key(*p)).cloned());
    changed.sort();
    changed.dedup();
    let files = Files {
        base: Arc::new(base),
        patched: HashMap::new(),
    };
    (files, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (String, Served) {
        OutputFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
        .into()
    }

    fn text(files: &Files, path: &str) -> Vec<u8> {
        files.get(path).unwrap().bytes().to_vec()
    }

    #[test]
    fn diff_lists_changed_added_and_removed_files() {
        let (old, changed) = diff(
            &Files::default(),
            vec![file("a.html", "a"), file("b.css", "b"), file("c.txt", "c")],
            &Kept::Listed(Vec::new()),
        );
        assert_eq!(changed, ["a.html", "b.css", "c.txt"]);
        let (new, changed) = diff(
            &old,
            vec![file("b.css", "B"), file("d.xml", "d")],
            &Kept::Listed(vec!["a.html".to_owned()]),
        );
        assert_eq!(changed, ["b.css", "c.txt", "d.xml"]);
        assert_eq!(text(&new, "b.css"), b"B");
        assert!(!new.contains_key("c.txt"));
    }

    #[test]
    fn a_patch_keeps_every_file_it_did_not_render() {
        let (old, _) = diff(
            &Files::default(),
            vec![file("a.html", "a"), file("b.css", "b")],
            &Kept::Listed(Vec::new()),
        );
        let (new, changed) = diff(
            &old,
            vec![file("a.html", "A"), file("b.css", "b")],
            &Kept::All,
        );
        assert_eq!(changed, ["a.html"]);
        assert_eq!(text(&new, "a.html"), b"A");
        assert_eq!(text(&new, "b.css"), b"b");
    }

    #[test]
    fn parts_are_compared_by_their_bytes_however_they_are_cut() {
        let parts = |p: &[&'static str]| {
            Served::Parts(p.iter().map(|s| Bytes::from_static(s.as_bytes())).collect())
        };
        let whole = Served::Whole(Bytes::from_static(b"abc"));
        assert!(parts(&["ab", "c"]).same(&parts(&["a", "bc"])));
        assert!(parts(&["ab", "c"]).same(&whole));
        assert!(whole.same(&parts(&["abc"])));
        assert!(!parts(&["ab", "c"]).same(&parts(&["ab", "d"])));
        assert!(!parts(&["ab", "c"]).same(&parts(&["ab", "cd"])));
        assert!(!parts(&["ab", "c"]).same(&Served::Whole(Bytes::from_static(b"abd"))));
    }

    #[test]
    fn diff_of_identical_output_is_empty() {
        let none = Kept::Listed(Vec::new());
        let (old, _) = diff(&Files::default(), vec![file("a.html", "a")], &none);
        let (_, changed) = diff(&old, vec![file("a.html", "a")], &none);
        assert!(changed.is_empty());
    }
}
