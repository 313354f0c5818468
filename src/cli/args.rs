//! Every command and flag, as clap definitions. No behaviour here.

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
    /// Preview the site on a local web server; with --watch, every save shows in the browser.
    Serve(ServeArgs),
    /// Check the site without writing anything: build errors, broken links and anchors,
    /// advice on summaries and tags, and with --external, dead links to other sites.
    Check(CheckArgs),
    /// Create a new site in an empty (or new) folder, ready to build.
    Init(InitArgs),
    /// Start a new article, a draft with its front matter filled in.
    New(NewArgs),
    /// Work with the site's theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Copy the built-in default theme into themes/default/, to change any of its files.
    Eject(EjectArgs),
}

#[derive(Debug, Args)]
pub struct EjectArgs {
    /// The site folder (holding config.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
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
    /// Where to keep what folio made between builds (default: `cache_dir` in config.toml,
    /// else `.folio-cache` in the site folder).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache folder: make everything from scratch.
    #[arg(long)]
    pub no_cache: bool,
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
    /// Replace the output folder even if folio did not write it (it has no `.folio-output`
    /// file). Names starting with a dot at its top level, like `.git`, are kept.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Anything but loopback makes the preview public.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Rebuild on every change and reload the browser.
    #[arg(long)]
    pub watch: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct RelatedArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The article's slug (its file name without `.md`).
    pub slug: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Check as if the site were served here, as `build --base-url` would build it.
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
    /// Also check links to other sites (http and https), 8 at a time.
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link before warning that it did not answer.
    #[arg(long, value_name = "SECS", default_value_t = 10, requires = "external")]
    pub timeout: u64,
    /// The last published sitemap (a file, or its http(s) URL): fail when one of its
    /// addresses is gone with no alias leading to its new place.
    #[arg(long, value_name = "FILE_OR_URL")]
    pub previous: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (created if missing; must be empty).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The article's title.
    pub title: String,
    /// The site folder (holding config.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The author's id from config.toml (default: the first author there).
    #[arg(long, value_name = "ID")]
    pub author: Option<String>,
    /// Tags, separated by commas: `--tags postgres,performance`.
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// The file name and URL name (default: made from the title).
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,
}

/// `--base-url` must be absolute, like `base_url` in config.toml.
fn base_url(s: &str) -> Result<String, String> {
    crate::config::check_base_url(s).map(|()| s.to_string())
}
