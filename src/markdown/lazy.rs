//! A rendered body's HTML, made with the body or read when first asked for. A warm build
//! reads back every body's metadata (headings, links, word count: what other steps need)
//! but only the HTML of the pages it renders again: with nothing changed, none (at 10,000
//! articles, 200 MB neither read nor held).

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// Makes the HTML when first asked for; it must give the very HTML the body was rendered to.
type Load = Arc<dyn Fn() -> String + Send + Sync>;

/// The HTML of a rendered body.
#[derive(Clone, Default)]
pub struct Html {
    text: OnceLock<String>,
    load: Option<Load>,
}

impl Html {
    /// HTML at hand.
    pub fn new(text: String) -> Html {
        Html {
            text: OnceLock::from(text),
            load: None,
        }
    }

    /// HTML that `load` makes when first asked for (once, whoever asks).
    pub fn lazy(load: impl Fn() -> String + Send + Sync + 'static) -> Html {
        Html {
            text: OnceLock::new(),
            load: Some(Arc::new(load)),
        }
    }

    pub fn as_str(&self) -> &str {
        self.text
            .get_or_init(|| self.load.as_ref().map(|load| load()).unwrap_or_default())
    }

    /// Whether the HTML is in memory (made, or loaded already).
    pub fn is_loaded(&self) -> bool {
        self.text.get().is_some()
    }
}

impl Deref for Html {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text.get() {
            Some(text) => write!(f, "Html({} bytes)", text.len()),
            None => f.write_str("Html(not loaded)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn lazy_html_is_made_once_when_first_asked_for() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let html = Html::lazy(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            "<p>x</p>".to_string()
        });
        assert!(!html.is_loaded());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(&*html, "<p>x</p>");
        assert_eq!(html.len(), 8);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(Html::new("<p>y</p>".into()).is_loaded());
        assert_eq!(Html::default().as_str(), "");
    }
}
