//! The parse and enrich stages: every content file's front matter, then
//! every file enriched (Markdown, key points, takeaway, companies, links)
//! or its briefing taken from the cache or the memo, then the site
//! assembled.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use super::reuse;
use super::route::{self, Parsed, Routes};
use super::{Memo, Options, Timings, highlighter};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::enrich::Env;
use crate::enrich::companies::{CompanyMatcher, KnownCompany};
use crate::markdown::{self, LinkResolver};
use crate::render::Key;
use crate::render::sink::{Hasher, Sink};
use crate::site::{Include, Site};
use crate::source::{SourceFile, frontmatter};

/// What every briefing's enrichment depends on besides its own file and
/// links: the program, `briefing.toml`, the options and the known companies.
pub(super) fn enrichment_key(config: &Config, options: &Options, known: &[KnownCompany]) -> Key {
    let mut h = Hasher::new(crate::cache::identity());
    let text = std::fs::read(config.root.join(crate::config::FILE_NAME)).ok();
    h.value(&text);
    h.value(&(
        &options.base_url,
        options.drafts,
        options.future,
        options.lean,
    ));
    for c in known {
        h.value(&(&c.name, &c.aliases));
    }
    h.finish()
}

/// Runs `f`, turning a panic into an error naming the file: one bad page
/// never takes the build down silently.
pub(super) fn guarded<T>(
    shown: &Path,
    f: impl FnOnce() -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        let msg = format!("internal error while processing this file ({what}); please report it");
        Err(vec![Diagnostic::error_file(shown, msg)])
    })
}

/// Parses every file's front matter, except briefings whose file is the
/// one a cached entry was made from. The company profiles come first: the
/// cache's key depends on them. Each file goes with what was parsed of it.
pub(super) fn parse_all(
    (files, file_keys): (Vec<SourceFile>, &[Key]),
    config: &Config,
    options: &Options,
    memo: Option<Memo>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Parsed>, reuse::Cache, Vec<KnownCompany>) {
    use crate::source::Kind;
    type Slot = Option<Result<Parsed, Vec<Diagnostic>>>;
    let parse = |file: SourceFile| -> Result<Parsed, Vec<Diagnostic>> {
        let shown = file.display_path.clone();
        guarded(&shown, || match file.kind {
            Kind::Briefing => {
                frontmatter::parse(&file).map(|m| Parsed::Briefing(file, Box::new(m)))
            }
            Kind::Page => frontmatter::parse(&file).map(|m| Parsed::Page(file, m)),
            Kind::Company => frontmatter::parse(&file).map(|m| Parsed::Company(file, m)),
            Kind::Story => frontmatter::parse(&file).map(|m| Parsed::Story(file, m)),
        })
    };
    // Each file, until it is parsed (or taken with its cached entry).
    let mut files: Vec<Option<SourceFile>> = files.into_iter().map(Some).collect();
    let mut slots: Vec<Slot> = files.iter().map(|_| None).collect();
    let others: Vec<(usize, Result<Parsed, Vec<Diagnostic>>)> = files
        .par_iter_mut()
        .enumerate()
        .filter(|(_, f)| f.as_ref().is_some_and(|f| f.kind != Kind::Briefing))
        .filter_map(|(i, f)| Some((i, parse(f.take()?))))
        .collect();
    let known: Vec<KnownCompany> = others
        .iter()
        .filter_map(|(_, p)| match p {
            Ok(Parsed::Company(_, c)) => Some(KnownCompany {
                name: c.matter.name.trim().to_owned(),
                aliases: c.matter.aliases.clone(),
            }),
            _ => None,
        })
        .collect();
    for (i, p) in others {
        slots[i] = Some(p);
    }
    let global = enrichment_key(config, options, &known);
    let mut cache = match (&options.cache_dir, memo) {
        (_, Some(memo)) => reuse::Cache::from_memo(memo, global),
        (Some(dir), None) if options.reuse => reuse::Cache::load(dir, global),
        (Some(dir), None) => reuse::Cache::fresh(dir, global),
        (None, None) => reuse::Cache::none(global),
    };
    let mut unparsed = Vec::new();
    for (i, slot) in files.iter_mut().enumerate() {
        let Some(file) = slot.take() else {
            continue;
        };
        match cache.take(&file, file_keys[i]) {
            Some(entry) => slots[i] = Some(Ok(Parsed::Cached(file, Box::new(entry)))),
            None => unparsed.push((i, file)),
        }
    }
    let briefings: Vec<(usize, Result<Parsed, Vec<Diagnostic>>)> = unparsed
        .into_par_iter()
        .map(|(i, file)| (i, parse(file)))
        .collect();
    for (i, p) in briefings {
        slots[i] = Some(p);
    }
    let mut parsed = Vec::with_capacity(slots.len());
    for r in slots.into_iter().flatten() {
        match r {
            Ok(p) => parsed.push(p),
            Err(errs) => diags.extend(errs),
        }
    }
    (parsed, cache, known)
}

