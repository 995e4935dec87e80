//! The server SDK crate: one emitter per generated module.
//!
//! `generate` resolves the model, writes `Cargo.toml`, then walks [`files`], a table whose rows are
//! the other lines below, in this order (a test checks).
//!
//! | file | emitter | when |
//! |---|---|---|
//! | `Cargo.toml` | [`cargo_toml`]: the [`DEPENDENCIES`] that [`EVERY_CRATE`] and the rows present use | always |
//! | `src/lib.rs` | [`Gen::lib_rs`] | always |
//! | `src/model.rs` | [`shapes`] | always |
//! | `src/input.rs` | [`shapes`] | always |
//! | `src/output.rs` | [`shapes`] | always |
//! | `src/error.rs` | [`shapes`] | always |
//! | `src/operation_shape.rs` | [`service`] | always |
//! | `src/service.rs` | [`service`] | always |
//! | `src/operation.rs` | [`serde`] | always |
//! | `src/protocol_serde.rs` | [`serde`] (the body format and HTTP bindings) | always |
//! | `src/protocol_serde/headers.rs` | `codegen/support/src/common/headers.rs`, verbatim (as in clients) | always |
//! | `src/protocol_serde/json.rs` | `codegen/support/src/common/json.rs`, verbatim (as in clients) | always |
//! | `src/protocol_serde/cbor.rs` | `codegen/support/src/common/cbor.rs`, verbatim (as in clients) | the protocol is rpcv2Cbor |
//! | `src/protocol_serde/support.rs` | `codegen/support/src/server/support.rs`, verbatim | always |
//! | `src/protocol_serde/streaming.rs` | `codegen/support/src/server/streaming.rs`, verbatim | an operation has a `@streaming` payload |
//! | `src/protocol_serde/event_stream.rs` | `codegen/support/src/common/event_stream.rs`, verbatim (as in clients) | an operation has an event stream |
//! | `src/protocol_tests.rs` | [`protocol_tests`] | the model has protocol tests for servers |
//! | `src/sigv4.rs` | `codegen/support/src/server/sigv4.rs` and [`Gen::sigv4_rs`] | the service has `@aws.auth#sigv4` |
//!
//! The verbatim templates are the package `attached-files-codegen-support` (`codegen/support/`),
//! which compiles and tests them.

mod protocol_tests;
mod serde;
mod service;
mod shapes;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::Ast;
use crate::codec::Side;
use crate::ir::{AuthScheme, Module, Protocol, Service};
use crate::manifest::{self, Dep};
use crate::names::shape_name;
use crate::render::{inner_doc, optional_mod};
use crate::table::Emit::{Fallible, Template, Tokens};
use crate::table::{self, Row};
use crate::{Error, File, Settings, names};

/// The exact runtime the generated code is written against: several items it needs sit in
/// `#[doc(hidden)]` modules, which may change in any release.
const SERVER_RUNTIME: &str = "=0.69.1";

