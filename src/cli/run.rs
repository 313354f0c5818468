//! What each command does, and its exit code: 0 success, 1 content/config/template
//! errors, 2 usage (clap's own).

use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use miette::GraphicalTheme;

use super::args::{
    BuildArgs, CheckArgs, Cli, Command, RelatedArgs, ServeArgs, SiteArgs, ThemeCommand,
};
use crate::check::{self, CheckOptions, ExternalOptions};
use crate::crash;
use crate::diagnostics::{Diagnostic, display_path};
use crate::engine::model::BuildOptions;
use crate::engine::{CacheUse, Engine, Settings};
use crate::output::disk::{self, Staging};
use crate::scaffold::{self, ArticleRequest};

/// Parse the command line, run the command, print what it reports.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(&args),
        Command::Related(args) => show_related(&args),
        Command::Serve(args) => serve(&args),
        Command::Check(args) => return run_check(&args),
        Command::Init(args) => {
            scaffold::init(&args.dir, today()).map(|site| out(format_args!("{site}")))
        }
        Command::New(args) => {
            let request = ArticleRequest {
                title: args.title,
                author: args.author,
                tags: args.tags,
                slug: args.slug,
                today: today(),
            };
            scaffold::new_article(&args.root, &request)
                .map(|article| out(format_args!("{article}")))
        }
        Command::Theme(ThemeCommand::Eject(args)) => {
            scaffold::eject_theme(&args.root).map(|theme| out(format_args!("{theme}")))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            print_all(&diags);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            err(format_args!("{} found\n", plural(errors, "error")));
            ExitCode::from(1)
        }
    }
}

/// Write to stdout. A closed stdout (`folio build | head -1`) is no reason to fail or to
/// panic: the work is done, only the report is lost.
fn out(text: std::fmt::Arguments<'_>) {
    let _ = std::io::stdout().write_fmt(text);
}