/// Drops what a lean build no longer reads once the briefing's search
/// entry is made: the plain text the entry was made from, and the body's
/// links, images and heading ids, which only `check` reads.
pub(super) fn lighten(b: &mut crate::enrich::Briefing) {
    debug_assert!(b.search_entry.is_some(), "the search entry is made first");
    b.body.plain_text = String::new();
    b.body.links = Vec::new();
    b.body.images = Vec::new();
    b.body.heading_ids = Vec::new();
}

/// What enrichment learns for the rest of the build besides the site.
pub(super) struct Learned {
    /// See [`Built::next_due`](super::Built::next_due).
    pub next_due: Option<jiff::Timestamp>,
    /// See [`Built::reusable`](super::Built::reusable).
    pub reusable: Vec<reuse::Reusable>,
    /// The known companies, ready to be found in a text.
    pub companies: CompanyMatcher,
    /// See [`reuse::Cache::global`].
    pub global: Key,
}

/// What enriching a file reads besides the file: the site's settings, the
/// syntaxes, the other files' URLs (through `resolver`), the known
/// companies and the build's "now".
pub(super) fn env<'a>(
    config: &'a Config,
    resolver: &'a dyn LinkResolver,
    companies: &'a CompanyMatcher,
    now: jiff::Timestamp,
) -> Env<'a> {
    Env {
        config,
        markdown: markdown::Options {
            smart_punctuation: config.markdown.smart_punctuation,
            unsafe_html: config.markdown.unsafe_html,
        },
        highlighter: highlighter(),
        resolver,
        companies,
        now,
    }
}

/// A file enriched, with what its briefing (if it is one) is cached with,
/// and whether this build enriched it (rather than taking it from the
/// cache).
type Outcome = (
    crate::enrich::Enriched<route::Enriched>,
    Option<(reuse::Reusable, bool)>,
);

/// Saves the cache bucket `bucket` from the outcomes of its briefings:
/// those enriched without a warning are kept.
fn save_bucket(
    cache: &reuse::Cache,
    bucket: usize,
    outcomes: &mut [(usize, Outcome)],
) -> anyhow::Result<()> {
    let mut members: Vec<(&reuse::Reusable, &mut crate::enrich::Briefing, bool)> = outcomes
        .iter_mut()
        .filter_map(|(_, (result, kept))| match (result, kept) {
            (Ok((route::Enriched::Briefing(b), warnings)), Some((r, fresh)))
                if warnings.is_empty() =>
            {
                Some((&*r, &mut **b, *fresh))
            }
            _ => None,
        })
        .collect();
    cache.save_bucket(bucket, &mut members)
}

/// A body that was not written to the cache stays in memory until its
/// page is rendered (a build without a cache, or a briefing with a
/// warning): at its size, not with the slack of the buffer it grew in. A
/// copy, not `shrink_to_fit`: an allocator may keep a block that is at
/// most half empty in place (mimalloc does).
fn hold(result: &mut crate::enrich::Enriched<route::Enriched>) {
    if let Ok((route::Enriched::Briefing(b), _)) = result
        && b.cached_html.is_none()
    {
        b.body.html = b.body.html.as_str().to_owned();
    }
}

