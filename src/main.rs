//! The `briefing` binary: parse the command line, run, map the result to an
//! exit status (0 success, 1 content problems, 2 usage or tool failure).

use std::process::ExitCode;

use briefing::cli::{Cli, Outcome};
use clap::Parser;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with status 0, usage errors with 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.run() {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ContentProblems) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// mimalloc: the build allocates many short-lived strings on every thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
