//! `briefing build`: build the site and write it to the output directory.

use std::path::{Path, PathBuf};

use super::{Outcome, plural, print_diagnostics};
use crate::build::{Built, Options, build_to};
use crate::output::writer::{self, Report, Writer};

/// Build the site into `public/` (or `--output DIR`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output directory (default: `public/` in the site directory).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Base URL to build for, overriding `base_url` in briefing.toml (preview deploys).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Publish drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// Publish briefings dated in the future too.
    #[arg(long)]
    pub future: bool,
    /// Print the time each stage of the build took.
    #[arg(long)]
    pub timings: bool,
    /// Ignore the build cache: render every page again.
    #[arg(long)]
    pub no_cache: bool,
}

impl Args {
    /// Builds into the output directory, reusing what the previous build
    /// made from the same inputs, and prints the summary line.
    pub fn run(self, site: &Path) -> anyhow::Result<Outcome> {
        let output = self.output.clone().unwrap_or_else(|| site.join("public"));
        let output = crate::output::check_output_dir(site, &output)?;
        let now = jiff::Timestamp::now();
        let options = Options {
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            future: self.future,
            now: Some(now),
            cache_dir: Some(crate::cache::dir_for(&output)),
            reuse: !self.no_cache,
            lean: true,
            keep_search_entries: false,
        };
        crate::output::with_output(&output, |staging| {
            let previous = if self.no_cache {
                None
            } else {
                writer::previous_manifest(&output)
            };
            // Nothing to do when no input changed, no scheduled briefing
            // fell due since, and the output is as the last build left it.
            let unchanged = previous
                .as_ref()
                .filter(|m| m.until.is_none_or(|due| now.as_second() < due))
                .map(|m| (m.inputs, m.report.clone()));
            let writer = Writer::new(staging, previous)?;
            let current = |inputs| {
                unchanged.as_ref().is_some_and(|u| u.0 == inputs) && writer.previous_intact()
            };
            let started = std::time::Instant::now();
            match build_to(site, &options, &writer, Some(&current), &mut None) {
                Err(diags) => {
                    writer.abandon();
                    print_diagnostics(&diags);
                    eprintln!("build failed; the previous output (if any) is untouched");
                    Ok(Outcome::ContentProblems)
                }
                Ok(None) => {
                    writer.abandon();
                    let report = unchanged.map(|u| u.1).unwrap_or_default();
                    eprint!("{}", report.warnings);
                    self.summary(
                        &report,
                        started.elapsed().as_millis(),
                        &output,
                        "nothing changed",
                    );
                    Ok(Outcome::Success)
                }
                Ok(Some(built)) => self.finish(built, writer, staging, &output),
            }
        })
    }

    /// Puts the built site in place, records the manifest, prints.
    fn finish(
        &self,
        mut built: Built,
        writer: Writer,
        staging: &crate::output::Staging<'_>,
        output: &Path,
    ) -> anyhow::Result<Outcome> {
        print_diagnostics(&built.warnings);
        let warnings = super::format_diagnostics(&built.warnings, false);
        built.timings.restart();
        let incremental = writer.is_incremental();
        let counts = writer.counts();
        let mut manifest = writer.finish(staging)?;
        let s = &built.site;
        let report = Report {
            briefings: s.briefings.len(),
            pages: manifest.pages(),
            scheduled: s.held_back.scheduled,
            drafts: s.held_back.drafts,
            warnings,
        };
        manifest.inputs = built.inputs;
        manifest.until = built.next_due.map(|t| t.as_second());
        manifest.report = report.clone();
        if let Err(err) = crate::cache::write(&writer::manifest_path(output), &manifest) {
            eprintln!("warning: {err:#}; the next build will be a clean one");
        }
        if self.timings {
            built.timings.lap("write");
            for stage in &built.timings.stages {
                eprintln!("{}", stage_line(stage));
            }
            let total = built.stamps.len();
            eprintln!(
                "{:>24}  {} of {total} content files ({} known by their size and times)",
                "read",
                built.read,
                total.saturating_sub(built.read)
            );
        }
        let how = if incremental {
            let writer::Counts {
                written,
                kept,
                removed,
            } = counts;
            let mut how = format!("{written} written, {kept} unchanged");
            if removed > 0 {
                how += &format!(", {removed} removed");
            }
            how
        } else {
            "clean build".to_owned()
        };
        self.summary(&report, built.millis, output, &how);
        // The process ends after a build: freeing the site piece by piece
        // (every briefing, every list) would only delay its exit.
        std::mem::forget(built);
        Ok(Outcome::Success)
    }

    fn summary(&self, r: &Report, millis: u128, output: &Path, how: &str) {
        println!(
            "Built {} {}, {} {} ({} scheduled, {} {} held back) in {} ms → {} ({how})",
            r.briefings,
            plural(r.briefings, "briefing", "briefings"),
            r.pages,
            plural(r.pages, "page", "pages"),
            r.scheduled,
            r.drafts,
            plural(r.drafts, "draft", "drafts"),
            millis,
            output.display()
        );
    }
}

/// One line of `--timings`: the stage, its wall time, its CPU time (over
/// all threads; up to the wall time times the cores) and the resident
/// memory at its end, each where known.
fn stage_line(stage: &crate::build::Stage) -> String {
    let mut line = format!(
        "{:>24}  {:>8.1} ms",
        stage.name,
        stage.wall.as_secs_f64() * 1e3
    );
    if let Some(cpu) = stage.cpu {
        line += &format!("  cpu {:>7.1} ms", cpu.as_secs_f64() * 1e3);
    }
    if let Some(b) = stage.memory {
        line += &format!("  (resident {} MB)", b / 1_000_000);
    }
    line
}
