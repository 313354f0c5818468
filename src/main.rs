//! Command line in, exit code out: 0 success, 1 content/config/template errors, 2 usage.
#![allow(clippy::result_large_err)]

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use folio::build::{self, BuildRequest};
use folio::check::{self, CheckOptions, ExternalOptions};
use folio::cli::{CheckArgs, Cli, Command, RelatedArgs, ServeArgs, SiteArgs, ThemeCommand};
use folio::diagnostics::{Diagnostic, display_path};
use folio::related;
use folio::scaffold::{self, ArticleRequest};
use folio::site::BuildOptions;
use miette::GraphicalTheme;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => {
            let request = BuildRequest {
                options: options(&args.site),
                root: args.site.root,
                output: args.output,
                base_url: args.base_url,
            };
            build::build(&request).map(|built| {
                print_all(&built.warnings);
                println!(
                    "Built {}, {} in {} ms → {}/",
                    plural(built.articles, "article"),
                    plural(built.pages, "page"),
                    built.elapsed.as_millis(),
                    display_path(&request.output).trim_end_matches('/')
                );
            })
        }
        Command::Related(args) => show_related(&args),
        Command::Serve(args) => serve(&args),
        Command::Check(args) => return run_check(&args),
        Command::Init(args) => scaffold::init(&args.dir, today()).map(|site| print!("{site}")),
        Command::New(args) => {
            let request = ArticleRequest {
                title: args.title,
                author: args.author,
                tags: args.tags,
                slug: args.slug,
                today: today(),
            };
            scaffold::new_article(&args.root, &request).map(|article| print!("{article}"))
        }
        Command::Theme(ThemeCommand::Eject(args)) => {
            scaffold::eject_theme(&args.root).map(|theme| print!("{theme}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            print_all(&diags);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!("{}", plural(errors, "error") + " found");
            ExitCode::from(1)
        }
    }
}

/// `1 article`, `2 articles`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn options(site: &SiteArgs) -> BuildOptions {
    BuildOptions {
        drafts: site.drafts,
        future: site.future,
        now: jiff::Timestamp::now(),
        cache_bust: true,
    }
}

/// The writer's calendar day, for new articles.
fn today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}

/// Print every problem and a summary line; only errors fail (exit 1), warnings do not.
fn run_check(args: &CheckArgs) -> ExitCode {
    let options = CheckOptions {
        build: options(&args.site),
        base_url: args.base_url.clone(),
        external: args.external.then(|| ExternalOptions {
            timeout: std::time::Duration::from_secs(args.timeout),
            ..ExternalOptions::default()
        }),
    };
    let report = check::check(&args.site.root, &options);
    print_all(&report.diagnostics);
    println!(
        "Checked {}: {}, {}{}",
        plural(report.articles, "article"),
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning"),
        match report.links_checked {
            true => "",
            false => " (links are checked once the errors are fixed)",
        }
    );
    match report.errors() {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// The terminal, as `serve` reports to it.
struct Terminal;

impl folio::serve::run::Reporter for Terminal {
    fn line(&self, text: &str) {
        println!("{text}");
    }
    fn diagnostics(&self, diags: &[Diagnostic]) {
        print_all(diags);
    }
}

fn serve(args: &ServeArgs) -> Result<(), Vec<Diagnostic>> {
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| STOP.store(true, std::sync::atomic::Ordering::Relaxed));
    let opts = folio::serve::run::ServeOptions {
        root: args.site.root.clone(),
        bind: args.bind,
        port: args.port,
        watch: args.watch,
        open: args.open,
        build: options(&args.site),
    };
    folio::serve::run::run(opts, &STOP, &Terminal)
}

fn print_all(diags: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        eprintln!("{}", d.render(theme));
    }
}

fn show_related(args: &RelatedArgs) -> Result<(), Vec<Diagnostic>> {
    let prepared = build::prepare(&args.site.root, None, &options(&args.site))?;
    let text = related::explain(&prepared.site, &args.slug).map_err(|d| vec![d])?;
    print!("{text}");
    Ok(())
}