/// Enriches every parsed file (or takes its briefing from the cache),
/// saves the cache, and assembles the site.
pub(super) fn enrich_all(
    config: &Config,
    (parsed, cache, known): (Vec<Parsed>, reuse::Cache, &[KnownCompany]),
    routes: &Routes,
    options: &Options,
    (sink, diags, timings): (&dyn Sink, &mut Vec<Diagnostic>, &mut Timings),
) -> (Option<Site>, Learned) {
    let companies = CompanyMatcher::new(known);
    let now = options.now.unwrap_or_else(jiff::Timestamp::now);
    let env = env(config, routes, &companies, now);
    let global = cache.global();
    let include = Include {
        drafts: options.drafts,
        future: options.future,
    };
    let story_slugs: HashSet<&str> = parsed
        .iter()
        .filter(|p| matches!(p, Parsed::Story(..)))
        .filter_map(|p| routes.of(&p.file().content_path).map(|(slug, _)| slug))
        .collect();
    // A lean build hands each briefing's Markdown twin to the sink as soon
    // as the briefing is known, then lets the file's text go: nothing
    // after enrichment reads it but a message about a story that does not
    // exist, and ten thousand files are held no longer than they must be.
    let let_go = |b: &mut crate::enrich::Briefing| {
        let known_story = b.story.as_deref().is_none_or(|s| story_slugs.contains(s));
        if !options.lean || !known_story {
            return;
        }
        if include.admits(b.draft, b.scheduled) {
            crate::output::llms::render_twin(config, b, sink);
        }
        b.origin.file.forget_text();
    };
    let enrich_one = |p: Parsed| -> Option<Outcome> {
        let file = p.file();
        let (slug, url) = routes.of(&file.content_path)?;
        let (path, shown) = (file.content_path.clone(), file.display_path.clone());
        // What a briefing is cached with (its text key is known already
        // when it came from the cache).
        let raw = match &p {
            Parsed::Briefing(file, m) => Some((
                m.matter.title.clone(),
                m.matter.slug.clone(),
                reuse::text_key(global, file),
            )),
            Parsed::Cached(_, e) => Some((e.title.clone(), e.slug.clone(), e.text_key)),
            _ => None,
        };
        let reusable = |lookups| {
            raw.map(|(title, slug, text_key)| reuse::Reusable {
                path: path.clone(),
                text_key,
                lookups,
                title,
                slug,
            })
        };
        let p = match p {
            Parsed::Cached(_, entry) if entry.usable(slug, url, routes) => {
                let reuse::Entry {
                    mut briefing,
                    lookups,
                    ..
                } = *entry;
                briefing.scheduled = briefing.date.zoned.timestamp() > env.now;
                let kept = reusable(lookups).map(|r| (r, false));
                briefing.digest = kept.as_ref().map(|(r, _)| r.digest(&briefing));
                let_go(&mut briefing);
                let item = route::Enriched::Briefing(Box::new(briefing));
                return Some((Ok((item, Vec::new())), kept));
            }
            p => p,
        };
        let recording = reuse::Recording::new(routes);
        let local = Env {
            resolver: &recording,
            ..env
        };
        let mut result = guarded(&shown, || p.enrich(slug.to_owned(), url.to_owned(), &local));
        let kept = reusable(recording.into_lookups()).map(|r| (r, true));
        if let Ok((route::Enriched::Briefing(b), _)) = &mut result {
            b.digest = kept.as_ref().map(|(r, _)| r.digest(b));
            if options.lean {
                // Made once, here, for the cache and the search index.
                b.search_entry = Some(crate::output::search::entry_json(b).into());
                lighten(b);
                let_go(b);
            }
        }
        Some((result, kept))
    };
    // Briefings go by the cache bucket they are kept in, the other files
    // apart: each bucket is written as soon as its briefings are enriched,
    // and they then read their HTML back from it when their pages are
    // rendered, rather than hold it until then.
    let count = parsed.len();
    let mut groups: Vec<Vec<(usize, Parsed)>> = (0..=reuse::BUCKETS).map(|_| Vec::new()).collect();
    for (i, p) in parsed.into_iter().enumerate() {
        let group = match &p {
            Parsed::Briefing(file, _) | Parsed::Cached(file, _) => {
                reuse::bucket_of(&file.content_path)
            }
            _ => reuse::BUCKETS,
        };
        groups[group].push((i, p));
    }
    let failure = Mutex::new(None);
    let done: Vec<Vec<(usize, Outcome)>> = groups
        .into_par_iter()
        .enumerate()
        .map(|(bucket, group)| {
            let mut outcomes: Vec<(usize, Outcome)> = group
                .into_iter()
                .filter_map(|(i, p)| Some((i, enrich_one(p)?)))
                .collect();
            if bucket < reuse::BUCKETS
                && let Err(err) = save_bucket(&cache, bucket, &mut outcomes)
            {
                failure
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(err);
            }
            outcomes
                .iter_mut()
                .for_each(|(_, (result, _))| hold(result));
            outcomes
        })
        .collect();
    // Back in the files' order.
    let mut slots: Vec<Option<Outcome>> = (0..count).map(|_| None).collect();
    for (i, outcome) in done.into_iter().flatten() {
        slots[i] = Some(outcome);
    }
    let results: Vec<Outcome> = slots.into_iter().flatten().collect();
    // Sized once: a briefing is large, and ten thousand of them would be
    // copied again each time a growing list doubled.
    let mut briefings = Vec::with_capacity(results.len());
    // What each briefing may be cached with, if it may.
    let mut cacheable = Vec::with_capacity(results.len());
    let mut pages = Vec::new();
    let mut company_list = Vec::new();
    let mut stories = Vec::new();
    for (r, kept) in results {
        match r {
            Ok((item, warnings)) => {
                let clean = warnings.is_empty();
                diags.extend(warnings);
                match item {
                    route::Enriched::Briefing(b) => {
                        cacheable.push(kept.filter(|_| clean));
                        briefings.push(*b);
                    }
                    route::Enriched::Page(p) => pages.push(p),
                    route::Enriched::Company(c) => company_list.push(c),
                    route::Enriched::Story(s) => stories.push(s),
                }
            }
            Err(errs) => diags.extend(errs),
        }
    }
    if let Some(err) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        let msg =
            format!("could not save the build cache ({err:#}); the next build will redo its work");
        diags.push(Diagnostic::error_file(Path::new(crate::config::FILE_NAME), msg).warning());
    }
    let reusable: Vec<reuse::Reusable> = cacheable.into_iter().flatten().map(|(r, _)| r).collect();
    timings.lap("markdown+enrich");
    let next_due = briefings
        .iter()
        .filter(|b| b.scheduled)
        .map(|b| b.date.zoned.timestamp())
        .min();
    let learned = Learned {
        next_due,
        reusable,
        companies,
        global,
    };
    let site = match Site::assemble(
        config.clone(),
        briefings,
        pages,
        company_list,
        stories,
        include,
    ) {
        Ok(site) => Some(site),
        Err(errs) => {
            diags.extend(errs);
            None
        }
    };
    (site, learned)
}
