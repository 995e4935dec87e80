//! Unit tests of the templates, beside them rather than in them: a test module in a template would
//! be copied into every generated crate.

mod cbor;
mod client;
mod client_support;
mod event_stream;
mod headers;
mod json;
mod server_sigv4;
mod server_streaming;
mod server_support;
