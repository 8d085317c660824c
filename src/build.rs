//! The build, as a recipe: load → parse → route → enrich → assemble →
//! render. Returns the files of the site and every problem found; writing
//! them is the caller's choice (build writes, check and serve do not).

mod enrichment;
mod live;
mod reuse;
mod route;
mod stamps;

pub use live::{Live, Patched, Tools};
pub use reuse::Memo;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown::Highlighter;
use crate::output::assets::Assets;
use crate::render::sink::{Hasher, Memory, key_of_bytes};
use crate::render::{Key, OutputFile, Renderer, Sink};
use crate::site::Site;
use crate::source::SourceFile;
use crate::theme::Theme;
use enrichment::{Learned, enrich_all, parse_all};
use route::Routes;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Override `base_url` (preview deploys).
    pub base_url: Option<String>,
    /// Publish drafts.
    pub drafts: bool,
    /// Publish future-dated briefings.
    pub future: bool,
    /// The build's "now"; the clock when `None`.
    pub now: Option<jiff::Timestamp>,
    /// Where the enrichment cache is kept; `None` for no cache.
    pub cache_dir: Option<PathBuf>,
    /// Whether to take briefings from the cache (`false`: enrich every
    /// briefing again, then rewrite the cache).
    pub reuse: bool,
    /// Drop what only `check` reads (each body's links, images and heading
    /// ids) as soon as a briefing is enriched: less memory and a smaller
    /// cache for `build` and `serve`.
    pub lean: bool,
    /// Keep each briefing's search entry once the search index is made, so
    /// that a later patch of the index joins them (`serve`). Otherwise they
    /// go as soon as the index is written, while the pages are rendered.
    pub keep_search_entries: bool,
}

impl Options {
    /// What `serve` builds with, for a site served at `base_url`: drafts
    /// and future briefings shown, lean, and each search entry kept for
    /// the patches that follow (a lean briefing keeps no plain text to make
    /// its entry again from).
    pub fn preview(base_url: String) -> Options {
        Options {
            base_url: Some(base_url),
            drafts: true,
            future: true,
            lean: true,
            keep_search_entries: true,
            ..Options::default()
        }
    }
}

/// A successful build.
#[derive(Debug)]
pub struct Built {
    /// The site model.
    pub site: Site,
    /// Every output file.
    pub files: Vec<OutputFile>,
    /// Warnings (the build succeeded anyway).
    pub warnings: Vec<Diagnostic>,
    /// Wall time of the build, in milliseconds.
    pub millis: u128,
    /// Time of each stage, in order.
    pub timings: Timings,
    /// Fingerprint of every input of the build.
    pub inputs: Key,
    /// When the earliest scheduled briefing becomes due (the site changes
    /// then even if no file does).
    pub next_due: Option<jiff::Timestamp>,
    /// What a later build needs to reuse this build's briefings (see
    /// [`Memo::new`]).
    pub reusable: Vec<reuse::Reusable>,
    /// What a later build needs to know this build's files without reading
    /// them (see [`Memo::new`]).
    pub stamps: stamps::Stamps,
    /// How many content files this build read (the others it knew by their
    /// stamps).
    pub read: usize,
    /// What the build worked with, for a [`Live`] patch of it.
    pub tools: Tools,
}

/// The stages of a build, for `build --timings`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Each stage, in pipeline order.
    pub stages: Vec<Stage>,
    last: Option<Instant>,
    last_cpu: Option<Duration>,
}

/// One stage of a build, as `--timings` shows it.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    /// Wall time.
    pub wall: Duration,
    /// CPU time of the process (every thread) during the stage, where
    /// known: against the wall time it tells how well the stage used the
    /// cores.
    pub cpu: Option<Duration>,
    /// Resident memory at the stage's end, where known.
    pub memory: Option<u64>,
}

impl Timings {
    fn start() -> Self {
        let mut timings = Timings::default();
        timings.restart();
        timings
    }

    /// Starts the next stage now: what ran since the last one ended is
    /// counted in no stage.
    pub fn restart(&mut self) {
        self.last = Some(Instant::now());
        self.last_cpu = cpu_time();
    }

