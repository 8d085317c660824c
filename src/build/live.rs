//! A good build kept whole in memory, so that `serve` can patch it after
//! an edit to briefings' files instead of building again.
//!
//! A patch applies only when nothing but the pages that belong to the
//! edited briefing can change: the file is still a briefing of the site,
//! it enriches without a warning, its URL stays the same (same `title` and
//! `slug` as written), and everything other pages, lists, the sitemap and
//! `llms.txt` show of it (see [`SeenElsewhere`]) is as before. Then only
//! its page, its Markdown twin, the feeds that list it and the search
//! index are made again; every other file is the same as a full build
//! would make it. In every other case [`Live::patch`] declines and the
//! caller builds in full.

use std::path::Path;

use crate::cache::SharedStr;
use crate::enrich::Briefing;
use crate::enrich::companies::CompanyMatcher;
use crate::output::assets::Assets;
use crate::render::{Key, Renderer, Sink};
use crate::site::Site;
use crate::source::{Kind, SourceFile, frontmatter};

use super::reuse::{self, Memo, Reusable};
use super::route::{self, Parsed, Routes};
use super::stamps::Stamps;
use super::{Built, Options, enrichment};

/// What a build used besides the site that a patch of it uses again.
pub struct Tools {
    pub(super) routes: Routes,
    pub(super) companies: CompanyMatcher,
    /// The enrichment cache's global key (see [`reuse::Cache::global`]).
    pub(super) global: Key,
    pub(super) renderer: Renderer,
    /// The assets' URLs (their files were handed to the sink).
    pub(super) assets: Assets,
}

impl std::fmt::Debug for Tools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tools").finish_non_exhaustive()
    }
}

/// A good build, kept to be patched.
pub struct Live {
    site: Site,
    tools: Tools,
    reusable: Vec<Reusable>,
    stamps: Stamps,
    next_due: Option<jiff::Timestamp>,
    /// The search index in runs, made by [`Live::prepare`] or else by the
    /// first patch that changes it.
    search: Option<crate::output::search::Runs>,
}

/// What a patch did.
#[derive(Debug, Clone, Copy)]
pub struct Patched {
    /// Wall time, in milliseconds.
    pub millis: u128,
}

impl Live {
    /// Keeps `built` (its files and warnings aside). Each briefing's search
    /// entry is made now if it was not, so that a patch or the next build
    /// joins the index instead of printing it again. A lean build keeps no
    /// plain text to make them from: it must keep its entries
    /// ([`Options::preview`](super::Options::preview) does).
    pub fn new(built: Built) -> Live {
        use rayon::prelude::*;
        let Built {
            mut site,
            tools,
            reusable,
            stamps,
            next_due,
            ..
        } = built;
        site.briefings
            .par_iter_mut()
            .filter(|b| b.search_entry.is_none())
            .for_each(|b| b.search_entry = Some(crate::output::search::entry_json(b).into()));
        Live {
            site,
            tools,
            reusable,
            stamps,
            next_due,
            search: None,
        }
    }

    /// What the next full build reuses: the briefings as enriched, and the
    /// stamps of the files read.
    pub fn into_memo(self) -> Memo {
        Memo::new(self.site.briefings, self.reusable, self.stamps)
    }

    /// Makes now what a patch that changes the search index needs (the
    /// index in runs), rather than when that patch runs.
    pub fn prepare(&mut self) {
        if self.search.is_none() {
            self.search = Some(crate::output::search::Runs::new(&self.site));
        }
    }

    /// Applies edits to the briefing files at `changed` (absolute paths or
    /// paths below `root`) and hands the files that may have changed to
    /// `sink`. Returns `None` when the edits may change more than those
    /// files (see the module's documentation): the caller then builds in
    /// full, from [`Live::into_memo`]. Whatever the patch changed before it
    /// declined is each briefing as its file now reads, which that build
    /// may reuse.
    pub fn patch(
        &mut self,
        root: &Path,
        options: &Options,
        changed: &[&Path],
        sink: &dyn Sink,
    ) -> Option<Patched> {
        let started = std::time::Instant::now();
        let now = options.now.unwrap_or_else(jiff::Timestamp::now);
        // A scheduled briefing fell due: every list may change.
        if self.next_due.is_some_and(|due| due <= now) || changed.is_empty() {
            return None;
        }
        let mut edits = Vec::with_capacity(changed.len());
        for path in changed {
            let edit = self.enrich(root, options, path, now)?;
            if edits.iter().any(|e: &Edit| e.index == edit.index) {
                continue;
            }
            edits.push(edit);
        }
        let indices: Vec<usize> = edits.iter().map(|e| e.index).collect();
        let searched: Vec<usize> = edits
            .iter()
            .filter(|e| e.new_entry)
            .map(|e| e.index)
            .collect();
        for edit in edits {
            self.reusable[edit.reusable] = edit.kept;
            self.site.briefings[edit.index] = *edit.briefing;
        }
        let Tools {
            renderer, assets, ..
        } = &self.tools;
        if crate::render::pages::render_briefings(&self.site, renderer, assets, sink, &indices)
            .is_err()
        {
            // A template that fails on this briefing: the full build reports
            // it. The site holds the edit, which a full build makes again.
            return None;
        }
        for &i in &indices {
            crate::output::llms::render_twin(&self.site.config, &self.site.briefings[i], sink);
            if options.lean {
                self.site.briefings[i].origin.file.forget_text();
            }
        }
        if crate::output::feeds::render_lists_of(&self.site, sink, &indices).is_err() {
            // A body that cannot be read back: the full build reports it.
            return None;
        }
        // The index is made of the entries alone: unless one changed, it is
        // the same.
        if !searched.is_empty() {
            let runs = match &mut self.search {
                Some(runs) => {
                    runs.remake(&self.site, &searched);
                    runs
                }
                None => self
                    .search
                    .insert(crate::output::search::Runs::new(&self.site)),
            };
            runs.put(sink);
        }
        Some(Patched {
            millis: started.elapsed().as_millis(),
        })
    }

