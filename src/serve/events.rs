//! Live-reload messages, broadcast to every connected browser, and their Server-Sent Events
//! wire form. Publishing never waits on a subscriber: a slow one is cut off, not waited for.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// What a rebuild means for the pages open in browsers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reload {
    /// The site was rebuilt: reload the page.
    Page,
    /// Only stylesheets changed: swap them in without a reload.
    Css,
    /// The build failed: show these diagnostics (plain text, as in the terminal).
    Error(String),
}

impl Reload {
    /// The SSE frame for this message: `event: reload|css|error`, then one `data:` line per
    /// line of text (SSE has no escaping; a newline inside a `data:` line would end it).
    pub fn to_sse(&self) -> String {
        match self {
            Reload::Page => "event: reload\ndata: \n\n".to_owned(),
            Reload::Css => "event: css\ndata: \n\n".to_owned(),
            Reload::Error(text) => sse_frame("error", text),
        }
    }
}

/// One SSE frame with the given event name and multi-line data.
pub(crate) fn sse_frame(event: &str, text: &str) -> String {
    let mut frame = format!("event: {event}\n");
    // `lines()` would drop a trailing empty line and keep a `\r`; SSE treats `\r\n`, `\r`
    // and `\n` all as line ends, so split on each.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for line in text.split('\n') {
        frame.push_str("data: ");
        frame.push_str(line);
        frame.push('\n');
    }
    frame.push('\n');
    frame
}

/// Messages a subscriber may have pending before it counts as stalled and is cut off.
const QUEUE_PER_SUBSCRIBER: usize = 32;

/// The broadcast hub. Thread-safe; share it behind an `Arc` (it lives in `http::Shared`).
#[derive(Default)]
pub struct Events {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    subscribers: Vec<Subscriber>,
    last_error: Option<String>,
}

struct Subscriber {
    sender: SyncSender<Reload>,
    lagged: Arc<AtomicBool>,
}

impl Events {
    /// A hub with no subscribers and no error.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `reload` to every subscriber. Never blocks on them: a subscriber whose queue is
    /// full is dropped and told it lagged (its browser then reloads and reconnects).
    /// `Error` is remembered for later subscribers; `Page` and `Css` (a good build) clear it.
    pub fn publish(&self, reload: Reload) {
        let mut state = self.lock();
        state.last_error = match &reload {
            Reload::Error(text) => Some(text.clone()),
            Reload::Page | Reload::Css => None,
        };
        state.subscribers.retain(
            |subscriber| match subscriber.sender.try_send(reload.clone()) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    subscriber.lagged.store(true, Ordering::SeqCst);
                    false
                }
                Err(TrySendError::Disconnected(_)) => false,
            },
        );
    }

    /// A new subscription. If the last build failed, its error is already queued, so a
    /// browser that connects while the site is broken sees the overlay at once.
    pub fn subscribe(&self) -> Subscription {
        let (sender, receiver) = mpsc::sync_channel(QUEUE_PER_SUBSCRIBER);
        let lagged = Arc::new(AtomicBool::new(false));
        let mut state = self.lock();
        if let Some(text) = &state.last_error {
            // The channel is new and empty, so this cannot fail.
            let _ = sender.try_send(Reload::Error(text.clone()));
        }
        state.subscribers.push(Subscriber {
            sender,
            lagged: Arc::clone(&lagged),
        });
        Subscription { receiver, lagged }
    }

    /// The diagnostics of the last build, if it failed.
    pub fn last_error(&self) -> Option<String> {
        self.lock().last_error.clone()
    }

    /// How many subscriptions are still registered (closed ones go at the next publish).
    pub fn subscriber_count(&self) -> usize {
        self.lock().subscribers.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one assignment.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One subscriber's end of the broadcast.
pub struct Subscription {
    receiver: Receiver<Reload>,
    lagged: Arc<AtomicBool>,
}

/// What waiting on a `Subscription` gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A message arrived.
    Message(Reload),
    /// Nothing arrived in time.
    Timeout,
    /// The subscriber fell too far behind and was cut off; it has missed messages.
    Lagged,
    /// The hub is gone.
    Closed,
}

impl Subscription {
    /// Waits up to `timeout` for the next message.
    pub fn recv_timeout(&self, timeout: Duration) -> Next {
        match self.receiver.recv_timeout(timeout) {
            Ok(reload) => Next::Message(reload),
            Err(RecvTimeoutError::Timeout) => Next::Timeout,
            Err(RecvTimeoutError::Disconnected) if self.lagged.load(Ordering::SeqCst) => {
                Next::Lagged
            }
            Err(RecvTimeoutError::Disconnected) => Next::Closed,
        }
    }

    /// The next message if one is waiting.
    pub fn try_recv(&self) -> Option<Reload> {
        self.receiver.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_becomes_one_data_line_per_line() {
        let frame = Reload::Error("line1\nline2\r\nline3".into()).to_sse();
        assert_eq!(
            frame,
            "event: error\ndata: line1\ndata: line2\ndata: line3\n\n"
        );
    }

    #[test]
    fn late_subscriber_gets_the_current_error_and_a_good_build_clears_it() {
        let events = Events::new();
        events.publish(Reload::Error("broken".into()));
        let late = events.subscribe();
        assert_eq!(late.try_recv(), Some(Reload::Error("broken".into())));
        events.publish(Reload::Page);
        assert_eq!(events.last_error(), None);
        assert_eq!(late.try_recv(), Some(Reload::Page));
    }

    #[test]
    fn stalled_subscriber_is_cut_off_and_told_it_lagged() {
        let events = Events::new();
        let stalled = events.subscribe();
        for _ in 0..=QUEUE_PER_SUBSCRIBER {
            events.publish(Reload::Css);
        }
        assert_eq!(events.subscriber_count(), 0);
        for _ in 0..QUEUE_PER_SUBSCRIBER {
            assert_eq!(stalled.try_recv(), Some(Reload::Css));
        }
        assert_eq!(stalled.recv_timeout(Duration::ZERO), Next::Lagged);
    }

    #[test]
    fn dropped_subscription_is_forgotten() {
        let events = Events::new();
        drop(events.subscribe());
        events.publish(Reload::Page);
        assert_eq!(events.subscriber_count(), 0);
    }
}
