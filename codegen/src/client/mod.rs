//! The client crate: the public API of a smithy-rs client on `aws-smithy-runtime`, one emitter
//! per generated module.
//!
//! `generate` resolves the model, writes `Cargo.toml`, then walks [`files`], a table whose rows are
//! the other lines below, in this order (a test checks).
//!
//! | file | emitter | when |
//! |---|---|---|
//! | `Cargo.toml` | [`cargo_toml`]: the [`DEPENDENCIES`] that [`EVERY_CRATE`] and the rows present use | always |
//! | `src/lib.rs` | [`Gen::lib_rs`] | always |
//! | `src/types.rs` (shared shapes, modeled errors, their builders) | [`shapes`] | always |
//! | `src/operation.rs` | [`fluent`] | always |
//! | `src/operation/<op>.rs` (input, output, error, builders) | [`shapes`], [`fluent`] | one per operation |
//! | `src/client.rs` (`Client` and one fluent builder per operation) | [`fluent`] | always |
//! | `src/protocol_serde.rs` (requests out of inputs; outputs and errors out of responses) | [`serde`] | always |
//! | `src/protocol_serde/headers.rs` | `codegen/support/src/common/headers.rs`, verbatim (as in servers) | always |
//! | `src/protocol_serde/json.rs` | `codegen/support/src/common/json.rs`, verbatim (as in servers) | always |
//! | `src/protocol_serde/cbor.rs` | `codegen/support/src/common/cbor.rs`, verbatim (as in servers) | the protocol is rpcv2Cbor |
//! | `src/protocol_serde/support.rs` | `codegen/support/src/client/support.rs`, verbatim | always |
//! | `src/config.rs` | `codegen/support/src/client/config.rs`, verbatim | always |
//! | `src/error.rs` | `codegen/support/src/client/error.rs`, verbatim | always |
//! | `src/idempotency_token.rs` | `codegen/support/src/client/idempotency_token.rs`, verbatim | always |
//! | `src/primitives.rs` | `codegen/support/src/client/primitives.rs`, verbatim | always |
//! | `src/runtime.rs` | `codegen/support/src/client/runtime.rs`, verbatim | always |
//! | `src/auth.rs` (the choice among the service's auth schemes) | [`auth`] | always |
//! | `src/auth/sigv4.rs` | `codegen/support/src/client/auth/sigv4.rs`, verbatim | the service has `@aws.auth#sigv4` |
//! | `src/auth/bearer.rs` | `codegen/support/src/client/auth/bearer.rs`, verbatim | the service has `@httpBearerAuth` |
//! | `src/auth/api_key.rs` | `codegen/support/src/client/auth/api_key.rs`, verbatim | the service has `@httpApiKeyAuth` |
//! | `src/compression.rs` (gzip of request bodies) | `codegen/support/src/client/compression.rs`, verbatim | an operation has `@requestCompression` |
//! | `src/host_prefix.rs` (host prefixes) | `codegen/support/src/client/host_prefix.rs`, verbatim | an operation has `@endpoint` |
//! | `src/streaming.rs` (responses read as streams) | `codegen/support/src/client/streaming.rs`, verbatim | an output has a `@streaming` payload |
//! | `src/protocol_serde/event_stream.rs` | `codegen/support/src/common/event_stream.rs`, verbatim (as in servers) | an operation has an event stream |
//! | `src/protocol_tests.rs` | [`protocol_tests`] | the model has protocol tests for clients |
//!
//! The verbatim templates are the package `attached-files-codegen-support` (`codegen/support/`),
//! which compiles and tests them.

mod auth;
mod fluent;
mod protocol_tests;
mod serde;
mod shapes;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ast::Ast;
use crate::ir::{AuthScheme, Module, Operation, Service};
use crate::manifest::{self, Dep};
use crate::names::shape_name;
use crate::render::{inner_doc, optional_mod};
use crate::table::Emit::{PerOperation, Template, Tokens};
use crate::table::{self, Row};
use crate::{Error, File, Settings, names};