/// Generates the server SDK crate for `settings.service`.
pub fn generate(model: &Ast, settings: &Settings) -> Result<Vec<File>, Error> {
    let validation_exceptions: Vec<&str> = settings.validation_exceptions.iter().map(String::as_str).collect();
    let service = Service::resolve(model, &settings.service, settings.protocol.as_deref(), &validation_exceptions)?;
    let g = Gen { s: &service };
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
        Row::new("src/model.rs", Tokens(|g: &Gen| g.shapes_module(Module::Model)))
            .uses_if(|g| g.s.features.regex, &["regex"]),
        Row::new("src/input.rs", Tokens(|g| g.shapes_module(Module::Input))),
        Row::new("src/output.rs", Tokens(|g| g.shapes_module(Module::Output))),
        Row::new("src/error.rs", Tokens(|g| g.shapes_module(Module::Error))),
        Row::new("src/operation_shape.rs", Tokens(Gen::operation_shapes)),
        Row::new("src/service.rs", Tokens(Gen::service_rs)),
        Row::new("src/operation.rs", Tokens(Gen::operation_rs)),
        Row::new("src/protocol_serde.rs", Tokens(Gen::protocol_serde)),
        Row::new("src/protocol_serde/headers.rs", Template(include_str!("../../support/src/common/headers.rs"))),
        Row::new("src/protocol_serde/json.rs", Template(include_str!("../../support/src/common/json.rs"))),
        Row::new("src/protocol_serde/cbor.rs", Template(include_str!("../../support/src/common/cbor.rs")))
            .when(Gen::is_cbor)
            .uses(&["aws-smithy-cbor"]),
        Row::new("src/protocol_serde/support.rs", Template(include_str!("../../support/src/server/support.rs"))),
        Row::new("src/protocol_serde/streaming.rs", Template(include_str!("../../support/src/server/streaming.rs")))
            .when(Gen::has_streams),
        Row::new(
            "src/protocol_serde/event_stream.rs",
            Template(include_str!("../../support/src/common/event_stream.rs")),
        )
        .when(|g: &Gen| g.s.features.event_streams)
        .uses(&["aws-smithy-eventstream", "aws-smithy-http/event-stream"]),
        Row::new("src/protocol_tests.rs", Tokens(Gen::protocol_tests))
            .when(Gen::has_protocol_tests)
            .dev_uses(&["aws-smithy-protocol-test", "regex", "serde_json", "tokio", "tower/util"])
            .dev_uses_if(Gen::has_event_stream_tests, &["futures-util"]),
        Row::new("src/sigv4.rs", Fallible(Gen::sigv4_rs)).when(Gen::has_sigv4).uses(&[
            "aws-sigv4",
            "aws-smithy-eventstream",
            "hex",
            "hmac",
            "sha2",
            "subtle",
        ]),
    ]
}

/// The emitters' shared view of the resolved service.
pub(crate) struct Gen<'s, 'm> {
    pub s: &'s Service<'m>,
}

