//! What an output holds that its build did not put there. A clean build
//! swaps in a new folder, so nothing put into the output by hand survives
//! it; an update in place removes such files to make the same site.
//!
//! They are found without walking the output: the manifest records every
//! output folder's modification time (a file put into a folder changes its
//! time), and only the folders whose time changed are read. That takes a
//! stat of each folder, which a thread does while the build reads its
//! sources ([`Lookout`]). The same thread checks that every file the
//! previous build wrote is still as it left it: a file that is not is
//! made again, never kept.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use super::{MARKER, Record, lock, modified_nanos};

/// What the output holds that the previous build did not put there (files
/// and links, folders, and the known folders whose time changed), and the
/// files it did put there that are no longer as it left them.
#[derive(Debug, Default, Clone)]
pub(super) struct Strangers {
    /// Files and links the manifest does not name, sorted.
    pub files: Vec<String>,
    /// Folders the build did not make, deepest first.
    pub folders: Vec<String>,
    /// The recorded folders whose time changed (and were read).
    pub changed: Vec<String>,
    /// Files the previous build wrote that are gone or no longer as it
    /// left them (another size or modification time, or not a file).
    pub altered: HashSet<String>,
}

impl Strangers {
    /// Whether there is nothing to remove (altered files are made again,
    /// not removed).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.folders.is_empty()
    }

    /// Everything in the folder `rel` of `output`, which its build did not
    /// make, links not followed.
    fn add_tree(&mut self, output: &Path, rel: &str) {
        let walk = walkdir::WalkDir::new(output.join(rel))
            .follow_links(false)
            .contents_first(true);
        for entry in walk.into_iter().filter_map(Result::ok) {
            let Ok(path) = entry.path().strip_prefix(output) else {
                continue;
            };
            let path = crate::fs::slash_path(path);
            if entry.file_type().is_dir() {
                self.folders.push(path);
            } else {
                self.files.push(path);
            }
        }
    }
}

/// The search for strangers and altered files, run on a thread of its
/// own from the start of a build (without the build's thread pool, whose
/// threads may wait for it); the output is not touched before the build
/// ends.
#[derive(Default)]
pub(super) struct Lookout {
    found: OnceLock<Strangers>,
    thread: Mutex<Option<std::thread::JoinHandle<Strangers>>>,
}

impl Lookout {
    /// Starts looking in `output` for what the previous build, which wrote
    /// the files `previous` and recorded the `folders`, did not put there.
    pub fn start(
        output: PathBuf,
        previous: Arc<HashMap<String, Record>>,
        folders: Arc<Vec<(String, i128)>>,
    ) -> Lookout {
        let thread = std::thread::spawn(move || find(&output, &previous, &folders));
        Lookout {
            found: OnceLock::new(),
            thread: Mutex::new(Some(thread)),
        }
    }

    /// What was found (nothing, for a lookout never started).
    pub fn found(&self) -> &Strangers {
        self.found.get_or_init(|| {
            let thread = lock(&self.thread).take();
            thread.and_then(|t| t.join().ok()).unwrap_or_default()
        })
    }
}

fn find(
    output: &Path,
    previous: &HashMap<String, Record>,
    folders: &[(String, i128)],
) -> Strangers {
    let known: HashSet<&str> = folders.iter().map(|f| f.0.as_str()).collect();
    let found: Vec<Strangers> = folders
        .iter()
        .filter(|(folder, time)| {
            let meta = std::fs::symlink_metadata(output.join(folder));
            meta.is_ok_and(|m| m.is_dir() && modified_nanos(&m) != *time)
        })
        .map(|(folder, _)| {
            let mut found = Strangers {
                changed: vec![folder.clone()],
                ..Strangers::default()
            };
            let Ok(entries) = std::fs::read_dir(output.join(folder)) else {
                return found;
            };
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = if folder.is_empty() {
                    name
                } else {
                    format!("{folder}/{name}")
                };
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if is_dir && !known.contains(rel.as_str()) {
                    found.add_tree(output, &rel);
                } else if !is_dir && rel != MARKER && !previous.contains_key(&rel) {
                    found.files.push(rel);
                }
            }
            found
        })
        .collect();
    let mut all = Strangers::default();
    for f in found {
        all.files.extend(f.files);
        all.folders.extend(f.folders);
        all.changed.extend(f.changed);
    }
    all.files.sort();
    // Deepest first, so that each is empty when its turn comes.
    all.folders.sort_by(|a, b| {
        let depth = |p: &str| p.matches('/').count();
        depth(b).cmp(&depth(a)).then(a.cmp(b))
    });
    all.altered = altered(output, previous);
    all
}

