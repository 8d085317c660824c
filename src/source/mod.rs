//! Stage 1, load: walk `content/`, read each Markdown file, split and parse its
//! front matter.
//!
//! [`walk::load`] gives one [`SourceFile`] per regular `*.md` file;
//! [`frontmatter::parse`] turns a file into its typed front matter, the byte
//! span of every top-level key, and the body.

pub mod frontmatter;
pub mod schema;
pub mod walk;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

/// Which part of the site a content file belongs to, decided by its folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Any `*.md` outside the reserved folders.
    #[default]
    Briefing,
    /// `content/pages/`: standalone pages such as About.
    Page,
    /// `content/companies/`: one profile per company.
    Company,
    /// `content/stories/`: one intro per story thread.
    Story,
}

/// One content file: UTF-8, BOM stripped, line endings `\n`. Its text is
/// read when the file is walked, or, for a file the walk was told it may
/// trust (see [`walk::load_except`]), the first time it is asked for.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// Path shown in messages: relative to the site root (`content/2025/x.md`).
    pub display_path: PathBuf,
    /// Path relative to `content/` with `/` separators (`2025/x.md`), used to
    /// resolve links between content files.
    pub content_path: String,
    /// Which section the file belongs to.
    pub kind: Kind,
    /// What the file's metadata said when it was walked (before it was
    /// read); `None` for text that did not come from a file.
    pub stamp: Option<Stamp>,
    text: OnceLock<Arc<str>>,
    /// Where to read the text from if it was not read yet.
    disk: Option<Arc<Path>>,
}

impl SourceFile {
    /// A file whose text is at hand.
    pub fn new(
        display_path: PathBuf,
        content_path: String,
        kind: Kind,
        text: impl Into<Arc<str>>,
    ) -> SourceFile {
        SourceFile {
            display_path,
            content_path,
            kind,
            stamp: None,
            text: OnceLock::from(text.into()),
            disk: None,
        }
    }

    /// A file whose text is read from `disk` when it is first asked for.
    pub fn unread(
        display_path: PathBuf,
        content_path: String,
        kind: Kind,
        disk: &Path,
    ) -> SourceFile {
        SourceFile {
            display_path,
            content_path,
            kind,
            disk: Some(Arc::from(disk)),
            ..SourceFile::default()
        }
    }

    /// The whole text of the file. A file left unread by the walk is read
    /// now; if that fails (it was deleted since), the text is empty, and the
    /// next build, which sees the file changed or gone, makes up for it.
    pub fn text(&self) -> &Arc<str> {
        self.text.get_or_init(|| {
            let read = self.disk.as_deref().and_then(|p| std::fs::read(p).ok());
            let text = read.and_then(|bytes| crate::fs::normalize_text(bytes).ok());
            Arc::from(text.unwrap_or_default())
        })
    }

    /// Whether the text has been read (or was given).
    pub fn is_read(&self) -> bool {
        self.text.get().is_some()
    }

    /// Lets the text go: a later [`SourceFile::text`] is empty. For builds
    /// that hold many files and are done reading them.
    pub fn forget_text(&mut self) {
        self.text = OnceLock::from(Arc::from(""));
        self.disk = None;
    }
}

/// What tells one version of a file from another without reading it: its
/// size, inode and modification and change times. A file whose stamp is the
/// same is taken to be the same file, as make and git take it, unless it
/// was modified so shortly before its stamp was taken that a second write
/// could have left the times as they were (see [`Stamp::settled_before`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Length in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since the epoch.
    pub modified: i128,
    /// Status change time (Unix), in nanoseconds since the epoch; changes
    /// on every write and on every change of the times themselves.
    pub changed: i128,
    /// Inode number (Unix): a file replaced by another has another.
    pub inode: u64,
}

impl Stamp {
    /// Filesystems keep times at a coarse grain (two seconds on FAT, one on
    /// some network filesystems, a clock tick on others): a file modified
    /// within this long before a stamp was taken may change again without
    /// its stamp changing.
    pub const SETTLE: i128 = 2_000_000_000;

    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        // Unknown (or pre-epoch) times are negative: such a file never
        // settles, and is always read.
        let nanos =
            |t: std::io::Result<std::time::SystemTime>| t.map_or(-1, crate::fs::epoch_nanos);
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            let changed = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
            (changed, meta.ino())
        };
        #[cfg(not(unix))]
        let (changed, inode) = (nanos(meta.created()), 0);
        Stamp {
            size: meta.len(),
            modified: nanos(meta.modified()),
            changed,
            inode,
        }
    }

    /// Whether the file had last been modified well before `time` (in
    /// nanoseconds since the epoch): then a stamp taken at `time` that is
    /// still the same later means the file is.
    pub fn settled_before(&self, time: i128) -> bool {
        self.modified >= 0
            && self.changed >= 0
            && self.modified < time - Stamp::SETTLE
            && self.changed < time - Stamp::SETTLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_left_unread_is_read_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "\u{feff}line\r\n").unwrap();
        let file = SourceFile::unread(PathBuf::new(), String::new(), Kind::Briefing, &path);
        assert!(!file.is_read());
        assert_eq!(&**file.text(), "line\n");
        assert!(file.is_read());
        let gone = dir.path().join("gone.md");
        let mut gone = SourceFile::unread(PathBuf::new(), String::new(), Kind::Briefing, &gone);
        assert_eq!(&**gone.text(), "");
        gone.forget_text();
        assert_eq!(&**gone.text(), "");
    }

    #[test]
    fn unknown_times_never_settle() {
        let at = |modified, changed| Stamp {
            size: 1,
            modified,
            changed,
            inode: 1,
        };
        let now = 100 * 1_000_000_000;
        assert!(at(1, 1).settled_before(now));
        assert!(!at(-1, 1).settled_before(now));
        assert!(!at(1, -1).settled_before(now));
        assert!(!at(now - Stamp::SETTLE, 1).settled_before(now));
    }
}