/// Generates the client crate for `settings.service`.
pub fn generate(model: &Ast, settings: &Settings) -> Result<Vec<File>, Error> {
    let service = Service::resolve(model, &settings.service, settings.protocol.as_deref(), &[])?;
    let crate_name = settings.module.replace('-', "_");
    let g = Gen { s: &service, crate_name };
    let table = files();
    let rows = table::present(&table, &g);
    let mut files = vec![cargo_toml(&g, &rows, settings)?];
    files.extend(table::write(&rows, &g, &service.operations, settings)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The crate's files besides `Cargo.toml`: the table of the module docs.
fn files<'s, 'm>() -> Vec<Row<'m, Gen<'s, 'm>>> {
    vec![
        Row::new("src/lib.rs", Tokens(Gen::lib_rs)),
        Row::new("src/types.rs", Tokens(Gen::types_rs)),
        Row::new("src/operation.rs", Tokens(Gen::operation_rs)),
        Row::new("src/operation/<op>.rs", PerOperation(Gen::operation_module)),
        Row::new("src/client.rs", Tokens(Gen::client_rs)),
        Row::new("src/protocol_serde.rs", Tokens(Gen::protocol_serde))
            .uses_if(Gen::has_checksums, &["md-5"])
            .uses_if(|g| g.s.protocol.has_http_bindings(), &["aws-smithy-http"]),
        Row::new("src/protocol_serde/headers.rs", Template(include_str!("../../support/src/common/headers.rs"))),
        Row::new("src/protocol_serde/json.rs", Template(include_str!("../../support/src/common/json.rs"))),
        Row::new("src/protocol_serde/cbor.rs", Template(include_str!("../../support/src/common/cbor.rs")))
            .when(Gen::is_cbor)
            .uses(&["aws-smithy-cbor"]),
        Row::new("src/protocol_serde/support.rs", Template(include_str!("../../support/src/client/support.rs"))),
        Row::new("src/config.rs", Template(include_str!("../../support/src/client/config.rs"))),
        Row::new("src/error.rs", Template(include_str!("../../support/src/client/error.rs"))),
        Row::new("src/idempotency_token.rs", Template(include_str!("../../support/src/client/idempotency_token.rs"))),
        Row::new("src/primitives.rs", Template(include_str!("../../support/src/client/primitives.rs"))),
        Row::new("src/runtime.rs", Template(include_str!("../../support/src/client/runtime.rs"))),
        Row::new("src/auth.rs", Tokens(Gen::auth_rs)),
        Row::new("src/auth/sigv4.rs", Template(include_str!("../../support/src/client/auth/sigv4.rs")))
            .when(|g: &Gen| g.has_auth("sigv4"))
            .uses(&["aws-credential-types", "aws-runtime", "aws-types"]),
        Row::new("src/auth/bearer.rs", Template(include_str!("../../support/src/client/auth/bearer.rs")))
            .when(|g: &Gen| g.has_auth("bearer"))
            .uses(&["aws-smithy-runtime/http-auth", "aws-smithy-runtime-api/http-auth"]),
        Row::new("src/auth/api_key.rs", Template(include_str!("../../support/src/client/auth/api_key.rs")))
            .when(|g: &Gen| g.has_auth("api_key"))
            .uses(&["aws-smithy-runtime/http-auth", "aws-smithy-runtime-api/http-auth"]),
        Row::new("src/compression.rs", Template(include_str!("../../support/src/client/compression.rs")))
            .when(Gen::has_compression)
            .uses(&["flate2"]),
        Row::new("src/host_prefix.rs", Template(include_str!("../../support/src/client/host_prefix.rs")))
            .when(Gen::has_host_prefixes),
        Row::new("src/streaming.rs", Template(include_str!("../../support/src/client/streaming.rs")))
            .when(Gen::has_output_streams),
        Row::new(
            "src/protocol_serde/event_stream.rs",
            Template(include_str!("../../support/src/common/event_stream.rs")),
        )
        .when(|g: &Gen| g.s.features.event_streams)
        .uses(&["aws-smithy-eventstream", "aws-smithy-http/event-stream", "http-body", "http-body-util"]),
        Row::new("src/protocol_tests.rs", Tokens(Gen::protocol_tests))
            .when(Gen::has_protocol_tests)
            .dev_uses(&["aws-smithy-http-client", "aws-smithy-protocol-test", "tokio"])
            .dev_uses_if(Gen::has_event_stream_tests, &["futures-util"]),
    ]
}

/// The emitters' shared view of the resolved service.
pub(crate) struct Gen<'s, 'm> {
    s: &'s Service<'m>,
    /// The crate's name in Rust code, for doc examples.
    crate_name: String,
}

impl<'m> Gen<'_, 'm> {
    /// The module of a shared structure or union (`Model`) or of a modeled error (`Error`).
    /// Operation inputs and outputs are named by their operation instead (`op_struct`).
    fn module_of(&self, id: &str) -> Module {
        self.s.struct_place(id).0
    }

    /// The module that holds a shared structure or union (`crate::types`) or a modeled error
    /// (`crate::types::error`).
    fn struct_module(&self, id: &str) -> TokenStream {
        match self.module_of(id) {
            Module::Error => quote!(crate::types::error),
            _ => quote!(crate::types),
        }
    }

    /// The builder of a structure, e.g. `crate::types::builders::DownloadUrlMetadataBuilder`.
    fn builder_path(&self, id: &str) -> TokenStream {
        let module = self.struct_module(id);
        let name = format_ident!("{}Builder", self.struct_ident(id));
        quote!(#module::builders::#name)
    }

    fn struct_ident(&self, id: &str) -> Ident {
        format_ident!("{}", self.s.struct_place(id).1)
    }

    /// `crate::operation::<op>`.
    fn op_module(&self, op: &Operation<'m>) -> TokenStream {
        let module = names::ident(&names::snake(op.name));
        quote!(crate::operation::#module)
    }

    /// `crate::operation::<op>::<Op>Error`.
    fn op_error_path(&self, op: &Operation<'m>) -> TokenStream {
        let module = names::ident(&names::snake(op.name));
        let error = format_ident!("{}Error", names::type_name(op.name));
        quote!(crate::operation::#module::#error)
    }

    /// The service's name as the runtime knows it (logs, metrics, retry partition).
    fn service_name(&self) -> &'m str {
        shape_name(self.s.id)
    }

    fn is_cbor(&self) -> bool {
        self.s.protocol.is_cbor()
    }

    /// Whether an operation has `@httpChecksumRequired` (`Content-MD5`, with `md-5`).
    fn has_checksums(&self) -> bool {
        self.s.features.checksums
    }

    /// Whether an operation has `@requestCompression` (`src/compression.rs`).
    fn has_compression(&self) -> bool {
        self.s.features.compression
    }

    /// Whether an operation has an `@endpoint` host prefix (`src/host_prefix.rs`).
    fn has_host_prefixes(&self) -> bool {
        self.s.features.host_prefixes
    }

    /// Whether an operation's output has a `@streaming` payload (`src/streaming.rs`).
    fn has_output_streams(&self) -> bool {
        self.s.features.output_streams
    }

    /// What the crate's documentation says of auth.
    fn auth_doc(&self) -> String {
        if self.s.auth.is_empty() {
            return "The service has no auth trait: requests are sent unsigned.".to_owned();
        }
        let schemes: Vec<String> = self
            .s
            .auth
            .iter()
            .map(|scheme| match scheme {
                AuthScheme::SigV4 { name } => format!(
                    "SigV4 (signing name `{name}`) when the config has credentials (`credentials_provider`, or\n  \
                     `Client::new(&aws_config::load_defaults(..).await)`)"
                ),
                AuthScheme::Bearer => "a bearer token when the config has one (`bearer_token`)".to_owned(),
                AuthScheme::ApiKey { name, .. } => {
                    format!("the API key in `{name}` when the config has one (`api_key`)")
                }
            })
            .collect();
        format!(
            "Requests are authorized with the first of these the operation allows and the config has:\n{}.\n\n\
             Without any, they are sent unsigned.",
            schemes.iter().map(|s| format!("- {s}")).collect::<Vec<_>>().join(";\n")
        )
    }

    fn lib_rs(&self) -> TokenStream {
        let title = self.s.title;
        let first_op = self.s.operations.first().map(|op| names::snake(op.name)).unwrap_or_default();
        let auth = self.auth_doc();
        let mut intro = format!(
            "Client for {title}, generated from its Smithy model\n(`{}`).\n\n\
             ```no_run\n\
             # async fn example() {{\n\
             let config = {crate_}::Config::builder()\n    .endpoint_url(\"http://127.0.0.1:8080\")\n    .behavior_version_latest()\n    .build();\n\
             let client = {crate_}::Client::from_conf(config);\n\
             let request = client.{first_op}();\n\
             # let _ = request;\n\
             # }}\n\
             ```\n\n{auth}",
            self.s.id,
            crate_ = self.crate_name,
        );
        if let Some(service_doc) = self.s.docs.doc {
            intro = format!("{intro}\n\n{service_doc}");
        }
        let docs = inner_doc(Some(&intro));
        let compression = optional_mod(self.has_compression(), "compression", false);
        let host_prefix = optional_mod(self.has_host_prefixes(), "host_prefix", false);
        let streaming = optional_mod(self.has_output_streams(), "streaming", false);
        let protocol_tests = optional_mod(self.has_protocol_tests(), "protocol_tests", true);
        quote! {
            #docs
            // `Unknown` enum values and `Unhandled` errors are deprecated to discourage matching on
            // them directly; the crate itself builds them.
            #![allow(deprecated)]
            #![allow(clippy::large_enum_variant)]
            #![allow(clippy::result_large_err)]
            #![allow(clippy::type_complexity)]
            #![allow(clippy::too_many_arguments)]

            // One item per line: the lines of this file are short enough for any rustfmt
            // configuration to leave them as they are.
            pub use crate::client::Client;
            pub use crate::config::Config;

            /// The client and one fluent builder per operation.
            #[rustfmt::skip]
            pub mod client;
            /// The client's configuration: endpoint, HTTP client, retries, timeouts, interceptors, auth.
            #[rustfmt::skip]
            pub mod config;
            /// The errors of calls (`SdkError`) and the traits that read them.
            #[rustfmt::skip]
            pub mod error;
            /// Tokens for `@idempotencyToken` members that a call leaves unset.
            #[rustfmt::skip]
            pub mod idempotency_token;
            /// One module per operation: its input, output, error and builders.
            #[rustfmt::skip]
            pub mod operation;
            /// Smithy's value types used in this crate's shapes.
            #[rustfmt::skip]
            pub mod primitives;
            /// Shapes that operations share, and the modeled errors.
            #[rustfmt::skip]
            pub mod types;
            #[rustfmt::skip]
            mod auth;
            #compression
            #host_prefix
            #streaming
            #[rustfmt::skip]
            mod protocol_serde;
            #protocol_tests
            #[rustfmt::skip]
            mod runtime;
        }
    }
}

/// The crates client code may use, in the order the manifests have always listed them.
pub(crate) const DEPENDENCIES: &[Dep] = &[
    Dep::new("aws-smithy-async", "1.3.1"),
    Dep::new("aws-smithy-eventstream", "0.61.6"),
    Dep::new("aws-smithy-http", "0.64.3"),
    Dep::new("aws-smithy-http-client", "1.5.2").features(&["test-util"]),
    Dep::new("aws-smithy-cbor", "0.64.1"),
    Dep::new("aws-smithy-json", "0.65.1"),
    Dep::new("aws-smithy-protocol-test", "0.64.0").no_default_features().features(&["http-1x"]),
    Dep::new("aws-smithy-runtime", "1.16.2").features(&["client"]),
    Dep::new("aws-smithy-runtime-api", "1.20.0").features(&["client", "http-1x"]),
    Dep::new("aws-smithy-types", "1.9.3").features(&["http-body-1-x"]),
    Dep::new("fastrand", "2.5.0"),
    Dep::new("flate2", "1.1.11"),
    Dep::new("futures-util", "0.3.34").no_default_features(),
    Dep::new("aws-credential-types", "1.3.1"),
    Dep::new("aws-runtime", "1.10.2"),
    Dep::new("aws-types", "1.7.0"),
    Dep::new("http", "1.4.0"),
    Dep::new("http-body", "1.0.1"),
    Dep::new("http-body-util", "0.1.3"),
    Dep::new("md-5", "0.11.0"),
    Dep::new("tokio", "1.54.1").features(&["macros", "rt"]),
];

/// What every client crate uses: the runtime, and what the files every crate has use.
const EVERY_CRATE: &[&str] = &[
    "aws-smithy-async",
    "aws-smithy-json",
    "aws-smithy-runtime",
    "aws-smithy-runtime-api",
    "aws-smithy-types",
    "fastrand",
    "http",
];

/// `Cargo.toml`: the package, its features, then the dependencies of the rows present.
fn cargo_toml<'s, 'm>(g: &Gen<'s, 'm>, rows: &[&Row<'m, Gen<'s, 'm>>], settings: &Settings) -> Result<File, Error> {
    let (uses, dev_uses) = table::uses(rows, g);
    let dependencies = manifest::dependencies(DEPENDENCIES, &[EVERY_CRATE, &uses].concat(), &dev_uses)?;
    let contents = format!(
        "{header}\n\
[package]
name = \"{name}\"
version = \"{version}\"
description = \"Client for {id}, generated by attached-files-codegen (do not edit; run codegen/regenerate).\"
edition = \"2021\"
rust-version = \"1.94.1\"
publish = false

[features]
default = [\"default-https-client\", \"rt-tokio\"]
# The HTTP client used when the config sets none: hyper with rustls (serves http:// too).
default-https-client = [\"aws-smithy-runtime/default-https-client\"]
# Tokio for sleeping between retries and for timeouts.
rt-tokio = [\"aws-smithy-async/rt-tokio\", \"aws-smithy-runtime/rt-tokio\"]

{dependencies}",
        header = crate::render::header("#", settings),
        name = settings.module,
        version = settings.module_version,
        id = g.s.id,
    );
    Ok(File { path: "Cargo.toml".to_owned(), contents })
}

#[cfg(test)]
mod tests {
    /// The module docs' table and [`super::files`] list the same files, in the same order.
    #[test]
    fn docs_list_the_files() {
        let paths: Vec<&str> = super::files().iter().map(|row| row.path).collect();
        assert_eq!(crate::table::documented(include_str!("mod.rs")), [&["Cargo.toml"], &paths[..]].concat());
    }

    /// Every crate the rows may use is declared.
    #[test]
    fn uses_are_declared() {
        let rows = super::files();
        let uses: Vec<&str> = rows
            .iter()
            .flat_map(|row| row.uses.iter().flat_map(|(_, crates)| *crates).chain(row.dev_uses))
            .copied()
            .collect();
        let all = [super::EVERY_CRATE, &uses].concat();
        assert!(crate::manifest::dependencies(super::DEPENDENCIES, &all, &[]).is_ok());
    }
}
