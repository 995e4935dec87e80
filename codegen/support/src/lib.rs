//! The support templates that `attached-files-codegen` copies verbatim into every generated crate
//! (`include_str!`, then lexed and pretty-printed), compiled here as modules so that they are
//! built, linted and unit-tested as code.
//!
//! The templates name items of the crate they land in (`crate::config::Config`,
//! `super::MEDIA_TYPE`, ...), so this crate's module tree is shaped like a generated crate's, one
//! template per module at the path it has there. The root stands for the root of a client crate
//! and of a server crate at once: the two sides' templates only meet in `protocol_serde`, where
//! each has its own `support.rs`. What the generator writes around the templates is replaced by
//! small stand-ins (`src/stand_in/`, and `build.rs` for `sigv4`), each saying what it stands for.
//!
//! | module | file | in a generated crate |
//! |---|---|---|
//! | `protocol_serde::{json, cbor, headers, event_stream}` | `common/*.rs` | `src/protocol_serde/*.rs`, both sides |
//! | `protocol_serde::{support, streaming}` | `server/{support,streaming}.rs` | the server's `src/protocol_serde/*.rs` |
//! | `sigv4` | `server/sigv4.rs` (with stand-in consts, by `build.rs`) | the server's `src/sigv4.rs` |
//! | `protocol_serde::client_support` | `client/support.rs` | the client's `src/protocol_serde/support.rs` |
//! | `config`, `error`, `idempotency_token`, `primitives`, `runtime`, `compression`, `host_prefix`, `streaming` | `client/*.rs` | the client's `src/*.rs` |
//! | `auth::{sigv4, bearer, api_key}` | `client/auth/*.rs` | the client's `src/auth/*.rs` |
//! | `client`, `auth`, `protocol_serde` | `stand_in/*.rs` | generated: `src/client.rs`, `src/auth.rs`, `src/protocol_serde.rs` |

pub use crate::client::Client;
pub use crate::config::Config;

// --- Client -------------------------------------------------------------------------------------

#[path = "stand_in/client.rs"]
pub mod client;

#[path = "client/config.rs"]
pub mod config;

#[allow(dead_code, reason = "`sealed_unhandled::Unhandled` is built and read by the generated operation errors")]
#[path = "client/error.rs"]
pub mod error;

#[path = "client/idempotency_token.rs"]
pub mod idempotency_token;

#[path = "client/primitives.rs"]
pub mod primitives;

#[path = "stand_in/auth.rs"]
mod auth;

#[allow(dead_code, reason = "`Base::operation` is called by the generated `client.rs` for each operation")]
#[path = "client/runtime.rs"]
mod runtime;

#[allow(dead_code, reason = "`RequestCompression` is made by the generated operations with `@requestCompression`")]
#[path = "client/compression.rs"]
mod compression;

#[allow(dead_code, reason = "`HostPrefix` is made by the generated operations with an `@endpoint` host prefix")]
#[path = "client/host_prefix.rs"]
mod host_prefix;

#[allow(dead_code, reason = "`StreamingResponse` is made by the generated operations with a `@streaming` output")]
#[path = "client/streaming.rs"]
mod streaming;

// --- Both sides ---------------------------------------------------------------------------------

#[path = "stand_in/protocol_serde.rs"]
mod protocol_serde;

// --- Server -------------------------------------------------------------------------------------

// `pub mod sigv4`: the template followed by the consts the generator appends to it, which must be
// in the template's own module; `build.rs` writes the two into one module. So rustfmt does not see
// server/sigv4.rs: it is kept as rustfmt would format it, but for two closures whose bodies
// rustfmt would put in blocks, which the generated sigv4.rs would then show.
include!(concat!(env!("OUT_DIR"), "/server_sigv4.rs"));

#[cfg(test)]
mod tests;
