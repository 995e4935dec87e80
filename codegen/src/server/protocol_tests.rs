//! `protocol_tests.rs`: Smithy's protocol tests (`smithy.test#httpRequestTests`,
//! `#httpResponseTests`, `#httpMalformedRequestTests`) carried by the model, as Rust tests of the
//! generated server, the way smithy-rs generates them:
//! - request tests send the HTTP request to the service and compare the input the handler gets
//!   with the test's `params`;
//! - response tests turn `params` into the output (or error) and compare the HTTP response;
//! - malformed-request tests send the request (once per `testParameters` case) and compare the
//!   response; the handler must not be reached.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use crate::codec::Side as _;
use crate::ir::{HttpMessage, HttpTest, MalformedRequestTest, Module, Node, Operation, Protocol, Service, TestSide};
use crate::names;
use crate::protocol_tests::{Case, Values, assert_same, body_check, header_checks, ignored, test_fn_name};
use crate::shapes::Types as _;

impl<'m> Gen<'_, 'm> {
    /// Whether the model carries protocol tests for the server side of this service.
    pub(super) fn has_protocol_tests(&self) -> bool {
        self.s.features.server_tests
    }

    pub(super) fn protocol_tests(&self) -> TokenStream {
        let mut cases = Vec::new();
        for op in &self.s.operations {
            for test in op.tests.request.iter().filter(|t| t.applies(TestSide::Server)) {
                cases.push(self.request_test(op, test));
            }
            for test in op.tests.response.iter().filter(|t| t.applies(TestSide::Server)) {
                cases.push(self.response_test(op, test, None));
            }
            for test in &op.tests.malformed_request {
                cases.push(self.malformed_test(op, test));
            }
        }
        for (id, (module, _)) in &self.s.structs {
            if *module != Module::Error {
                continue;
            }
            let Some(op) = self.s.operations.iter().find(|op| op.errors.contains(&id.as_str())) else { continue };
            for test in self.s.error(id).response_tests.iter().filter(|t| t.applies(TestSide::Server)) {
                cases.push(self.response_test(op, test, Some(id)));
            }
        }
        crate::protocol_tests::module("server", cases)
    }

    fn service_with(&self, op: &Operation<'m>, handler: TokenStream) -> TokenStream {
        let name = self.service_name();
        let svc = format_ident!("{name}");
        let config = format_ident!("{name}Config");
        let setter = format_ident!("{}", names::snake(op.name));
        quote! {
            crate::#svc::builder(crate::#config::builder().build()).#setter(#handler).build_unchecked()
        }
    }

    fn op_types(&self, op: &Operation<'m>) -> (TokenStream, TokenStream, TokenStream) {
        let input = self.op_struct(op, Module::Input).1;
        let output = self.op_struct(op, Module::Output).1;
        let error = format_ident!("{}Error", names::type_name(op.name));
        (quote!(crate::input::#input), quote!(crate::output::#output), quote!(crate::error::#error))
    }

    /// `Service.Operation`, the `X-Amz-Target` of an operation under awsJson.
    fn rpc_target(&self, op: &Operation<'m>) -> Option<String> {
        matches!(self.s.protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1)
            .then(|| format!("{}.{}", crate::names::shape_name(self.s.id), op.name))
    }

    fn request_test(&self, op: &Operation<'m>, test: &HttpTest<'m>) -> Case {
        let name = test_fn_name(test.id, "request");
        let fn_name = format_ident!("{name}");
        let (input, output, error) = self.op_types(op);
        let expected = match self.struct_value(
            op.input,
            &self.op_struct(op, Module::Input).1.to_string(),
            Module::Input,
            test.params,
        ) {
            Ok(v) => v,
            Err(reason) => return ignored(name, &reason),
        };
        let target = self.rpc_target(op);
        let request = build_request(&test.message, target.as_deref());
        let compare = assert_same(self.s, op.input, test.params, quote!(input), quote!(expected), true);
        let service = self.service_with(
            op,
            quote! {
                move |input: #input| {
                    let sender = sender.clone();
                    async move {
                        if let Some(sender) = sender.lock().unwrap().take() {
                            let _ = sender.send(input);
                        }
                        ::std::future::pending::<::std::result::Result<#output, #error>>().await
                    }
                }
            },
        );
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                let expected: #input = #expected;
                let (sender, receiver) = ::tokio::sync::oneshot::channel::<#input>();
                let sender = ::std::sync::Arc::new(::std::sync::Mutex::new(Some(sender)));
                let service = #service;
                let request = #request;
                let mut call = ::tokio::spawn(::tower::ServiceExt::oneshot(service, request));
                ::tokio::select! {
                    input = receiver => {
                        let Ok(input) = input else {
                            let response = call.await.unwrap().unwrap();
                            let status = response.status();
                            let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                            panic!("the request did not reach the handler: {status} {body:?}");
                        };
                        #compare
                    }
                    response = &mut call => {
                        let response = response.unwrap().unwrap();
                        let status = response.status();
                        let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                        panic!("the request did not reach the handler: {status} {body:?}");
                    }
                }
            }
        };
        Case { name, code }
    }

    fn response_test(&self, op: &Operation<'m>, test: &HttpTest<'m>, error_shape: Option<&str>) -> Case {
        let name = test_fn_name(test.id, "response");
        let fn_name = format_ident!("{name}");
        let (_, output, op_error) = self.op_types(op);
        let value = match error_shape {
            None => self.struct_value(
                op.output,
                &self.op_struct(op, Module::Output).1.to_string(),
                Module::Output,
                test.params,
            ),
            Some(id) => {
                let id = self.id(id);
                self.struct_value(id, &self.type_name(id), Module::Error, test.params)
                    .map(|v| quote!(#op_error::from(#v)))
            }
        };
        let value = match value {
            Ok(v) => v,
            Err(reason) => return ignored(name, &reason),
        };
        let value = match error_shape {
            None => quote!(let value: #output = #value;),
            Some(_) => quote!(let value: #op_error = #value;),
        };
        let http = &test.message;
        let code = http.code.unwrap_or(200);
        let checks = response_checks(http, http.body.as_deref(), http.body_media_type.as_deref());
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                #value
                let response = ::aws_smithy_http_server::response::IntoResponse::<crate::protocol_serde::Protocol>::into_response(value);
                assert_eq!(response.status().as_u16(), #code);
                #checks
            }
        };
        Case { name, code }
    }

    /// One case of a malformed-request test: the request must be refused, without reaching the
    /// handler, with the test's response.
    fn malformed_test(&self, op: &Operation<'m>, test: &MalformedRequestTest<'m>) -> Case {
        let base = test_fn_name(test.id, "malformed_request");
        let name = match test.case {
            Some(index) => format!("{base}_case{index}"),
            None => base,
        };
        let case = match &test.outcome {
            Ok(case) => case,
            Err(reason) => return ignored(name, reason),
        };
        let (input, output, error) = self.op_types(op);
        let service = self.service_with(
            op,
            quote! {
                |_input: #input| async {
                    panic!("a malformed request reached the handler");
                    ::std::future::pending::<::std::result::Result<#output, #error>>().await
                }
            },
        );
        let http_request = build_request(&case.request, self.rpc_target(op).as_deref());
        let code = case.response.code.unwrap_or(400);
        let mut checks =
            response_checks(&case.response, case.body_contents.as_deref(), case.body_media_type.as_deref());
        if let Some(regex) = &case.message_regex {
            checks.extend(quote! {
                let body: ::serde_json::Value = ::serde_json::from_slice(&body).expect("a JSON body");
                let message = body.get("message").or_else(|| body.get("Message")).and_then(|m| m.as_str()).unwrap_or_default();
                let regex = ::regex::Regex::new(#regex).expect("a valid messageRegex");
                assert!(regex.is_match(message), "message {message:?} does not match {}", #regex);
            });
        }
        let fn_name = format_ident!("{name}");
        Case {
            name,
            code: quote! {
                #[::tokio::test]
                async fn #fn_name() {
                    let service = #service;
                    let request = #http_request;
                    let response = ::tower::ServiceExt::oneshot(service, request).await.unwrap();
                    assert_eq!(response.status().as_u16(), #code, "{:?}", response);
                    #checks
                }
            },
        }
    }

    // --- Values from `params` -----------------------------------------------------------------

    /// A structure literal from a test's `params` (members absent from `params` are `None`, or
    /// their `@default`).
    fn struct_value(
        &self,
        id: &'m str,
        name: &str,
        module: Module,
        params: &BTreeMap<String, Node>,
    ) -> Result<TokenStream, String> {
        let module_ident = format_ident!("{}", module.name());
        let ident = format_ident!("{name}");
        let fields = if module == Module::Model { self.s.member_fields(id) } else { self.s.fields(id) };

        let mut inits = Vec::new();
        for field in fields {
            let f = names::field(field.name);
            let value = match params.get(field.name) {
                Some(value) if !value.is_null() => {
                    let v = self.value(field.target, value)?;
                    let v = if field.boxed { quote!(::std::boxed::Box::new(#v)) } else { v };
                    if field.is_always_set() { v } else { quote!(::std::option::Option::Some(#v)) }
                }
                _ => match field.default {
                    Some(_) => self.default_value(field),
                    None if field.required => {
                        return Err(format!("params leave out the required member {}", field.name));
                    }
                    None => quote!(::std::option::Option::None),
                },
            };
            inits.push(quote!(#f: #value,));
        }
        Ok(quote!(crate::#module_ident::#ident { #(#inits)* }))
    }
}

impl<'m> Values<'m> for Gen<'_, 'm> {
    fn service(&self) -> &Service<'m> {
        self.s
    }

    fn type_path(&self, target: &'m str) -> Result<TokenStream, String> {
        Ok(self.rust_type(target))
    }

    fn newtype(&self, target: &'m str, plain: TokenStream) -> Result<TokenStream, String> {
        let path = self.type_path(target)?;
        Ok(quote!(#path(#plain)))
    }

    fn structure(&self, target: &'m str, params: &BTreeMap<String, Node>) -> Result<TokenStream, String> {
        let (module, name) = self.s.struct_place(target);
        self.struct_value(target, name, module, params)
    }
}

/// The HTTP request of a test object (`method`, `uri`, `queryParams`, `headers`, `body`), for the
/// operation `target` names under an RPC protocol (`Service.Operation`). Some RPC tests written
/// for clients (whose serializers add `X-Amz-Target`) leave the header out; the server routes by it,
/// so it is added when missing.
fn build_request(request: &HttpMessage, target: Option<&str>) -> TokenStream {
    let method = request.method.as_deref().unwrap_or("GET");
    let mut uri = request.uri.as_deref().unwrap_or("/").to_owned();
    if !request.query_params.is_empty() {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&request.query_params.join("&"));
    }
    let mut headers: Vec<(&str, &str)> = request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Some(target) = target
        && !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("x-amz-target"))
    {
        headers.push(("X-Amz-Target", target));
    }
    let (keys, values): (Vec<_>, Vec<_>) = headers.into_iter().unzip();
    let body = crate::protocol_tests::body_bytes(request);
    let body = proc_macro2::Literal::byte_string(&body);
    quote! {
        ::http::Request::builder()
            .method(#method)
            .uri(#uri)
            #(.header(#keys, #values))*
            .body(::http_body_util::Full::new(::bytes::Bytes::from_static(#body)))
            .unwrap()
    }
}

/// Checks of a `response` in scope: the test object's `headers` and `forbidHeaders`, and `body`.
fn response_checks(http: &HttpMessage, body: Option<&str>, media: Option<&str>) -> TokenStream {
    let header_checks = header_checks(quote!(response), http);
    let body_check = body_check(body, media);
    quote! {
        #header_checks
        let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        #body_check
    }
}
