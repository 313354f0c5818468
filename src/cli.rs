//! The command line: every command and flag, as clap definitions. No behaviour here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// folio: a fast static site generator for consultancy article blogs.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into a folder of static HTML.
    Build(BuildArgs),
    /// Show an article's "More articles" picks, each with its score and why it was picked.
    Related(RelatedArgs),
}

/// Where the site is and which articles go in.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder (holding config.toml, content/, themes/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated in the future.
    #[arg(long)]
    pub future: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site (relative to the current folder).
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub output: PathBuf,
    /// Use this instead of `base_url` from config.toml (e.g. for preview deploys).
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct RelatedArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The article's slug (its file name without `.md`).
    pub slug: String,
}

/// `--base-url` must be absolute, like `base_url` in config.toml.
fn base_url(s: &str) -> Result<String, String> {
    crate::config::check_base_url(s).map(|()| s.to_string())
}
