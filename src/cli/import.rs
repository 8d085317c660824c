//! `briefing import`: turn an article written elsewhere (plain text, HTML
//! or Markdown) into a briefing, saying what was inferred from where.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Outcome, print_diagnostics};
use crate::import::{self, Format, SiteInfo};

/// Turn an article written elsewhere into a briefing: infer its title,
/// date, author, source, key points, takeaway, companies and tags, and
/// write it to `content/YEAR/SLUG.md`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article to import, or `-` to read it from standard input.
    #[arg(value_name = "FILE|-")]
    pub input: PathBuf,
    /// The article's format; detected from its start when not given
    /// (markup → html, a `# ` title or Markdown structure → markdown, else
    /// text).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<Format>,
    /// Print the briefing to standard output and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace a briefing that already exists at the same path.
    #[arg(long)]
    pub force: bool,
}

impl Args {
    /// Imports the article, prints what was inferred (stderr), and prints
    /// the briefing (`--dry-run`) or writes it and prints its path.
    pub fn run(self, site: &Path) -> Result<Outcome> {
        let input = self.read_input()?;
        if input.trim().is_empty() {
            bail!("nothing to import: {} is empty", self.shown_input());
        }
        let site_info = match SiteInfo::load(site) {
            Ok(info) => info,
            Err(diags) => {
                print_diagnostics(&diags);
                return Ok(Outcome::ContentProblems);
            }
        };
        let (format, how) = match self.from {
            Some(format) => (format, "given by --from"),
            None => (import::detect(&input), "detected"),
        };
        let imported = import::import(&input, format, &site_info)
            .with_context(|| format!("could not import {}", self.shown_input()))?;
        eprintln!(
            "Importing {} as {} ({how})",
            self.shown_input(),
            format.name()
        );
        let report = &imported.report;
        for line in &report.inferred {
            eprintln!("  {line}");
        }
        for line in &report.notes {
            eprintln!("  note: {line}");
        }
        if !report.missing.is_empty() {
            eprintln!("Not inferred:");
            for line in &report.missing {
                eprintln!("  {line}");
            }
        }
        if self.dry_run {
            print!("{}", imported.text);
            eprintln!("Dry run: would write {}", imported.path.display());
            return Ok(Outcome::Success);
        }
        import::write::write(site, &imported.path, &imported.text, self.force)?;
        println!("{}", imported.path.display());
        Ok(Outcome::Success)
    }

    fn read_input(&self) -> Result<String> {
        let bytes = if self.input.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("could not read standard input")?;
            bytes
        } else {
            crate::fs::read(&self.input)?
        };
        crate::fs::normalize_text(bytes).map_err(|at| {
            anyhow::anyhow!(
                "{} is not UTF-8 text (invalid byte at offset {at}); convert it to UTF-8 first",
                self.shown_input()
            )
        })
    }

    fn shown_input(&self) -> String {
        if self.input.as_os_str() == "-" {
            "standard input".to_owned()
        } else {
            format!("`{}`", self.input.display())
        }
    }
}