/// Write to stderr, as `out` writes to stdout.
fn err(text: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().write_fmt(text);
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

/// How the cache folder is used: not at all with `--no-cache`.
fn cache_use(site: &SiteArgs) -> CacheUse {
    match site.no_cache {
        true => CacheUse::Off,
        false => CacheUse::ReadWrite,
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
        previous: args.previous.clone(),
        cache_dir: args.site.cache_dir.clone(),
        cache: cache_use(&args.site),
    };
    let report = crash::catch(|| check::check(&args.site.root, &options)).unwrap_or_else(|c| {
        check::Report {
            articles: 0,
            diagnostics: vec![c.diagnostic("nothing was written")],
            links_checked: false,
        }
    });
    print_all(&report.diagnostics);
    out(format_args!(
        "Checked {}: {}, {}{}\n",
        plural(report.articles, "article"),
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning"),
        match report.links_checked {
            true => "",
            false => " (links are checked once the errors are fixed)",
        }
    ));
    match report.errors() {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// The terminal, as `serve` reports to it.
struct Terminal;

impl crate::serve::run::Reporter for Terminal {
    fn line(&self, text: &str) {
        out(format_args!("{text}\n"));
    }
    fn diagnostics(&self, diags: &[Diagnostic]) {
        print_all(diags);
    }
}

fn serve(args: &ServeArgs) -> Result<(), Vec<Diagnostic>> {
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| STOP.store(true, std::sync::atomic::Ordering::Relaxed));
    let opts = crate::serve::run::ServeOptions {
        root: args.site.root.clone(),
        bind: args.bind,
        port: args.port,
        watch: args.watch,
        open: args.open,
        build: options(&args.site),
        cache_dir: args.site.cache_dir.clone(),
        cache: cache_use(&args.site),
    };
    crate::serve::run::run(opts, &STOP, &Terminal)
}

fn print_all(diags: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        err(format_args!("{}\n", d.render(theme)));
    }
}

/// `folio build`: the engine into a staging folder, swapped in only when all of it worked.
fn build(args: &BuildArgs) -> Result<(), Vec<Diagnostic>> {
    let started = Instant::now();
    disk::check_target(&args.site.root, &args.output, args.force).map_err(|d| vec![d])?;
    disk::clean_leftovers(&args.output);
    let settings = Settings {
        base_url: args.base_url.clone(),
        options: options(&args.site),
        cache_dir: args.site.cache_dir.clone(),
        cache: cache_use(&args.site),
    };
    let mut phase = crate::engine::phase_timer();
    // The staging folder (the output before last, walked) is made ready while the sources
    // are read: both mostly wait on the disk.
    let early_cache = Engine::output_cache_before_reading(&args.site.root, &settings);
    let (engine, staging) = std::thread::scope(|s| {
        let staging = s.spawn(|| {
            let started = Instant::now();
            let staging = staging_for(&args.output, early_cache.as_deref());
            (staging, started.elapsed())
        });
        let started = Instant::now();
        let engine = guarded(KEPT, || {
            Engine::new(&args.site.root, settings).map_err(|d| vec![d])
        });
        let sources_took = started.elapsed();
        let (staging, staging_took) = staging.join().unwrap_or_else(|_| {
            let failed = Diagnostic::error("preparing the staging folder failed");
            (Err(failed), Default::default())
        });
        let vouched = staging.as_ref().map_or(0, Staging::vouched);
        crate::engine::note_timing(&format!(
            "sources {:.1} ms beside staging {:.1} ms ({vouched} top folders as recorded)",
            sources_took.as_secs_f64() * 1000.0,
            staging_took.as_secs_f64() * 1000.0
        ));
        (engine, staging)
    });
    let (mut engine, mut staging) = match (engine, staging) {
        (Ok(engine), Ok(staging)) => (engine, staging),
        (Err(errors), staging) => {
            if let Ok(staging) = staging {
                staging.discard();
            }
            return Err(errors);
        }
        (Ok(_), Err(d)) => return Err(vec![d]),
    };
    phase("read sources and staging");
    // config.toml, parsed in full, names the cache folder the early read did not see.
    let cache = engine.output_cache();
    if cache != early_cache {
        staging.discard();
        staging = staging_for(&args.output, cache.as_deref()).map_err(|d| vec![d])?;
    }
    let built = match guarded(KEPT, || engine.build(&staging)) {
        Ok(built) => built,
        Err(errors) => {
            staging.discard();
            return Err(errors);
        }
    };
    let mut phase = crate::engine::phase_timer();
    // Pruning the cache (folders of their own) goes on while the output is swapped in: both
    // are mostly waiting on the disk.
    let manifest = staging.manifest_file().map(std::path::Path::to_path_buf);
    let committed = std::thread::scope(|s| {
        s.spawn(|| {
            engine.prune_cache(&built.made, manifest.as_deref());
            engine.keep_stat_keys();
        });
        staging.commit()
    });
    let previous = committed.map_err(|d| vec![d])?.remove_in_background();
    phase("swap in and prune cache");
    print_all(&built.warnings);
    let made = built.made;
    if made.encoded_images + made.drawn_cards > 0 {
        err(format_args!(
            "Encoded {} and drew {} (kept in the cache for the next build)\n",
            plural(made.encoded_images, "image variant"),
            plural(made.drawn_cards, "social card"),
        ));
    }
    out(format_args!(
        "Built {}, {} in {} ms → {}/\n",
        plural(built.articles, "article"),
        plural(built.pages, "page"),
        started.elapsed().as_millis(),
        display_path(&args.output).trim_end_matches('/')
    ));
    let _ = previous.join();
    phase("remove the previous output");
    // Freeing every value of a large site one by one takes a tenth of a second; the
    // process's exit frees them at once.
    std::mem::forget(built.files);
    engine.leave();
    Ok(())
}

/// A new staging folder for `output`, starting from what the cache folder `cache` (if
/// any) keeps of earlier builds.
fn staging_for(
    output: &std::path::Path,
    cache: Option<&std::path::Path>,
) -> Result<Staging, Diagnostic> {
    let staging = Staging::create(output)?;
    Ok(match cache {
        Some(cache) => staging.remember(cache),
        None => staging,
    })
}

/// What a failed `build` leaves: the output as it was.
const KEPT: &str = "the previous output is untouched";

/// `f`, with a panic inside it reported as an error (`next` says what was left as it was).
fn guarded<T>(
    next: &str,
    f: impl FnOnce() -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    crash::catch(f).unwrap_or_else(|c| Err(vec![c.diagnostic(next)]))
}

fn show_related(args: &RelatedArgs) -> Result<(), Vec<Diagnostic>> {
    let settings = Settings {
        base_url: None,
        options: options(&args.site),
        cache_dir: args.site.cache_dir.clone(),
        cache: cache_use(&args.site),
    };
    let text = guarded("nothing was written", || {
        let mut engine = Engine::new(&args.site.root, settings).map_err(|d| vec![d])?;
        let prepared = engine.prepare()?;
        super::explain::explain(&prepared.site, &args.slug).map_err(|d| vec![d])
    })?;
    out(format_args!("{text}"));
    Ok(())
}