impl<'m> Gen<'_, 'm> {
    /// The service's `@aws.auth#sigv4` signing name, if it has the trait.
    fn signing_name(&self) -> Option<&'m str> {
        self.s.auth.iter().find_map(|scheme| match scheme {
            AuthScheme::SigV4 { name } => Some(*name),
            _ => None,
        })
    }

    fn has_sigv4(&self) -> bool {
        self.signing_name().is_some()
    }

    /// `src/sigv4.rs`: the verifying plugin, then what it knows of this service: its signing
    /// name, and which operations let unsigned calls in.
    fn sigv4_rs(&self) -> Result<TokenStream, Error> {
        let template: TokenStream = include_str!("../../support/src/server/sigv4.rs")
            .parse()
            .map_err(|e| Error(format!("internal error: support/src/server/sigv4.rs does not lex: {e}")))?;
        let name = self.signing_name().unwrap_or_default();
        let signs = |op: &&crate::ir::Operation<'_>| op.auth.iter().any(|s| matches!(s, AuthScheme::SigV4 { .. }));
        let optional = self.s.operations.iter().filter(|op| signs(op) && op.optional_auth).map(|op| op.id);
        let unchecked = self.s.operations.iter().filter(|op| !signs(op)).map(|op| op.id);
        let events = self
            .s
            .operations
            .iter()
            .filter(|op| op.input_stream.as_ref().is_some_and(|field| self.s.event_stream(field.target).is_some()));
        let events = events.map(|op| op.id);
        Ok(quote! {
            #template

            /// The name callers sign for (`@aws.auth#sigv4`).
            pub const SIGNING_NAME: &str = #name;

            /// The operations whose callers need not sign; the others must.
            const NOT_REQUIRED: &[(&str, Requirement)] = &[
                #((#optional, Requirement::Optional),)*
                #((#unchecked, Requirement::None),)*
            ];

            /// The operations whose input is an event stream.
            const EVENT_STREAM_INPUTS: &[&str] = &[#(#events,)*];
        })
    }

    fn is_cbor(&self) -> bool {
        self.s.protocol.is_cbor()
    }

    /// Whether an operation's input or output has a `@streaming` payload.
    fn has_streams(&self) -> bool {
        self.s.features.input_streams || self.s.features.output_streams
    }

    /// The runtime's type for the crate's protocol, e.g. `RestJson1`.
    fn protocol_marker(&self) -> TokenStream {
        let protocol = quote!(::aws_smithy_http_server::protocol);
        match self.s.protocol {
            Protocol::RestJson1 => quote!(#protocol::rest_json_1::RestJson1),
            Protocol::AwsJson1_0 => quote!(#protocol::aws_json_10::AwsJson1_0),
            Protocol::AwsJson1_1 => quote!(#protocol::aws_json_11::AwsJson1_1),
            Protocol::RpcV2Cbor => quote!(#protocol::rpc_v2_cbor::RpcV2Cbor),
        }
    }

    /// The runtime's router for the crate's protocol.
    fn router(&self) -> TokenStream {
        let protocol = quote!(::aws_smithy_http_server::protocol);
        match self.s.protocol {
            Protocol::RestJson1 => quote!(#protocol::rest_json_1::router::RestRouter),
            Protocol::AwsJson1_0 => quote!(#protocol::aws_json_10::router::AwsJsonRouter),
            Protocol::AwsJson1_1 => quote!(#protocol::aws_json_11::router::AwsJsonRouter),
            Protocol::RpcV2Cbor => quote!(#protocol::rpc_v2_cbor::router::RpcV2CborRouter),
        }
    }

    /// The service's Rust name, e.g. `AmazonConnectService`.
    fn service_name(&self) -> String {
        names::type_name(shape_name(self.s.id))
    }

    /// The module that holds a shape's builder or constraint violation, e.g. `instance_id`.
    fn shape_module(&self, id: &str) -> proc_macro2::Ident {
        names::ident(&names::snake(&self.type_name(id)))
    }

    fn lib_rs(&self) -> TokenStream {
        let svc = format_ident!("{}", self.service_name());
        let builder = format_ident!("{}Builder", self.service_name());
        let config = format_ident!("{}Config", self.service_name());
        let config_builder = format_ident!("{}ConfigBuilder", self.service_name());
        let title = self.s.title;
        let mut intro = format!(
            "Server SDK for {title} (`{}`), generated from its Smithy model.\n\n\
             Build the service with [`{}::builder`], register one handler per operation, then serve it with\n\
             [`serve`] or any `tower`/`hyper` stack.",
            self.s.id,
            self.service_name()
        );
        if let Some(service_doc) = self.s.docs.doc {
            intro = format!("{intro}\n\n{service_doc}");
        }
        let docs = inner_doc(Some(&intro));
        let protocol_tests = optional_mod(self.has_protocol_tests(), "protocol_tests", true);
        let sigv4 = self.has_sigv4().then(|| {
            quote! {
                /// SigV4 verification of callers: [`sigv4::SigV4Plugin`].
                #[rustfmt::skip]
                pub mod sigv4;
            }
        });
        quote! {
            #docs
            // `@deprecated` shapes and members are deprecated for users; the crate itself uses them.
            #![allow(deprecated)]
            #![allow(clippy::large_enum_variant)]
            #![allow(clippy::result_large_err)]
            #![allow(clippy::type_complexity)]

            // One item per line: the lines of this file are short enough for any rustfmt
            // configuration to leave them as they are.
            pub use crate::service::#svc;
            pub use crate::service::#builder;
            pub use crate::service::#config;
            pub use crate::service::#config_builder;
            pub use crate::service::MissingOperationsError;
            pub use crate::service::Operation;
            pub use crate::service::SharedRouter;

            /// Serves a service built by this crate: `serve(listener, svc.into_make_service())`.
            pub use aws_smithy_http_server::serve::serve;

            /// Errors of each operation, and the modeled error structures.
            #[rustfmt::skip]
            pub mod error;
            /// The input structure of each operation, and its builder.
            #[rustfmt::skip]
            pub mod input;
            /// Shapes that operations share: structures, unions, enums and constrained values.
            #[rustfmt::skip]
            pub mod model;
            /// How each operation's input is read from an HTTP request and its output written to an HTTP response.
            #[rustfmt::skip]
            pub mod operation;
            /// One type per operation, naming it for handlers and plugins.
            #[rustfmt::skip]
            pub mod operation_shape;
            /// The output structure of each operation, and its builder.
            #[rustfmt::skip]
            pub mod output;
            #[doc(hidden)]
            #[rustfmt::skip]
            pub mod protocol_serde;
            #[rustfmt::skip]
            mod service;
            #sigv4
            #protocol_tests

            /// The server runtime this crate is built on (plugins, layers, extractors, `serve`).
            pub mod server {
                pub use aws_smithy_http_server::*;
            }

            /// Smithy's value types used in this crate's shapes.
            pub mod types {
                pub use aws_smithy_types::byte_stream::ByteStream;
                pub use aws_smithy_types::{Blob, DateTime, Number};
            }
        }
    }
}

/// The crates server code may use, in the order the manifests have always listed them.
pub(crate) const DEPENDENCIES: &[Dep] = &[
    // Only `sign::v4` is used, but aws-sigv4 1.6.4 does not build without these features.
    Dep::new("aws-sigv4", "1.6.4").no_default_features().features(&["sign-http", "http1"]),
    Dep::new("aws-smithy-http-server", SERVER_RUNTIME),
    Dep::new("aws-smithy-eventstream", "0.61.6"),
    Dep::new("aws-smithy-http", "0.64.3"),
    Dep::new("aws-smithy-cbor", "0.64.1"),
    Dep::new("aws-smithy-json", "0.65.1"),
    Dep::new("aws-smithy-protocol-test", "0.64.0").no_default_features().features(&["http-1x"]),
    Dep::new("aws-smithy-runtime-api", "1.20.0"),
    Dep::new("aws-smithy-types", "1.9.3"),
    Dep::new("bytes", "1.12.2"),
    Dep::new("form_urlencoded", "1.2.2"),
    Dep::new("futures-util", "0.3.34").no_default_features(),
    Dep::new("hex", "0.4.3"),
    Dep::new("hmac", "0.13.0"),
    Dep::new("http", "1.4.0"),
    Dep::new("http-body", "1.0.1"),
    Dep::new("http-body-util", "0.1.3"),
    Dep::new("percent-encoding", "2.3.2"),
    Dep::new("regex", "1.13.2"),
    Dep::new("serde_json", "1.0.154"),
    Dep::new("sha2", "0.11.1"),
    Dep::new("subtle", "2.6.1"),
    Dep::new("tokio", "1.54.1").features(&["macros", "rt-multi-thread", "sync"]),
    Dep::new("tower", "0.5.3"),
    Dep::new("tracing", "0.1.44"),
];

/// What every server crate uses: the runtime, and what the files every crate has use.
const EVERY_CRATE: &[&str] = &[
    "aws-smithy-http-server",
    "aws-smithy-json",
    "aws-smithy-runtime-api",
    "aws-smithy-types",
    "bytes",
    "form_urlencoded",
    "http",
    "http-body",
    "http-body-util",
    "percent-encoding",
    "tower",
    "tracing",
];

/// `Cargo.toml`: the package, then the dependencies of the rows present.
fn cargo_toml<'s, 'm>(g: &Gen<'s, 'm>, rows: &[&Row<'m, Gen<'s, 'm>>], settings: &Settings) -> Result<File, Error> {
    let (uses, dev_uses) = table::uses(rows, g);
    let dependencies = manifest::dependencies(DEPENDENCIES, &[EVERY_CRATE, &uses].concat(), &dev_uses)?;
    let contents = format!(
        "{header}\n\
[package]
name = \"{name}\"
version = \"{version}\"
description = \"Server SDK for {id}, generated by attached-files-codegen (do not edit; run codegen/regenerate).\"
edition = \"2021\"
rust-version = \"1.94.1\"
publish = false

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
