//! A Smithy → Rust code generator for restJson1, awsJson1_0, awsJson1_1 and rpcv2Cbor services.
//!
//! The model goes one way: [`ast`] → [`resolve`] → [`ir`] → the emitters ([`server`], [`client`]).
//!
//! - [`ast`]: the JSON AST that `smithy build` hands to a `run::` plugin, with typed traits;
//! - [`resolve`]: the resolver, the only fallible phase: every check, so that the emitters cannot
//!   fail;
//! - [`ir`]: the resolved model the emitters read (Rust types, fields and bindings, typed
//!   defaults, docs, constraints, enum values, error metadata, operations), never the AST;
//! - [`server`]: the server SDK crate on `aws-smithy-http-server`, one emitter per module;
//! - [`client`]: the client crate on `aws-smithy-runtime`, one emitter per module;
//! - `codec`: the wire format of shapes (JSON, CBOR), one codec for both sides;
//! - `shapes`: what the server's and the client's type emitters share;
//! - `protocol_tests`: what the server's and the client's protocol-test emitters share;
//! - [`rust_types`]: Rust spellings the emitters share (scalar types, enum variants, defaults,
//!   redacting `Debug`);
//! - `table`: a generated crate as a table of its files (path, emitter, when the crate has it, the
//!   crates its code uses), which each side's `generate` walks;
//! - `manifest`: a generated crate's dependencies, each declared once, listed when a file uses it;
//! - [`render`]: Rust source out of token streams, formatted in-process (no rustfmt needed).

pub mod ast;
pub mod client;
mod codec;
mod event_stream;
pub mod ir;
mod manifest;
pub mod names;
mod protocol_tests;
pub mod render;
pub mod resolve;
pub mod rust_types;
pub mod server;
mod shapes;
mod table;

use std::fmt;

/// A model the generator cannot turn into code, or a setting that does not fit it. The message
/// names the shape and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Shorthand for an [`Error`] about one shape.
pub(crate) fn unsupported(shape: &str, what: impl fmt::Display) -> Error {
    Error(format!("{shape}: {what}"))
}

/// One generated file: its path inside the crate and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// What the generated crate is called and which service it serves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Absolute shape id of the service, e.g. `com.amazonaws.connect#AmazonConnectService`.
    pub service: String,
    /// Crate name, e.g. `attached-files-server-sdk`.
    pub module: String,
    pub module_version: String,
    /// The structures that constraint violations are answered with: each operation's is the first
    /// of these it declares, else the first; smithy-rs's `smithy.framework#ValidationException`
    /// wire format when there is none.
    pub validation_exceptions: Vec<String>,
    /// The protocol to generate for (`restJson1`, `awsJson1_0`, `awsJson1_1`), for a service
    /// with several; by default the first of those the service has.
    pub protocol: Option<String>,
    /// Named in each generated file's header.
    pub source: String,
}
