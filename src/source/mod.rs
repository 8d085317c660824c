//! Stage 1, load: walk `content/`, read each Markdown file, split and parse its
//! front matter.
//!
//! [`walk::load`] gives one [`SourceFile`] per regular `*.md` file;
//! [`frontmatter::parse`] turns a file into its typed front matter, the byte
//! span of every top-level key, and the body.

pub mod frontmatter;
pub mod schema;
pub mod walk;

use std::path::PathBuf;
use std::sync::Arc;

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

/// One content file as read from disk: UTF-8, BOM stripped, line endings `\n`.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// Path shown in messages: relative to the site root (`content/2025/x.md`).
    pub display_path: PathBuf,
    /// Path relative to `content/` with `/` separators (`2025/x.md`), used to
    /// resolve links between content files.
    pub content_path: String,
    /// Which section the file belongs to.
    pub kind: Kind,
    /// The whole text of the file.
    pub text: Arc<str>,
}
