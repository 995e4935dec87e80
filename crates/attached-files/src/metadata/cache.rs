//! SQLite's records cached in memory for GetAttachedFile, kept true across processes.
//!
//! A lookup through SQLite costs a read transaction, whose locks on the WAL index are system
//! calls that the two request threads contend on: under load, a fifth of a Get's CPU. The cache
//! answers instead while no process has written since the record was read. Every write to the
//! database (by this server, an operator command or another server on the same directory) goes
//! through [`SqliteStore`](super::SqliteStore), which counts it in a small file beside the
//! database (`metadata.sqlite3-writes`) that every process reads before it uses its cache:
//! - inside its write transaction, holding SQLite's write lock, a writer takes the next number
//!   from `begun`;
//! - once committed (or rolled back), it raises `ended` to that number.
//!
//! So `begun == ended` means no write is under way, and a record read then may be kept under
//! that number until either counter moves. A writer that dies between the two leaves them apart,
//! which turns the cache off until the next write brings them together again: stale answers
//! never, slower ones for a while. A program that changes the database without this count (the
//! `sqlite3` shell, a build older than the cache) is not seen by caches already warm: the README
//! says to change the data directory only through this program.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;

use super::StoreError;
use crate::record::FileRecord;

/// The shared counts: `begun` in the file's first 16 bytes, `ended` in the next 16. They are read
/// and written with `pread` and `pwrite`, which need no lock, but a read beside a write may see
/// part of each; so each count is stored with a check (the count times an odd constant, so that
/// zeros are a count of 0) and a count whose check fails reads as "a write is under way".
pub(super) struct WriteCount {
    file: File,
}

impl WriteCount {
    const LEN: u64 = 32;
    const CHECK: u64 = 0x9E37_79B9_7F4A_7C15;

    /// The count of the database at `db`: the file `<db>-writes` beside it.
    pub(super) fn beside(db: &Path) -> Result<Self, StoreError> {
        let mut path = db.as_os_str().to_owned();
        path.push("-writes");
        Self::open(Path::new(&path))
    }

    pub(super) fn open(path: &Path) -> Result<Self, StoreError> {
        let failed = |e: std::io::Error| StoreError(format!("opening {}: {e}", path.display()));
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(failed)?;
        // Zeros the first time; growing an existing file's length keeps its counts.
        if file.metadata().map_err(failed)?.len() < Self::LEN {
            file.set_len(Self::LEN).map_err(failed)?;
        }
        Ok(Self { file })
    }

    /// `begun` and `ended`, each `None` when its check fails.
    fn read(&self) -> Result<[Option<u64>; 2], StoreError> {
        let mut bytes = [0; Self::LEN as usize];
        self.file.read_exact_at(&mut bytes, 0).map_err(|e| StoreError(format!("reading the write count: {e}")))?;
        Ok([0, 16].map(|at| {
            let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
            let count = word(at);
            (count.wrapping_mul(Self::CHECK) == word(at + 8)).then_some(count)
        }))
    }

    fn write(&self, index: u64, count: u64) -> Result<(), StoreError> {
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&count.to_le_bytes());
        bytes[8..].copy_from_slice(&count.wrapping_mul(Self::CHECK).to_le_bytes());
        self.file.write_all_at(&bytes, index * 16).map_err(|e| StoreError(format!("writing the write count: {e}")))
    }

    /// Counts a write that is starting and returns its number; call it holding SQLite's write
    /// lock, which orders the writers.
    pub(super) fn begin(&self) -> Result<u64, StoreError> {
        let [begun, ended] = self.read()?;
        // A count torn by a writer that died mid-`pwrite` counts as 0: numbers start again above
        // the other, and a cache never goes back to a number lower than its own.
        let number = begun.unwrap_or_default().max(ended.unwrap_or_default()) + 1;
        self.write(0, number)?;
        Ok(number)
    }

    /// Counts write `number` (from [`begin`](Self::begin)) as over, committed or not.
    pub(super) fn end(&self, number: u64) -> Result<(), StoreError> {
        let [_, ended] = self.read()?;
        if ended.is_none_or(|ended| ended < number) { self.write(1, number) } else { Ok(()) }
    }

    /// The number of the last write, if no write is under way.
    pub(super) fn settled(&self) -> Option<u64> {
        match self.read() {
            Ok([Some(begun), Some(ended)]) if begun == ended => Some(ended),
            _ => None,
        }
    }
}

/// Records as read while the write count stood at `version`; emptied when the count moves.
#[derive(Default)]
pub(super) struct RecordCache {
    inner: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    version: u64,
    /// By FileId, which is unique across instances.
    records: HashMap<String, FileRecord>,
}

impl Cached {
    /// Forgets every record when the count has moved past them; an older count changes nothing.
    fn start(&mut self, version: u64) {
        if version > self.version {
            self.records.clear();
            self.version = version;
        }
    }
}

impl RecordCache {
    /// At most this many records (a few KiB each) are kept; a full cache starts over.
    const CAPACITY: usize = 4096;

    pub(super) fn get(&self, version: u64, instance_id: &str, file_id: &str) -> Option<FileRecord> {
        let mut cached = self.inner.lock().ok()?;
        if cached.version != version {
            cached.start(version);
            return None;
        }
        cached.records.get(file_id).filter(|record| record.instance_id == instance_id).cloned()
    }

    pub(super) fn put(&self, version: u64, record: &FileRecord) {
        let Ok(mut cached) = self.inner.lock() else { return };
        cached.start(version);
        if cached.version != version {
            return;
        }
        if cached.records.len() >= Self::CAPACITY {
            cached.records.clear();
        }
        cached.records.insert(record.file_id.clone(), record.clone());
    }
}
