//! The attached-files server, as a library so that tests can run it in-process; the binary
//! (`main.rs`) parses flags, sets up logging, binds and calls [`app::run`].
//!
//! - [`api`]: the handlers of the five operations on the generated server SDK, and the one place
//!   where the domain's answers become the API's outputs and modeled errors.
//! - [`access`]: the access keys callers sign with, what each may do, and the SigV4 plugin's
//!   wiring.
//! - [`operating`]: request ids and the per-request log line, the body limit, the concurrency
//!   limit that answers ThrottlingException.
//! - [`app`]: the API assembled (with the health check), and `run(listener, api, shutdown)`.
//! - [`log_writer`]: where log lines go: batched in memory, written by a thread of their own.
//! - [`storage`]: the storage flags shared by every command, and the wiring of the metadata
//!   store, the object store (embedded or external) and the presigner.

pub mod access;
pub mod api;
pub mod app;
pub mod log_writer;
pub mod operating;
pub mod storage;