    /// Ends the running stage under `name` and starts the next one.
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        let cpu = cpu_time();
        self.stages.push(Stage {
            name,
            wall: now - self.last.unwrap_or(now),
            cpu: cpu.zip(self.last_cpu).map(|(now, since)| now - since),
            memory: resident_bytes(),
        });
        self.last = Some(now);
        self.last_cpu = cpu;
    }
}

/// CPU time the process has used so far, on every thread, where the system
/// tells it (Linux). Also used by the benchmark's `write_tree`.
pub fn cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        Some(Duration::new(
            u64::try_from(t.tv_sec).ok()?,
            u32::try_from(t.tv_nsec).ok()?,
        ))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The process's resident memory now, where the system tells it (Linux).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Builds the site at `root` in memory. On failure, returns every
/// diagnostic (errors and warnings), sorted.
pub fn build(root: &Path, options: &Options) -> Result<Built, Vec<Diagnostic>> {
    let sink = Memory::default();
    let mut built = build_to(root, options, &sink, None, &mut None)?
        .expect("a build asked to skip nothing produces a site");
    built.files = sink.into_files();
    Ok(built)
}

/// Builds the site at `root`, handing every file to `sink` as it is made
/// (`Built::files` stays empty). Returns `Ok(None)`, having rendered
/// nothing, when `current` says the output made from the fingerprint of
/// every input is in place already. Briefings
/// come from the `memo` it takes (a previous build in the same process) or
/// else from the cache in `options.cache_dir` when they can. A build that
/// fails once its briefings are enriched leaves in `memo` what the next
/// build can reuse of them.
pub fn build_to(
    root: &Path,
    options: &Options,
    sink: &dyn Sink,
    current: Option<&dyn Fn(Key) -> bool>,
    memo: &mut Option<Memo>,
) -> Result<Option<Built>, Vec<Diagnostic>> {
    let salvage = memo;
    let memo = salvage.take();
    let started = Instant::now();
    let mut timings = Timings::start();
    let mut diags = Vec::new();
    let config = Config::load(root, options.base_url.as_deref()).map_err(finish)?;
    if !config.has_base_url {
        let msg = "`base_url` is not set: links are root-relative and feeds, sitemap and canonical URLs are not absolute";
        diags.push(Diagnostic::error_file(Path::new(crate::config::FILE_NAME), msg).warning());
    }
    let (memo, mut stamps) = match memo {
        Some(mut memo) => {
            let stamps = memo.take_stamps();
            (Some(memo), stamps)
        }
        None => match &options.cache_dir {
            Some(dir) if options.reuse => (None, stamps::Stamps::load(dir)),
            _ => (None, stamps::Stamps::default()),
        },
    };
    let cache_dir = options.cache_dir.as_deref();
    let (files, file_keys, read) = stamps::load_content(root, cache_dir, &mut stamps, &mut diags);
    let (theme, theme_diags) = Theme::load(root);
    diags.extend(theme_diags);
    let inputs = inputs(root, options, &files, &file_keys, &theme);
    if current.is_some_and(|current| current(inputs)) {
        return Ok(None);
    }
    let highlight_css = Highlighter::css(
        &config.markdown.highlight_theme,
        &config.markdown.highlight_theme_dark,
    )
    .map_err(|msg| {
        diags.push(Diagnostic::error_file(
            Path::new(crate::config::FILE_NAME),
            msg,
        ))
    })
    .unwrap_or_default();
    let generated = vec![OutputFile {
        path: "highlight.css".into(),
        bytes: highlight_css.into_bytes(),
    }];
    let assets = Assets::collect(&config, &theme, generated);
    let renderer = Renderer::new(&theme, &assets)
        .map_err(|errs| diags.extend(errs))
        .ok();
    timings.lap("load");

    let (parsed, cache, known) = parse_all((files, &file_keys), &config, options, memo, &mut diags);
    let routes = Routes::assign(&config, &parsed, &mut diags);
    timings.lap("parse");
    let (
        site,
        Learned {
            next_due,
            reusable,
            companies,
            global,
        },
    ) = enrich_all(
        &config,
        (parsed, cache, &known),
        &routes,
        options,
        (sink, &mut diags, &mut timings),
    );
    timings.lap("assemble");
    let (mut site, renderer) = match (site, renderer) {
        (Some(site), Some(renderer)) if !diags.iter().any(Diagnostic::is_error) => (site, renderer),
        (site, _) => {
            if let Some(site) = site {
                *salvage = Some(Memo::new(site.briefings, reusable, stamps));
            }
            return Err(finish(diags));
        }
    };
    // The search index is joined beside the pages, from the entries
    // enrichment made; they are taken out of the briefings for it and,
    // unless they are to be kept, let go as soon as it is written.
    let entries: Vec<_> = site
        .briefings
        .iter_mut()
        .map(|b| b.search_entry.take())
        .collect();
    let keep = options.keep_search_entries;
    let (entries, rendered) = rayon::join(
        || {
            let entries = crate::output::search::render_to(&site.briefings, entries, sink);
            keep.then_some(entries)
        },
        || crate::render::pages::render_all(&site, &renderer, &assets, sink),
    );
    if let Some(entries) = entries {
        for (b, entry) in site.briefings.iter_mut().zip(entries) {
            b.search_entry = Some(entry);
        }
    }
    if let Err(errs) = rendered {
        diags.extend(errs);
        *salvage = Some(Memo::new(site.briefings, reusable, stamps));
        return Err(finish(diags));
    }
    timings.lap("render");
    let put = |file: OutputFile| {
        let key = key_of_bytes(&file.bytes);
        sink.put(file, key);
    };
    let mut assets = assets;
    std::mem::take(&mut assets.files).into_iter().for_each(put);
    // Every page is rendered: the sitemap can list them.
    let paths = sink.paths();
    // The rest is made side by side: the sitemap runs on one thread, and
    // the other has the feeds and `llms.txt` meanwhile.
    let (fed, ()) = rayon::join(
        || {
            let fed = crate::output::feeds::render_to(&site, sink);
            if !options.lean {
                crate::output::llms::render_twins(&site, sink);
            }
            crate::output::llms::render_index(&site, sink);
            fed
        },
        || crate::output::crawlers::render_to(&site, &paths, sink),
    );
    if let Err(err) = fed {
        diags.push(err);
        *salvage = Some(Memo::new(site.briefings, reusable, stamps));
        return Err(finish(diags));
    }
    timings.lap("feeds+sitemap");
    crate::diag::sort(&mut diags);
    Ok(Some(Built {
        site,
        files: Vec::new(),
        warnings: diags,
        millis: started.elapsed().as_millis(),
        timings,
        inputs,
        next_due,
        reusable,
        stamps,
        read,
        tools: Tools {
            routes,
            companies,
            global,
            renderer,
            assets,
        },
    }))
}

