//! Debouncing: the paths of raw file-system events, gathered into one batch until events
//! have been quiet for a moment. Every path of every event is kept — a rename's old path
//! included, whatever happens to its new path next — since the engine, not the watcher,
//! decides what a path means.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Hand on batches from `raw` to `out` on a thread of its own: a batch ends once no event
/// came for `quiet`, or `longest` after it began (so a tool writing files for seconds is
/// seen while it works). The thread ends when either channel is closed.
pub fn spawn(
    raw: Receiver<Vec<PathBuf>>,
    out: Sender<Vec<PathBuf>>,
    quiet: Duration,
    longest: Duration,
) {
    std::thread::spawn(move || {
        while let Ok(first) = raw.recv() {
            let began = Instant::now();
            let mut batch: BTreeSet<PathBuf> = first.into_iter().collect();
            let open = loop {
                let left = longest.saturating_sub(began.elapsed());
                if left.is_zero() {
                    break true;
                }
                match raw.recv_timeout(quiet.min(left)) {
                    Ok(more) => batch.extend(more),
                    Err(RecvTimeoutError::Timeout) => break true,
                    Err(RecvTimeoutError::Disconnected) => break false,
                }
            };
            if !batch.is_empty() && out.send(batch.into_iter().collect()).is_err() {
                return;
            }
            if !open {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn events_close_together_make_one_sorted_batch() {
        let (raw_tx, raw) = channel();
        let (out, batches) = channel();
        spawn(raw, out, Duration::from_millis(50), Duration::from_secs(5));
        raw_tx
            .send(vec![PathBuf::from("b"), PathBuf::from("a")])
            .unwrap();
        raw_tx
            .send(vec![PathBuf::from("a"), PathBuf::from("c")])
            .unwrap();
        let batch = batches.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(batch, ["a", "b", "c"].map(PathBuf::from));
    }

    #[test]
    fn a_long_burst_is_handed_on_while_it_lasts() {
        let (raw_tx, raw) = channel();
        let (out, batches) = channel();
        spawn(
            raw,
            out,
            Duration::from_millis(200),
            Duration::from_millis(300),
        );
        let began = Instant::now();
        while began.elapsed() < Duration::from_secs(2) {
            raw_tx.send(vec![PathBuf::from("a")]).unwrap();
            if batches.try_recv().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no batch within 2 s of events every 20 ms");
    }
}