    /// The briefing of the file at `path`, enriched again, if the edit can
    /// be patched in.
    fn enrich(
        &self,
        root: &Path,
        options: &Options,
        path: &Path,
        now: jiff::Timestamp,
    ) -> Option<Edit> {
        let content = root.join("content");
        let rel = path.strip_prefix(&content).or_else(|_| {
            let within = path.strip_prefix(root).unwrap_or(path);
            within.strip_prefix("content")
        });
        let content_path = rel.ok()?.to_str()?.replace('\\', "/");
        let index = self
            .site
            .briefings
            .iter()
            .position(|b| b.origin.file.content_path == content_path)?;
        let old = &self.site.briefings[index];
        if old.origin.file.kind != Kind::Briefing {
            return None;
        }
        let at = self.reusable.iter().position(|r| r.path == content_path)?;
        // As the walk does, never follow a symlink (nor read a special file).
        let disk = content.join(&content_path);
        let meta = std::fs::symlink_metadata(&disk).ok()?;
        if !meta.file_type().is_file() || crate::fs::is_symlink(&content) {
            return None;
        }
        let bytes = std::fs::read(&disk).ok()?;
        let text = crate::fs::normalize_text(bytes).ok()?;
        let file = SourceFile::new(
            old.origin.file.display_path.clone(),
            content_path,
            Kind::Briefing,
            text,
        );
        let matter: frontmatter::Parsed<crate::source::schema::BriefingMatter> =
            frontmatter::parse(&file).ok()?;
        let was = &self.reusable[at];
        if matter.matter.title != was.title || matter.matter.slug != was.slug {
            return None;
        }
        let (slug, url) = self.tools.routes.of(&file.content_path)?;
        let recording = reuse::Recording::new(&self.tools.routes);
        let env = enrichment::env(&self.site.config, &recording, &self.tools.companies, now);
        let parsed = Parsed::Briefing(file.clone(), Box::new(matter));
        let (enriched, warnings) = enrichment::guarded(&file.display_path, || {
            parsed.enrich(slug.to_owned(), url.to_owned(), &env)
        })
        .ok()?;
        let route::Enriched::Briefing(mut briefing) = enriched else {
            return None;
        };
        if !warnings.is_empty() || SeenElsewhere::of(&briefing) != SeenElsewhere::of(old) {
            return None;
        }
        briefing.search_entry = Some(crate::output::search::entry_json(&briefing).into());
        if options.lean {
            enrichment::lighten(&mut briefing);
        }
        let kept = Reusable {
            path: file.content_path.clone(),
            text_key: reuse::text_key(self.tools.global, &file),
            lookups: recording.into_lookups(),
            title: was.title.clone(),
            slug: was.slug.clone(),
        };
        briefing.digest = Some(kept.digest(&briefing));
        let new_entry = old.search_entry.as_ref().map(SharedStr::as_str)
            != briefing.search_entry.as_ref().map(SharedStr::as_str);
        Some(Edit {
            index,
            new_entry,
            reusable: at,
            kept,
            briefing,
        })
    }
}

/// One briefing enriched again.
struct Edit {
    /// Its place in [`Site::briefings`].
    index: usize,
    /// Its place in [`Live::reusable`].
    reusable: usize,
    kept: Reusable,
    briefing: Box<Briefing>,
    /// Whether its search entry changed.
    new_entry: bool,
}

/// Everything of a briefing that a file other than its page, its twin, the
/// feeds that list it and the search index shows or depends on: its card
/// and links (title, URL, date, summary, takeaway, authors, companies,
/// tags, reading time, badges), where it sorts and which lists it is in
/// (date, title, tags, authors, companies, story, draft, scheduled), and
/// its sitemap and `llms.txt` lines.
///
/// Every field of [`Briefing`] is named below, so that a new field cannot
/// be added without deciding which side it is on.
#[derive(PartialEq)]
struct SeenElsewhere<'a> {
    title: &'a str,
    slug: &'a str,
    url: &'a str,
    date: &'a jiff::ZonedDateTime,
    updated: Option<&'a jiff::ZonedDateTime>,
    authors: &'a [String],
    takeaway: Option<&'a str>,
    summary: &'a str,
    tags: &'a [String],
    companies: &'a [String],
    story: Option<&'a str>,
    draft: bool,
    scheduled: bool,
    reading_minutes: usize,
}

impl<'a> SeenElsewhere<'a> {
    fn of(b: &'a Briefing) -> Self {
        let Briefing {
            // Its own page, twin, feed entries and search entry only.
            origin: _,
            sources: _,
            key_points: _,
            updates: _,
            extra: _,
            body: _,
            promoted: _,
            digest: _,
            cached_html: _,
            search_entry: _,
            // Seen elsewhere.
            title,
            slug,
            url,
            date,
            updated,
            authors,
            takeaway,
            summary,
            tags,
            companies,
            story,
            draft,
            scheduled,
            reading_minutes,
        } = b;
        SeenElsewhere {
            title,
            slug,
            url,
            date: &date.zoned,
            updated: updated.as_ref().map(|d| &d.zoned),
            authors,
            takeaway: takeaway.as_deref(),
            summary,
            tags,
            companies,
            story: story.as_deref(),
            draft: *draft,
            scheduled: *scheduled,
            reading_minutes: *reading_minutes,
        }
    }
}
