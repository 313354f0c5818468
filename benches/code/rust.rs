//! A bounded queue with backpressure.
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum PushError<T> {
    #[error("queue full after waiting {0:?}")]
    Timeout(Duration, T),
}

/// A queue that makes producers wait when it holds `capacity` items.
pub struct Bounded<T> {
    items: Mutex<VecDeque<T>>,
    not_full: Condvar,
    not_empty: Condvar,
    capacity: usize,
}

impl<T> Bounded<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be positive");
        Bounded { items: Mutex::new(VecDeque::with_capacity(capacity)), not_full: Condvar::new(), not_empty: Condvar::new(), capacity }
    }

    pub fn push(&self, item: T, wait: Duration) -> Result<(), PushError<T>> {
        let deadline = Instant::now() + wait;
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        while items.len() >= self.capacity {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(PushError::Timeout(wait, item));
            }
            items = self.not_full.wait_timeout(items, left).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
        }
        items.push_back(item);
        self.not_empty.notify_one();
        Ok(())
    }

    pub fn pop(&self) -> T {
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(item) = items.pop_front() {
                self.not_full.notify_one();
                return item;
            }
            items = self.not_empty.wait(items).unwrap_or_else(|e| e.into_inner());
        }
    }
}

fn main() {
    let q: Bounded<u64> = Bounded::new(1_024);
    let total: u64 = (0..10).map(|i| i * 2 + 1).sum();
    println!("pushed {} -> {:?}", total, q.push(total, Duration::from_millis(5)).is_ok());
}
