//! `briefing serve`: a live preview of the site, rebuilt on every change.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use super::Outcome;
use crate::serve::{self, Settings};

/// Build the site in memory, serve it, and rebuild and reload the browser on
/// every change. Drafts and scheduled briefings are always shown. Build
/// errors appear in the terminal and over the page; the last good version
/// stays served.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on. Anything but a loopback address exposes the
    /// preview to the network.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one (the URL is printed).
    #[arg(long, short, value_name = "PORT", default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Accepted for symmetry with `build`: serve always shows drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Also answer requests addressed to this host name (`name` or
    /// `name:port`); others are refused, against DNS rebinding. Repeatable.
    #[arg(long = "allow-host", value_name = "HOST", value_parser = parse_host)]
    pub allow_hosts: Vec<String>,
}

impl Args {
    /// Serves until Ctrl-C.
    pub fn run(self, site: &Path) -> anyhow::Result<Outcome> {
        let settings = Settings {
            bind: self.bind,
            port: self.port,
            allow_hosts: self.allow_hosts,
            open: self.open,
        };
        serve::run(site, &settings)?;
        Ok(Outcome::Success)
    }
}

/// A `Host` header value: a name or address, optionally with `:port`.
fn parse_host(value: &str) -> Result<String, String> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    if ok {
        Ok(value.to_owned())
    } else {
        Err("expected a host name such as `preview.local` or `preview.local:1111`".to_owned())
    }
}
