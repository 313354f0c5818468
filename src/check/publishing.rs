//! Advice on where the site is published: what a host's crawlers will and will not find.
//! Looks at the config only; the pages are `links`' business.

use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// Crawlers read `/robots.txt` at the root of a host and nowhere else: under a base URL
/// with a path (`https://x.com/blog/`) folio's robots.txt is never read. `from_flag` says the
/// base URL came from `--base-url`, so there is no config line to point at.
pub fn robots_outside_root(config: &Config, from_flag: bool) -> Option<Diagnostic> {
    let base_path = config.base_path();
    if base_path == "/" {
        return None;
    }
    let origin = config
        .base_url
        .strip_suffix(&base_path[1..])
        .unwrap_or(&config.base_url);
    let d = Diagnostic::warning(format!(
        "robots.txt is written to `{base_path}robots.txt`, where crawlers never look"
    ))
    .help(format!(
        "crawlers read only `{origin}robots.txt`, at the root of the host: add this site's sitemap (`{}sitemap.xml`) to that file, or submit it to the search engines directly (see docs/deploy.md)",
        config.base_url
    ));
    Some(match from_flag {
        true => d,
        false => config
            .point_at(d, "base_url")
            .label(format!("the site lives under `{base_path}`")),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn config(base_url: &str) -> Config {
        let text = format!("title = \"T\"\nbase_url = \"{base_url}\"\n");
        Config::parse(&text, Path::new("config.toml")).unwrap()
    }

    #[test]
    fn warns_only_under_a_sub_path() {
        assert!(robots_outside_root(&config("https://x.com/"), false).is_none());
        assert!(robots_outside_root(&config("https://x.com"), false).is_none());
        let d = robots_outside_root(&config("https://x.com/blog/"), false).unwrap();
        assert!(!d.is_error());
        assert_eq!(
            d.message,
            "robots.txt is written to `/blog/robots.txt`, where crawlers never look"
        );
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("`https://x.com/robots.txt`")
        );
        assert_eq!(d.line_col().map(|l| l.0), Some(2));
        let flag = robots_outside_root(&config("https://x.com/blog/"), true).unwrap();
        assert!(flag.span.is_none());
    }
}
