//! `briefing build`: build the site and write it to the output directory.

use std::path::{Path, PathBuf};

use super::{Outcome, plural, print_diagnostics};
use crate::build::{Options, build};

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
}

impl Args {
    /// Builds, prints the summary line, and writes the output atomically.
    pub fn run(self, site: &Path) -> anyhow::Result<Outcome> {
        let output = self.output.clone().unwrap_or_else(|| site.join("public"));
        let output = crate::output::check_output_dir(site, &output)?;
        let options = Options {
            base_url: self.base_url,
            drafts: self.drafts,
            future: self.future,
            now: None,
        };
        let built = match build(site, &options) {
            Ok(built) => built,
            Err(diags) => {
                print_diagnostics(&diags);
                eprintln!("build failed; the previous output (if any) is untouched");
                return Ok(Outcome::ContentProblems);
            }
        };
        print_diagnostics(&built.warnings);
        let writing = std::time::Instant::now();
        crate::output::write_site(&output, &built.files)?;
        if self.timings {
            for (stage, took) in &built.timings.stages {
                eprintln!("{stage:>24}  {:>8.1} ms", took.as_secs_f64() * 1e3);
            }
            eprintln!(
                "{:>24}  {:>8.1} ms",
                "write",
                writing.elapsed().as_secs_f64() * 1e3
            );
        }
        let s = &built.site;
        let pages = built
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count();
        println!(
            "Built {} {}, {} {} ({} scheduled, {} {} held back) in {} ms → {}",
            s.briefings.len(),
            plural(s.briefings.len(), "briefing", "briefings"),
            pages,
            plural(pages, "page", "pages"),
            s.held_back.scheduled,
            s.held_back.drafts,
            plural(s.held_back.drafts, "draft", "drafts"),
            built.millis,
            output.display()
        );
        Ok(Outcome::Success)
    }
}
