//! The attached-files server, as a library: [`server::Server::start`] runs one from a
//! [`config::Config`] on a listener until its handle's shutdown. The binary (`src/bin/`) turns
//! flags and the environment into a `Config`, sets up logging and signals, and runs it, or an
//! operator command.
//!
//! - [`config`]: what a server is started with, as plain values, and their defaults.
//! - [`server`]: the server started and stopped as one: storage, API, key reload, scanner, sweep.
//! - [`api`]: the handlers of the eight operations on the generated server SDK, and the one place
//!   where the domain's answers become the API's outputs and modeled errors.
//! - [`access`]: the access keys callers sign with, what each may do, and the SigV4 plugin's
//!   wiring.
//! - [`operating`]: request ids and the per-request log line, the body limit, the concurrency
//!   limit that answers ThrottlingException.
//! - [`app`]: the API assembled (with the health check), and `run(listener, api, shutdown)`.
//! - [`log_writer`]: where log lines go: batched in memory, written by a thread of their own.
//! - [`storage`]: the metadata store, the object store (embedded or external) and the presigner
//!   that a configuration names, opened.

pub mod access;
pub mod api;
pub mod app;
pub mod config;
pub mod log_writer;
pub mod operating;
pub mod server;
pub mod storage;