/// The fingerprint of everything a build reads: the program, the options,
/// `briefing.toml`, every content file, template and static file. Two
/// builds with the same fingerprint (and the same scheduled briefings due)
/// make the same site.
fn inputs(
    root: &Path,
    options: &Options,
    files: &[SourceFile],
    file_keys: &[Key],
    theme: &Theme,
) -> Key {
    let mut h = Hasher::new(crate::cache::identity());
    h.value(&(&options.base_url, options.drafts, options.future));
    let config = std::fs::read(root.join(crate::config::FILE_NAME)).ok();
    h.value(&config);
    h.value(&files.len());
    for key in file_keys {
        h.value(key);
    }
    for (kind, set) in [("templates", &theme.templates), ("static", &theme.statics)] {
        h.bytes(kind.as_bytes());
        for (name, file) in set {
            let origin = match &file.origin {
                crate::theme::Origin::Embedded => String::new(),
                crate::theme::Origin::Site(path) => path.to_string_lossy().into_owned(),
            };
            h.bytes(name.as_bytes())
                .bytes(origin.as_bytes())
                .bytes(&file.bytes);
        }
    }
    h.finish()
}

fn finish(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diag::sort(&mut diags);
    diags
}

/// The syntax set is costly to load: once per process, shared by every
/// command that renders Markdown.
pub fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
    HIGHLIGHTER.get_or_init(Highlighter::new)
}
