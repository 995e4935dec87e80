//! Writes the server's SigV4 template as the generator does (`sigv4_rs` in
//! codegen/src/server/mod.rs): the template, then the consts generated for the service, in one
//! module. The consts must be in the template's own module, which `include!` cannot open (the
//! template starts with inner doc comments), so the module is written whole to
//! `$OUT_DIR/server_sigv4.rs` for lib.rs to include.

use std::path::PathBuf;

const TEMPLATE: &str = "src/server/sigv4.rs";

/// What comes before the template: a generated server crate allows this lint crate-wide (lib.rs).
const BEFORE: &str = r#"// src/server/sigv4.rs and stand-ins for its generated consts, written by build.rs.
#[allow(clippy::type_complexity, reason = "a generated server's lib.rs allows it crate-wide")]
pub mod sigv4 {
"#;

/// Stand-ins for the generated consts: a signing name, two operations that need no signature, and
/// two whose input is an event stream.
const AFTER: &str = r#"
/// The name callers sign for (`@aws.auth#sigv4`).
pub const SIGNING_NAME: &str = "example";

/// The operations whose callers need not sign; the others must.
const NOT_REQUIRED: &[(&str, Requirement)] = &[
    ("example#OptionalAuth", Requirement::Optional),
    ("example#Unsigned", Requirement::None),
    ("example#OptionalEvents", Requirement::Optional),
];

/// The operations whose input is an event stream.
const EVENT_STREAM_INPUTS: &[&str] = &["example#Events", "example#OptionalEvents"];
}
"#;

fn main() {
    println!("cargo::rerun-if-changed={TEMPLATE}");
    let template = std::fs::read_to_string(TEMPLATE).expect("the SigV4 template is readable");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("server_sigv4.rs");
    std::fs::write(out, [BEFORE, &template, AFTER].concat()).expect("OUT_DIR is writable");
}