/// The files of `previous` that are not in `output` as the previous build
/// left them, looked at on a few threads of their own.
fn altered(output: &Path, previous: &HashMap<String, Record>) -> HashSet<String> {
    let files: Vec<(&String, &Record)> = previous.iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let per = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let checks: Vec<_> = files
            .chunks(per)
            .map(|chunk| {
                let check = scope.spawn(move || {
                    chunk
                        .iter()
                        .filter(|(path, record)| !intact(output, path, record))
                        .map(|(path, _)| (*path).clone())
                        .collect::<Vec<String>>()
                });
                (chunk, check)
            })
            .collect();
        checks
            .into_iter()
            .flat_map(|(chunk, check)| {
                // A check that failed to finish proves nothing intact.
                check
                    .join()
                    .unwrap_or_else(|_| chunk.iter().map(|(path, _)| (*path).clone()).collect())
            })
            .collect()
    })
}

/// Whether the file at `path` in `output` is as the build that recorded
/// `record` left it.
fn intact(output: &Path, path: &str, record: &Record) -> bool {
    super::safe_relative(path).is_ok_and(|rel| {
        std::fs::symlink_metadata(output.join(rel)).is_ok_and(|meta| {
            meta.is_file() && meta.len() == record.size && modified_nanos(&meta) == record.modified
        })
    })
}

/// The folders `path` lies in, innermost first; the output itself (`""`)
/// is not among them.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    fn parent<'a>(path: &&'a str) -> Option<&'a str> {
        path.rsplit_once('/').map(|(parent, _)| parent)
    }
    std::iter::successors(parent(&path), parent)
}

/// The folders an update in place changed by moving, removing or finding
/// `paths`: each of them that is a folder, every folder they lie in, and
/// the output itself.
pub(super) fn touched<'a>(paths: impl Iterator<Item = &'a String>) -> HashSet<String> {
    let mut touched = HashSet::default();
    touched.insert(String::new());
    for path in paths {
        touched.insert(path.clone());
        touched.extend(ancestors(path).map(str::to_owned));
    }
    touched
}

/// Every folder holding `files` in `output` (and the output itself), with
/// its modification time now. After an update in place (`touched` names
/// the folders it changed), the times recorded `before` of the folders it
/// did not touch stand as they were.
pub(super) fn folder_times(
    output: &Path,
    files: &[(String, Record)],
    before: &[(String, i128)],
    touched: Option<&HashSet<String>>,
) -> Vec<(String, i128)> {
    let before: HashMap<&str, i128> = match touched {
        Some(_) => before.iter().map(|(f, t)| (f.as_str(), *t)).collect(),
        None => HashMap::default(),
    };
    let mut folders: HashSet<&str> = HashSet::default();
    folders.insert("");
    for (path, _) in files {
        // A folder already seen was seen with the folders it lies in.
        for parent in ancestors(path) {
            if !folders.insert(parent) {
                break;
            }
        }
    }
    let mut times: Vec<(String, i128)> = folders
        .into_par_iter()
        .filter_map(|folder| {
            if let (Some(touched), Some(&time)) = (touched, before.get(folder))
                && !touched.contains(folder)
            {
                return Some((folder.to_owned(), time));
            }
            let meta = std::fs::symlink_metadata(output.join(folder)).ok()?;
            Some((folder.to_owned(), modified_nanos(&meta)))
        })
        .collect();
    times.par_sort_unstable();
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_run_from_the_innermost_folder_out() {
        assert_eq!(ancestors("a/b/c.html").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("c.html").count(), 0);
        let touched = touched([String::from("a/b/c.html")].iter());
        let mut touched: Vec<&str> = touched.iter().map(String::as_str).collect();
        touched.sort();
        assert_eq!(touched, ["", "a", "a/b", "a/b/c.html"]);
    }
}
