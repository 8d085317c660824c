//! `briefing`: a static site generator for sourced AI-news briefings.
//!
//! A build is a pipeline; each stage takes the previous stage's type:
//!
//! 1. [`source`] — walk `content/`, read files, split and parse front matter
//!    (`SourceFile` → typed front matter + body).
//! 2. [`markdown`] — Markdown events → HTML, one small adapter per concern
//!    (heading ids, highlighting, content links, URL safety, sanitizing).
//! 3. [`enrich`] — derive what the author did not write: key points, source,
//!    author, takeaway, summary, reading time (→ `Briefing`).
//! 4. [`site`] — assemble an immutable [`site::Site`]: briefings sorted,
//!    previous/next, tags, companies, authors, stories.
//! 5. [`render`] — Tera templates (embedded theme + site overrides) over typed
//!    view structs (→ `OutputFile`s).
//! 6. [`output`] — write the files as they are rendered into a fresh
//!    directory and swap it in atomically, or update the previous output
//!    in place with only the files that changed.
//!
//! [`config`] reads `briefing.toml`; [`diag`] carries content problems as
//! `path:line:col: message`; [`fs`] wraps file IO with paths in every error;
//! [`escape`] escapes for XML and for JSON inside `<script>`;
//! [`build`] runs the pipeline; [`cache`] keeps what a build made beside
//! the output, so that the next one redoes only what an edit touches; [`check`] looks for broken links, anchors
//! and briefing lint in a built site; [`serve`] is the live preview (build
//! in memory, serve, rebuild on change); [`cli`] holds one module per command.
//! [`import`] turns an article written elsewhere (text, HTML, Markdown) into
//! a briefing, inferring its metadata.

pub mod build;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod enrich;
pub mod escape;
pub mod fs;
pub mod import;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod starter;
pub mod theme;
