//! What the preview server shares between its request handlers and its
//! rebuilds: the files of the last good build (swapped whole, never edited in
//! place), the current build status, and the channel that tells browsers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use tokio::sync::broadcast;

use super::reload::{self, Message};
use crate::build::Built;
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
    pub files: HashMap<String, Bytes>,
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
    pub fn apply(&self, result: Result<(Built, Vec<String>), Vec<Diagnostic>>) -> Applied {
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.snapshot();
        let (message, applied) = match result {
            Err(diags) => {
                let message = reload::error(&self.instance, old.generation, &diags);
                *failure = Some(message.clone());
                (message, Applied::Failed)
            }
            Ok((built, kept)) => {
                *failure = None;
                let millis = built.millis;
                let (files, changed) = diff(&old.files, built.files, &kept);
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
pub fn diff(
    old: &HashMap<String, Bytes>,
    new: Vec<OutputFile>,
    kept: &[String],
) -> (HashMap<String, Bytes>, Vec<String>) {
    let mut files = HashMap::with_capacity(new.len() + kept.len());
    let mut changed = Vec::new();
    for path in kept {
        match old.get(path) {
            Some(bytes) => {
                files.insert(path.clone(), bytes.clone());
            }
            // Kept by key but not served: cannot happen, but never serve a
            // hole.
            None => changed.push(path.clone()),
        }
    }
    for OutputFile { path, bytes } in new {
        let bytes = match old.get(&path) {
            Some(same) if same[..] == bytes[..] => same.clone(),
            _ => {
                changed.push(path.clone());
                Bytes::from(bytes)
            }
        };
        files.insert(path, bytes);
    }
    changed.extend(old.keys().filter(|p| !files.contains_key(*p)).cloned());
    changed.sort();
    (files, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn diff_lists_changed_added_and_removed_files() {
        let (old, changed) = diff(
            &HashMap::new(),
            vec![file("a.html", "a"), file("b.css", "b"), file("c.txt", "c")],
            &[],
        );
        assert_eq!(changed, ["a.html", "b.css", "c.txt"]);
        let (new, changed) = diff(
            &old,
            vec![file("b.css", "B"), file("d.xml", "d")],
            &["a.html".to_owned()],
        );
        assert_eq!(changed, ["b.css", "c.txt", "d.xml"]);
        assert_eq!(&new["b.css"][..], b"B");
        assert!(!new.contains_key("c.txt"));
    }

    #[test]
    fn diff_of_identical_output_is_empty() {
        let (old, _) = diff(&HashMap::new(), vec![file("a.html", "a")], &[]);
        let (_, changed) = diff(&old, vec![file("a.html", "a")], &[]);
        assert!(changed.is_empty());
    }
}
