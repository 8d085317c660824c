//! The command line: one module per command, each an `Args` struct with a
//! `run()`.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::diag::Diagnostic;

/// A static site generator for sourced AI-news briefings.
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about = None)]
pub struct Cli {
    /// The site directory (the folder holding `content/`).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub site: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into `public/` (or `--output`).
    Build(build::Args),
    /// Build in memory and report broken links, anchors and briefing lint.
    Check(check::Args),
    /// Turn an article written elsewhere (text, HTML, Markdown) into a briefing.
    Import(import::Args),
    /// Write a new site into DIR that builds at once.
    Init(init::Args),
    /// Write a new draft briefing and print its path.
    New(new::Args),
    /// Build in memory, serve, rebuild on change and reload the browser.
    Serve(serve::Args),
}

/// How a command ended, mapped to the exit status by `main`.
#[derive(Debug)]
pub enum Outcome {
    /// Success (exit 0).
    Success,
    /// The content has problems (exit 1); they were printed.
    ContentProblems,
}

impl Cli {
    /// Runs the chosen command.
    pub fn run(self) -> anyhow::Result<Outcome> {
        match self.command {
            Command::Build(args) => args.run(&self.site),
            Command::Check(args) => args.run(&self.site),
            Command::Import(args) => args.run(&self.site),
            Command::Init(args) => args.run(&self.site),
            Command::New(args) => args.run(&self.site),
            Command::Serve(args) => args.run(&self.site),
        }
    }
}

/// Prints diagnostics to stderr with their snippets, then a count line.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", format_diagnostics(diags, color));
}

/// Diagnostics as [`print_diagnostics`] prints them, with a closing count
/// when there are errors.
pub fn format_diagnostics(diags: &[Diagnostic], color: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for d in diags {
        let _ = writeln!(out, "{}\n", d.render(color));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        let _ = writeln!(
            out,
            "{errors} {} and {warnings} {} found",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        );
    }
    out
}

/// `one` or `many` by count.
pub fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}
