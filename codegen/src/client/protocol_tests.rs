//! `protocol_tests.rs`: Smithy's protocol tests for clients (`smithy.test#httpRequestTests` and
//! `#httpResponseTests` that apply to clients) carried by the model, as Rust tests of the
//! generated client, the way smithy-rs generates them:
//! - request tests send the test's `params` through the client, to an HTTP client that captures
//!   the request, and compare method, path, query, headers and body with the test's;
//! - response tests read the test's HTTP response with the operation's deserializer and compare
//!   the output (or error) with the test's `params`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use super::shapes::Held;
use crate::codec::Side as _;
use crate::ir::{HttpTest, Module, Node, Operation, Service, TestSide};
use crate::names;
use crate::protocol_tests::{Case, Values, assert_same, body_check, header_checks, ignored, test_fn_name};
use crate::shapes::Types as _;

impl<'m> Gen<'_, 'm> {
    /// Whether the model carries protocol tests for the client side of this service.
    pub(super) fn has_protocol_tests(&self) -> bool {
        self.s.features.client_tests
    }

    pub(super) fn protocol_tests(&self) -> TokenStream {
        let mut cases = Vec::new();
        for op in &self.s.operations {
            for test in op.tests.request.iter().filter(|t| t.applies(TestSide::Client)) {
                cases.push(self.request_test(op, test));
            }
            for test in op.tests.response.iter().filter(|t| t.applies(TestSide::Client)) {
                cases.push(self.response_test(op, test, None));
            }
        }
        for (id, (module, _)) in &self.s.structs {
            if *module != Module::Error {
                continue;
            }
            let Some(op) = self.s.operations.iter().find(|op| op.errors.contains(&id.as_str())) else { continue };
            for test in self.s.error(id).response_tests.iter().filter(|t| t.applies(TestSide::Client)) {
                cases.push(self.response_test(op, test, Some(self.id(id))));
            }
        }
        crate::protocol_tests::module("client", cases)
    }

    fn request_test(&self, op: &Operation<'m>, test: &HttpTest<'m>) -> Case {
        let name = test_fn_name(test.id, "request");
        let http = &test.message;
        let (id, input) = self.op_struct(op, Module::Input);
        let module = self.op_module(op);
        let builder = format_ident!("{input}Builder");
        // The input is sent as its builder: a client sends whatever it is given.
        let input = match self.literal(id, Module::Input, quote!(#module::builders::#builder), test.params) {
            Ok(input) => input,
            Err(reason) => return ignored(name, &reason),
        };
        let endpoint = format!("https://{}", http.host.as_deref().unwrap_or("example.com"));
        let method = http.method.as_deref().unwrap_or("GET");
        let path = http.uri.as_deref().unwrap_or("/");
        let resolved_host = http
            .resolved_host
            .as_deref()
            .map(|host| quote!(assert_eq!(uri.host(), ::std::option::Option::Some(#host), "the request's host");));
        let (query, forbid_query, require_query) =
            (&http.query_params, &http.forbid_query_params, &http.require_query_params);
        let header_checks = header_checks(quote!(request), http);
        let body = body_check(http.body.as_deref(), http.body_media_type.as_deref());
        let fn_name = format_ident!("{name}");
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                let (http_client, captured) = ::aws_smithy_http_client::test_util::capture_request(::std::option::Option::None);
                let config = crate::Config::builder()
                    .endpoint_url(#endpoint)
                    .http_client(http_client)
                    // The token the suite's tests expect, as smithy-rs's tests set it.
                    .idempotency_token_provider("00000000-0000-4000-8000-000000000000")
                    .behavior_version_latest()
                    .build();
                let client = crate::Client::from_conf(config);
                let input = #input;
                // The captured request's answer is an empty 200, which need not parse as the output.
                let _ = input.send_with(&client).await;
                let request = captured.expect_request();
                assert_eq!(request.method(), #method, "the request's method");
                let uri: ::http::Uri = request.uri().parse().expect("the request's URI parses");
                assert_eq!(uri.path(), #path, "the request's path");
                #resolved_host
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::validate_query_string(&request, &[#(#query),*]));
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::forbid_query_params(&request, &[#(#forbid_query),*]));
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::require_query_params(&request, &[#(#require_query),*]));
                #header_checks
                let body = request.body().bytes().expect("the request's body is in memory");
                #body
            }
        };
        Case { name, code }
    }

    fn response_test(&self, op: &Operation<'m>, test: &HttpTest<'m>, error: Option<&'m str>) -> Case {
        let name = test_fn_name(test.id, "response");
        let module = self.op_module(op);
        let expected = match error {
            None => {
                let (id, output) = self.op_struct(op, Module::Output);
                self.literal(id, Module::Output, quote!(#module::#output), test.params)
            }
            Some(id) => self.literal(id, Module::Error, self.struct_path(id), test.params),
        };
        let expected = match expected {
            Ok(expected) => expected,
            Err(reason) => return ignored(name, &reason),
        };
        let status = test.message.code.unwrap_or(200);
        let (keys, values): (Vec<_>, Vec<_>) =
            test.message.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
        let body = proc_macro2::Literal::byte_string(&crate::protocol_tests::body_bytes(&test.message));
        // An output with a stream is read as the runtime reads it: the body taken as the stream.
        let read = if error.is_none() && op.output_stream.is_some() {
            let de = format_ident!("de_{}_stream", names::snake(op.name));
            quote!(crate::protocol_serde::#de(&mut response))
        } else {
            let de = format_ident!("de_{}_response", names::snake(op.name));
            quote!(crate::protocol_serde::#de(&response))
        };
        let compare =
            assert_same(self.s, error.unwrap_or(op.output), test.params, quote!(parsed), quote!(expected), false);
        let check = match error {
            None => quote! {
                let parsed = parsed.expect("the response parses as the output");
                #compare
            },
            Some(id) => {
                let op_error = self.op_error_path(op);
                let variant = self.struct_ident(id);
                // The error code a client reports, when the test says (`vendorParams`), e.g. the
                // awsQuery code of an `@awsQueryCompatible` service's error.
                let code = test.vendor_code.map(|code| {
                    quote!(assert_eq!(::aws_smithy_types::error::metadata::ProvideErrorMetadata::code(parsed), ::std::option::Option::Some(#code));)
                });
                quote! {
                    let parsed = parsed.expect_err("the response parses as an error");
                    let parsed = match parsed.as_operation_error() {
                        ::std::option::Option::Some(#op_error::#variant(parsed)) => parsed,
                        other => panic!("expected the error {}, got {:?}", stringify!(#variant), other),
                    };
                    #code
                    // The metadata (code, message, request id) is not part of the test's params.
                    let mut parsed = parsed.clone();
                    parsed.meta = ::std::default::Default::default();
                    #compare
                }
            }
        };
        let fn_name = format_ident!("{name}");
        let code = quote! {
            #[test]
            fn #fn_name() {
                let expected = #expected;
                let response = ::http::Response::builder()
                    .status(#status)
                    #(.header(#keys, #values))*
                    .body(::aws_smithy_types::body::SdkBody::from(#body.to_vec()))
                    .unwrap();
                #[allow(unused_mut)] let mut response = ::aws_smithy_runtime_api::client::orchestrator::HttpResponse::try_from(response).unwrap();
                let parsed = #read;
                #check
            }
        };
        Case { name, code }
    }

    /// A structure (or, for an input, its builder) of the client from a test's `params`, with
    /// the members left out as a response would leave them out: `None`, the `@default`, or for a
    /// required member the client's zero value (its error correction).
    fn literal(
        &self,
        id: &'m str,
        module: Module,
        path: TokenStream,
        params: &BTreeMap<String, Node>,
    ) -> Result<TokenStream, String> {
        let fields = if module == Module::Model { self.s.member_fields(id) } else { self.s.fields(id) };
        let mut inits = Vec::new();
        for field in fields {
            let f = names::field(field.name);
            let boxed = |v: TokenStream| if field.boxed { quote!(::std::boxed::Box::new(#v)) } else { v };
            let held = self.held(module, field);
            let value = match params.get(field.name).filter(|v| !v.is_null()) {
                Some(value) => {
                    let value = boxed(self.value(field.target, value)?);
                    if held == Held::Optional { quote!(::std::option::Option::Some(#value)) } else { value }
                }
                None => match held {
                    Held::Optional => quote!(::std::option::Option::None),
                    Held::Defaulted => self.default_value(field),
                    Held::Required => boxed(self.zero_value(field.target)),
                },
            };
            inits.push(quote!(#f: #value,));
        }
        if module == Module::Error {
            inits.push(quote!(meta: ::std::default::Default::default(),));
        }
        Ok(quote!(#path { #(#inits)* }))
    }
}

impl<'m> Values<'m> for Gen<'_, 'm> {
    fn service(&self) -> &Service<'m> {
        self.s
    }

    fn type_path(&self, target: &'m str) -> Result<TokenStream, String> {
        Ok(self.rust_type(target))
    }

    /// Constraints are the server's business: the client holds the plain value.
    fn newtype(&self, _target: &'m str, plain: TokenStream) -> Result<TokenStream, String> {
        Ok(plain)
    }

    fn structure(&self, target: &'m str, params: &BTreeMap<String, Node>) -> Result<TokenStream, String> {
        self.literal(target, self.module_of(target), self.struct_path(target), params)
    }
}
