//! Where the log's lines go: gathered in memory and written by one thread of their own, a batch
//! at a time, at least every [`FLUSH_INTERVAL`].
//!
//! A line costs the thread that logs it a copy under a lock. tracing-appender's writer, used
//! before, handed each line to its thread through a channel, which under load woke that thread
//! and wrote to stderr for nearly every line: with the request log on, a Get cost 38 µs of CPU,
//! and 29 µs with it off (`RUST_LOG=warn`), measured in one run of `scripts/bench-ab`'s load.
//! No line is lost: past [`MAX_PENDING`] bytes a logging thread waits for the writer, and
//! [`Flush`] writes whatever is pending when it drops.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// The longest a line waits in memory before it is written.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(50);
/// Pending bytes that wake the writer before its interval is out.
const FLUSH_BYTES: usize = 1 << 20;
/// Pending bytes beyond which a logging thread waits (a stuck stderr must not take all memory).
const MAX_PENDING: usize = 16 << 20;

/// The writer to give tracing-subscriber (`.with_writer(..)`).
#[derive(Clone)]
pub struct BatchedWriter(Arc<Shared>);

/// Stops the writer's thread once every pending line is written; keep it until exit.
pub struct Flush {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    pending: Mutex<Pending>,
    /// Signalled when much is pending or the log closes (for the writer), and when the writer has
    /// taken a batch (for threads waiting for room).
    changed: Condvar,
}

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    closed: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A panic while holding the lock leaves whole lines behind: keep going.
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl BatchedWriter {
    /// Starts the thread that writes the lines to `out`.
    pub fn start(out: impl Write + Send + 'static) -> std::io::Result<(Self, Flush)> {
        let shared = Arc::new(Shared { pending: Mutex::default(), changed: Condvar::new() });
        let writer = shared.clone();
        let thread =
            std::thread::Builder::new().name("log-writer".into()).spawn(move || write_batches(&writer, out))?;
        Ok((Self(shared.clone()), Flush { shared, thread: Some(thread) }))
    }
}

fn write_batches(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::new();
    loop {
        let closed = {
            let mut pending = shared.lock();
            if !pending.closed && pending.bytes.len() < FLUSH_BYTES {
                pending = match shared.changed.wait_timeout(pending, FLUSH_INTERVAL) {
                    Ok((pending, _)) => pending,
                    Err(poisoned) => poisoned.into_inner().0,
                };
            }
            std::mem::swap(&mut batch, &mut pending.bytes);
            pending.closed
        };
        shared.changed.notify_all();
        if batch.is_empty() && closed {
            return;
        }
        // Nowhere to report a failing stderr: the lines are dropped, as `eprintln!` would.
        let _ = out.write_all(&batch).and_then(|()| out.flush());
        batch.clear();
    }
}

impl<'a> MakeWriter<'a> for BatchedWriter {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(&self.0)
    }
}

/// Where one event's text goes.
pub struct Line<'a>(&'a Shared);

impl Write for Line<'_> {
    /// tracing-subscriber writes each event whole, in one call: lines are never split.
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let shared = self.0;
        let mut pending = shared.lock();
        while pending.bytes.len() >= MAX_PENDING && !pending.closed {
            pending = shared.changed.wait(pending).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        let before = pending.bytes.len();
        pending.bytes.extend_from_slice(line);
        if before < FLUSH_BYTES && pending.bytes.len() >= FLUSH_BYTES {
            shared.changed.notify_all();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Flush {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Write` whose bytes the test can read, and how many writes it took.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut sink = self.0.lock().unwrap();
            sink.0.extend_from_slice(bytes);
            sink.1 += 1;
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_from_many_threads_arrive_whole_in_few_writes_and_all_before_the_flush_ends() {
        let sink = Sink::default();
        let (writer, flush) = BatchedWriter::start(sink.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..10_000 {
                        // One call per line, as tracing-subscriber writes an event.
                        let line = format!("thread {thread} line {i} {}\n", "x".repeat(i % 300));
                        writer.make_writer().write_all(line.as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(flush);

        let (bytes, writes) = sink.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        for thread in 0..4 {
            let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(&format!("thread {thread} "))).collect();
            assert_eq!(lines.len(), 10_000, "every line of thread {thread}");
            for (i, line) in lines.iter().enumerate() {
                assert_eq!(*line, format!("thread {thread} line {i} {}", "x".repeat(i % 300)), "whole and in order");
            }
        }
        assert!(writes < 4_000, "{writes} writes for 40,000 lines");
    }

    #[test]
    fn a_line_waits_at_most_about_the_interval() {
        let sink = Sink::default();
        let (writer, _flush) = BatchedWriter::start(sink.clone()).unwrap();
        writer.make_writer().write_all(b"soon\n").unwrap();
        let started = std::time::Instant::now();
        while sink.0.lock().unwrap().0.is_empty() {
            assert!(started.elapsed() < FLUSH_INTERVAL * 20, "the line was not written");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
