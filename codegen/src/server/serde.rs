//! restJson1 on the wire: `protocol_serde.rs` (reading inputs from HTTP requests, writing
//! outputs and errors to HTTP responses, JSON (de)serializers per shape) and `operation.rs`
//! (the runtime's `FromRequest` / `IntoResponse` for each operation's types).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use crate::codec::{Codec, Format, Side, format_tokens};
use crate::event_stream::EventStreams;
use crate::ir::{
    Binding, Field, HttpValue, Module, Operation, Prim, Protocol, Scalar, ScalarKind, Service, TimestampFormat, Ty,
    UNIT, ValidationException,
};
use crate::names;
use crate::shapes::Types;

/// The server reads untrusted input: it validates.
impl<'m> Side<'m> for Gen<'_, 'm> {
    fn service(&self) -> &Service<'m> {
        self.s
    }
    fn struct_path(&self, id: &str) -> TokenStream {
        let (module, name) = self.s.struct_place(id);
        let (module, name) = (format_ident!("{}", module.name()), format_ident!("{name}"));
        quote!(crate::#module::#name)
    }
    fn shapes_module(&self) -> &'static str {
        "model"
    }
    fn validates(&self) -> bool {
        true
    }
    fn header_values(&self, name: TokenStream) -> TokenStream {
        quote!(parts.headers.get_all(#name).iter().map(::http::HeaderValue::as_bytes))
    }
    fn header_names(&self) -> TokenStream {
        quote!(parts.headers.keys().map(::http::HeaderName::as_str))
    }
    fn is_optional(&self, _module: Module, field: &Field<'m>) -> bool {
        !field.is_always_set()
    }
    fn member_value(
        &self,
        _module: Module,
        field: &Field<'m>,
        var: &proc_macro2::Ident,
        path: TokenStream,
    ) -> TokenStream {
        let name = field.name;
        if field.default.is_some() {
            self.or_default(quote!(#var), field)
        } else if field.required {
            quote!(#var.ok_or_else(|| Violation::required(&#path.member(#name)))?)
        } else {
            quote!(#var)
        }
    }
}

impl<'m> Gen<'_, 'm> {
    pub(super) fn protocol_serde(&self) -> TokenStream {
        let mut items: Vec<TokenStream> =
            self.s.validations.iter().enumerate().map(|(i, v)| self.validation_exception_response(i, v)).collect();
        if self.has_sigv4() {
            items.push(self.error_with_message());
        }
        for op in &self.s.operations {
            items.push(self.request_deserializer(op));
            items.push(self.response_serializer(op));
        }
        for (id, (module, _)) in &self.s.structs {
            // Errors that only event streams carry are written as exception messages instead.
            let answered = self.s.operations.iter().any(|op| op.errors.contains(&id.as_str()));
            if *module == Module::Error && self.s.written.contains(id) && answered {
                items.push(self.error_serializer(id));
            }
        }
        items.extend(self.shape_codecs());
        items.extend(self.stream_codecs());
        let streaming = crate::render::optional_mod(self.has_streams(), "streaming", false);
        let event_stream = crate::render::optional_mod(self.s.features.event_streams, "event_stream", false);
        let doc = crate::render::inner_doc(Some(&format!(
            "Reading operation inputs from HTTP requests and writing outputs and errors to HTTP\nresponses, under {}.",
            self.s.protocol.name()
        )));
        let (protocol, media_type) = (self.protocol_marker(), self.s.protocol.media_type());
        let cbor = self.s.protocol.is_cbor().then(|| {
            quote! {
                mod cbor;
                impl ::std::convert::From<cbor::DeserializeError> for RequestRejection {
                    fn from(error: cbor::DeserializeError) -> Self {
                        support::serialization(error.to_string())
                    }
                }
            }
        });
        // The body of a framework error: an empty object.
        let empty_object = if self.s.protocol.is_cbor() { quote!(&[0xa0]) } else { quote!(b"{}") };
        quote! {
            #doc
            #streaming
            #event_stream
            #cbor
            mod headers;
            mod json;
            mod support;
            /// The protocol this crate speaks.
            pub(crate) type Protocol = #protocol;
            /// The media type of its bodies.
            pub(crate) const MEDIA_TYPE: &str = #media_type;
            /// An empty object in the protocol's format.
            pub(crate) const EMPTY_OBJECT: &[u8] = #empty_object;
            pub use support::{Path, RequestRejection, Violation};
            #[allow(unused_imports)]
            pub(crate) use support::*;
            #(#items)*
        }
    }

    /// The function that answers a request breaking a constraint with the `index`th validation
    /// exception: `validation_exception_response` for the first (the crate's default), else
    /// `<exception>_response`.
    pub(super) fn validation_response_fn(&self, index: usize) -> proc_macro2::Ident {
        match index {
            0 => format_ident!("validation_exception_response"),
            _ => format_ident!("{}_response", names::snake(self.s.validations[index].name)),
        }
    }

    /// The answer to a request that breaks a constraint: the validation exception `v`.
    fn validation_exception_response(&self, index: usize, v: &ValidationException<'m>) -> TokenStream {
        let f = self.validation_response_fn(index);
        let (name, status, message) = (v.name, v.status, v.message);
        let type_key = self.error_type_key(v.id);
        let (write, body) = if self.s.protocol.is_cbor() {
            let field_list = v.field_list.map(|(list, path, item_message)| {
                quote! {
                    encoder.str(#list).array(1).map(2);
                    encoder.str(#path).str(&violation.path);
                    encoder.str(#item_message).str(&violation.message);
                }
            });
            let write = quote! {
                let mut encoder = ::aws_smithy_cbor::Encoder::new(::std::vec::Vec::new());
                encoder.begin_map();
                #type_key
                encoder.str(#message).str(&violation.summary());
                #field_list
                encoder.end();
            };
            (write, quote!(encoder.into_writer()))
        } else {
            let field_list = v.field_list.map(|(list, path, item_message)| {
                quote! {
                    let mut list = object.key(#list).start_array();
                    let mut item = list.value().start_object();
                    item.key(#path).string(&violation.path);
                    item.key(#item_message).string(&violation.message);
                    item.finish();
                    list.finish();
                }
            });
            let write = quote! {
                let mut body = ::std::string::String::new();
                let mut object = ::aws_smithy_json::serialize::JsonObjectWriter::new(&mut body);
                #type_key
                object.key(#message).string(&violation.summary());
                #field_list
                object.finish();
            };
            (write, quote!(body))
        };
        let protocol_header = self.protocol_header();
        quote! {
            /// The validation exception for a request that breaks a constraint of the model.
            pub(crate) fn #f(violation: &Violation) -> Response {
                #write
                let mut response = ::http::Response::new(support::boxed(#body));
                *response.status_mut() = ::http::StatusCode::from_u16(#status).unwrap_or(::http::StatusCode::BAD_REQUEST);
                let headers = response.headers_mut();
                headers.insert(::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(MEDIA_TYPE));
                #protocol_header
                headers.insert("x-amzn-errortype", ::http::HeaderValue::from_static(#name));
                response.extensions_mut().insert(::aws_smithy_http_server::extension::ModeledErrorExtension::new(#name));
                response
            }
        }
    }

    /// An error the framework raises with a message (SigV4's refusals), named in the body as RPC
    /// protocols name errors and in `X-Amzn-Errortype`.
    fn error_with_message(&self) -> TokenStream {
        let (write, body) = match self.s.protocol {
            Protocol::RpcV2Cbor => (
                quote! {
                    let mut encoder = ::aws_smithy_cbor::Encoder::new(::std::vec::Vec::new());
                    encoder.begin_map();
                    encoder.str("__type").str(name);
                    encoder.str("message").str(message);
                    encoder.end();
                },
                quote!(encoder.into_writer()),
            ),
            protocol => {
                let type_key = (protocol != Protocol::RestJson1).then(|| quote!(object.key("__type").string(name);));
                let write = quote! {
                    let mut body = ::std::string::String::new();
                    let mut object = ::aws_smithy_json::serialize::JsonObjectWriter::new(&mut body);
                    #type_key
                    object.key("message").string(message);
                    object.finish();
                };
                (write, quote!(body))
            }
        };
        let response = quote!(support::framework_error_with_body(status, name, #body));
        let response = match self.protocol_header() {
            Some(insert) => quote! {
                let mut response = #response;
                let headers = response.headers_mut();
                #insert
                response
            },
            None => response,
        };
        quote! {
            /// An error the framework answers with a message, such as a refused signature.
            pub(crate) fn error_with_message(status: u16, name: &'static str, message: &str) -> Response {
                #write
                #response
            }
        }
    }

    /// `smithy-protocol: rpc-v2-cbor`, which rpcv2Cbor says in every response.
    fn protocol_header(&self) -> Option<TokenStream> {
        let header = quote!(headers.insert("smithy-protocol", ::http::HeaderValue::from_static("rpc-v2-cbor")););
        self.s.protocol.is_cbor().then_some(header)
    }

    /// The media type of a structure's HTTP body, if it has one.
    fn body_media_type(&self, fields: &[Field<'m>]) -> Option<&'m str> {
        if let Some(payload) = fields.iter().find(|f| f.binding == Binding::Payload) {
            return Some(self.s.payload_media_type(payload.target));
        }
        fields.iter().any(|f| f.binding == Binding::Body).then_some(self.s.protocol.media_type())
    }

    /// The media type of a response's body: as [`Self::body_media_type`], with `@httpQuery`
    /// members in the body (restJson1 ignores `@httpQuery` in outputs).
    fn response_media_type(&self, fields: &[Field<'m>]) -> Option<&'m str> {
        if fields.iter().any(|f| matches!(f.binding, Binding::Query(..)))
            && !fields.iter().any(|f| f.binding == Binding::Payload)
        {
            return Some(self.s.protocol.media_type());
        }
        self.body_media_type(fields)
    }

    // --- Requests -------------------------------------------------------------------------

    fn request_deserializer(&self, op: &Operation<'m>) -> TokenStream {
        let fn_name = format_ident!("de_{}_request", names::snake(op.name));
        let (_, input) = self.op_struct(op, Module::Input);
        let fields = self.s.fields(op.input);
        let (accept_check, content_type_check, expected_media) = self.media_type_checks(op, fields);
        let reads_unbound_body = expected_media.is_none() && op.input != UNIT;
        let checks_body_type = expected_media != Some("application/octet-stream");
        let mut stmts = Vec::new();
        // Labels, then query parameters, then headers: each parsed and checked as it is read.
        stmts.extend(self.label_reads(op));
        stmts.extend(self.query_reads(fields));
        // The body: a payload member, or the JSON object of the body members.
        let body_fields: Vec<&Field<'m>> = fields.iter().filter(|f| f.binding == Binding::Body).collect();
        let payload = fields.iter().find(|f| f.binding == Binding::Payload);
        let stream = op.input_stream.as_ref();
        let reads_body = payload.is_some() || !body_fields.is_empty();
        if let Some(field) = stream.filter(|f| self.s.event_stream(f.target).is_some()) {
            // The events go to the handler as they arrive, read as it asks for them.
            let var = local_var(field);
            let unmarshaller = format_ident!("{}Unmarshaller", self.type_name(field.target));
            stmts.push(quote! {
                let #var = ::aws_smithy_http::event_stream::Receiver::new(#unmarshaller, streaming::stream_body(body));
            });
        } else if let Some(field) = stream {
            // The body goes to the handler as it arrives (a stream is never absent: an empty body
            // is an empty stream).
            let var = local_var(field);
            stmts.push(quote! {
                let #var = ::aws_smithy_types::byte_stream::ByteStream::new(streaming::stream_body(body));
            });
        } else if reads_body {
            let collect = collect_body();
            stmts.push(quote!(let bytes = #collect; let bytes: &[u8] = &bytes;));
            if checks_body_type {
                stmts.push(quote!(support::check_body_has_content_type(&parts.headers, bytes)?;));
            }
        }
        let not_object = match self.wire() {
            Format::Json => "the request body must be a JSON object",
            Format::Cbor => "the request body must be a CBOR map",
        };
        let not_object = quote!(support::serialization(#not_object));
        stmts.push(self.de_bindings(fields, &body_fields, quote!(bytes), Some(not_object)));
        let assemble = self.assemble(&input, fields, local_var);
        let (parts, body) =
            (quote!(parts), if reads_body || reads_unbound_body { quote!(body) } else { quote!(_body) });
        let fn_doc = format!(" Reads {}'s input from an HTTP request, checking every constraint.", op.name);
        // A streaming body outlives the request: it goes to the handler.
        let outlives = stream.map(|_| quote!(+ 'static));
        quote! {
            #[doc = #fn_doc]
            pub(crate) async fn #fn_name<B>(request: ::http::Request<B>) -> ::std::result::Result<crate::input::#input, RequestRejection>
            where
                B: ::http_body::Body + Send #outlives,
                B::Data: Send,
                B::Error: ::std::fmt::Display,
            {
                let (#parts, #body) = request.into_parts();
                #accept_check
                #content_type_check
                #(#stmts)*
                #assemble
            }
        }
    }

    /// The checks of a request's `Accept` and `Content-Type`, and the media type its body must
    /// have (`None`: no body is expected).
    fn media_type_checks(
        &self,
        op: &Operation<'m>,
        fields: &[Field<'m>],
    ) -> (TokenStream, TokenStream, Option<&'m str>) {
        let output_fields = self.s.fields(op.output);
        // A blob payload has no media type in the model, so any Accept is fine.
        // The RPC protocols have no Accept check.
        let accept_check = match self.response_media_type(output_fields).unwrap_or("application/json") {
            _ if !self.s.protocol.has_http_bindings() => quote!(),
            "application/octet-stream" => quote!(),
            accept => quote!(support::check_accept(&parts.headers, #accept)?;),
        };
        // An input structure without members is sent as `{}` by clients, so JSON is fine; a blob
        // payload without `@mediaType` takes any media type, so its Content-Type is not checked.
        // Under the RPC protocols every request may have a JSON body, of the protocol's media type.
        let expected_media = match self.body_media_type(fields) {
            _ if !self.s.protocol.has_http_bindings() => Some(self.s.protocol.media_type()),
            None if op.input != UNIT && fields.is_empty() => Some("application/json"),
            other => other,
        };
        let collect = collect_body();
        let content_type_check = match expected_media {
            Some("application/octet-stream") => quote!(),
            Some(media) => quote!(support::check_content_type(&parts.headers, ::std::option::Option::Some(#media))?;),
            None if op.input == UNIT => {
                quote!(support::check_content_type(&parts.headers, ::std::option::Option::None)?;)
            }
            // Members bound to the URI and headers only: a Content-Type is refused with a body
            // (which has no place), and ignored without one. The body is read only then.
            None => quote! {
                if parts.headers.contains_key(::http::header::CONTENT_TYPE) {
                    let bytes = #collect;
                    if !bytes.is_empty() {
                        return ::std::result::Result::Err(RequestRejection::UnsupportedMediaType);
                    }
                }
            },
        };
        (accept_check, content_type_check, expected_media)
    }

    /// Statements reading the members bound to labels (`m_<member>`), each parsed and checked.
    fn label_reads(&self, op: &Operation<'m>) -> Vec<TokenStream> {
        let mut stmts = Vec::new();
        for (index, label) in op.labels() {
            let (field, scalar) = (&label.field, label.scalar);
            let raw = if label.greedy {
                let trailing = op.segments.len() - index - 1;
                quote!(support::greedy_label(parts.uri.path(), #index, #trailing)?)
            } else {
                quote!(support::label(parts.uri.path(), #index)?)
            };
            let var = local_var(field);
            let name = field.name;
            let path = quote!(&Path::ROOT.member(#name));
            let value = self.scalar_from_text(scalar, field.timestamp_format, quote!(raw), path);
            stmts.push(quote! {
                let #var = {
                    let raw = #raw;
                    #value
                };
            });
        }
        stmts
    }

    /// Statements reading the members bound to the query (`m_<member>`), and the
    /// `@httpQueryParams` map, in one pass over the query's parameters.
    fn query_reads(&self, fields: &[Field<'m>]) -> Vec<TokenStream> {
        let mut stmts = Vec::new();
        let query_fields: Vec<&Field<'m>> = fields.iter().filter(|f| matches!(f.binding, Binding::Query(..))).collect();
        // `@httpQueryParams`: every parameter, bound by `@httpQuery` or not, also goes in the map.
        let query_map = match fields.iter().find(|f| f.binding == Binding::QueryParams) {
            Some(field) => {
                let var = local_var(field);
                stmts.push(quote!(let mut #var = ::std::option::Option::None;));
                let insert = match self.s.ty(field.target) {
                    Ty::Map { value, .. } if matches!(self.s.ty(value.target), Ty::List { .. }) => {
                        quote!(map.entry(key.clone().into_owned()).or_insert_with(::std::vec::Vec::new).push(value.clone().into_owned());)
                    }
                    _ => quote! {
                        if !map.contains_key(key.as_ref()) {
                            map.insert(key.clone().into_owned(), value.clone().into_owned());
                        }
                    },
                };
                quote! {
                    let map = #var.get_or_insert_with(::std::collections::HashMap::new);
                    #insert
                }
            }
            None => quote!(),
        };
        if !query_fields.is_empty() || !query_map.is_empty() {
            let mut arms = Vec::new();
            for field in &query_fields {
                let var = local_var(field);
                let Binding::Query(key, http) = field.binding else { continue };
                let name = field.name;
                stmts.push(quote!(let mut #var = ::std::option::Option::None;));
                match http {
                    HttpValue::List(item, member) => {
                        let format = member.format(TimestampFormat::DateTime);
                        let path = quote!(&Path::ROOT.member(#name).index(items.len()));
                        let item = self.scalar_from_text(item, format, quote!(value), path);
                        arms.push(quote! {
                            #key => {
                                let items = #var.get_or_insert_with(::std::vec::Vec::new);
                                let item = #item;
                                items.push(item);
                            }
                        });
                    }
                    HttpValue::One(scalar) => {
                        let path = quote!(&Path::ROOT.member(#name));
                        let value = self.scalar_from_text(scalar, field.timestamp_format, quote!(value), path);
                        arms.push(quote! {
                            #key if #var.is_none() => #var = ::std::option::Option::Some(#value),
                        });
                    }
                }
            }
            let bound = (!arms.is_empty()).then(|| quote!(match key.as_ref() { #(#arms)* _ => {} }));
            stmts.push(quote! {
                for (key, value) in support::query_pairs(parts.uri.query()) {
                    #query_map
                    #bound
                }
            });
        }
        stmts
    }

    /// The input structure from the members read: required ones checked, defaults applied.
    fn assemble(
        &self,
        input: &proc_macro2::Ident,
        fields: &[Field<'m>],
        local: impl Fn(&Field<'m>) -> proc_macro2::Ident,
    ) -> TokenStream {
        let mut inits = Vec::new();
        for field in fields {
            let f = names::field(field.name);
            let var = local(field);
            let name = field.name;
            let is_stream = self.s.is_streaming(field.target) || self.s.event_stream(field.target).is_some();
            let value = if matches!(field.binding, Binding::Label(_)) || is_stream {
                // Labels are always present once the route matched, and a stream once the
                // request came.
                if self.is_optional(Module::Input, field) {
                    quote!(::std::option::Option::Some(#var))
                } else {
                    quote!(#var)
                }
            } else {
                self.member_value(Module::Input, field, &var, quote!(Path::ROOT))
            };
            let value = match (self.s.ty(field.target), field.binding) {
                (Ty::List { id: list_id, newtype: true, .. }, Binding::Query(..) | Binding::Header(..)) => {
                    let list = self.rust_type(list_id);
                    let convert = quote!(#list::try_from(v).map_err(|e| e.into_violation(&Path::ROOT.member(#name))));
                    if field.is_always_set() && field.default.is_none() {
                        quote!({ let v = #value; #convert? })
                    } else if field.default.is_some() {
                        quote!(#value)
                    } else {
                        quote!(#value.map(|v| #convert).transpose()?)
                    }
                }
                _ => value,
            };
            inits.push(quote!(#f: #value,));
        }
        quote!(::std::result::Result::Ok(crate::input::#input { #(#inits)* }))
    }

    /// A scalar from the text of a label or query parameter (`text`, a percent-decoded
    /// `Cow<str>`), checked at `path`.
    fn scalar_from_text(
        &self,
        scalar: Scalar<'m>,
        format: TimestampFormat,
        text: TokenStream,
        path: TokenStream,
    ) -> TokenStream {
        let (owned, text) = (quote!(#text.into_owned()), quote!(#text.as_ref()));
        let parse_prim = |prim: Prim| -> TokenStream {
            match prim {
                Prim::String => owned.clone(),
                Prim::Timestamp => {
                    let format = format_tokens(format);
                    quote!(support::parse_timestamp(#text, #format)?)
                }
                other => {
                    let ty = crate::rust_types::prim_type(other);
                    quote!(support::parse_primitive::<#ty>(#text)?)
                }
            }
        };
        let target = scalar.target;
        match scalar.kind {
            ScalarKind::Prim(prim) | ScalarKind::Constrained(prim) => {
                let value = parse_prim(prim);
                self.as_held(target, &value, &path).unwrap_or(value)
            }
            ScalarKind::IntEnum => quote!(support::parse_primitive::<i32>(#text)?),
            // Checked as the text it is, without a copy.
            ScalarKind::Enum => {
                let ty = self.rust_type(target);
                quote!(#ty::try_from(#text).map_err(|e| e.into_violation(#path))?)
            }
        }
    }

    // --- Responses ------------------------------------------------------------------------

    fn response_serializer(&self, op: &Operation<'m>) -> TokenStream {
        let fn_name = format_ident!("ser_{}_response", names::snake(op.name));
        let (_, output) = self.op_struct(op, Module::Output);
        let body = self.http_response(op.output, op.code, TokenStream::new());
        let fn_doc = format!(" Writes {}'s output as an HTTP response.", op.name);
        // An output with a byte stream gives it up to the response body.
        quote! {
            #[doc = #fn_doc]
            pub(crate) fn #fn_name(value: crate::output::#output) -> ::std::result::Result<Response, ::std::string::String> {
                #body
            }
        }
    }

    fn error_serializer(&self, id: &'m str) -> TokenStream {
        let f = self.fn_name("ser", id);
        let f = format_ident!("{f}_error");
        let info = self.s.error(id);
        let status = info.status();
        let path = self.struct_path(id);
        let body = self.http_response(id, status, self.error_type_key(id));
        // A query-compatible service names the error as its awsQuery API did: `code;Sender` (a
        // client error) or `code;Receiver`.
        let query_error = info.query_code.map(|code| {
            let fault = if info.server_fault { "Receiver" } else { "Sender" };
            let value = format!("{code};{fault}");
            quote! {
                if let ::std::result::Result::Ok(response) = &mut response {
                    response.headers_mut().insert("x-amzn-query-error", ::http::HeaderValue::from_static(#value));
                }
            }
        });
        let body = match query_error {
            Some(query_error) => quote! {
                let mut response = (|| { #body })();
                #query_error
                response
            },
            None => body,
        };
        quote! {
            pub(crate) fn #f(value: #path) -> ::std::result::Result<Response, ::std::string::String> {
                #body
            }
        }
    }

    /// `object.key("__type").string(<id>);`: an error's type in its body, as the RPC protocols
    /// write it (restJson1 says it in `X-Amzn-Errortype` only).
    fn error_type_key(&self, id: &str) -> TokenStream {
        // awsJson1_0 and rpcv2Cbor name the error by its shape id, awsJson1_1 by its shape name.
        let name = match self.s.protocol {
            Protocol::RestJson1 => return TokenStream::new(),
            Protocol::AwsJson1_0 => id,
            Protocol::AwsJson1_1 => crate::names::shape_name(id),
            Protocol::RpcV2Cbor => return quote!(encoder.str("__type").str(#id);),
        };
        quote!(object.key("__type").string(#name);)
    }

    /// Status, headers and body of a response from an output or error structure (`value`);
    /// `type_key` writes the error's type into the body (RPC protocols).
    fn http_response(&self, id: &'m str, code: u16, type_key: TokenStream) -> TokenStream {
        let fields = self.s.fields(id);
        let mut stmts = Vec::new();
        let status = match fields.iter().find(|f| f.binding == Binding::ResponseCode) {
            Some(field) => {
                let f = names::field(field.name);
                if field.is_always_set() {
                    quote!(u16::try_from(value.#f).map_err(|_| "the response code is out of range".to_owned())?)
                } else {
                    quote!(match value.#f { ::std::option::Option::Some(code) => u16::try_from(code).map_err(|_| "the response code is out of range".to_owned())?, ::std::option::Option::None => #code })
                }
            }
            None => quote!(#code),
        };
        let protocol_header = self.protocol_header();
        stmts.push(quote! {
            let status = ::http::StatusCode::from_u16(#status).map_err(|e| e.to_string())?;
            #[allow(unused_mut)]
            let mut headers = ::http::HeaderMap::new();
            #protocol_header
        });
        stmts.push(self.ser_headers(Module::Output, fields, quote!(value)));
        let stream = fields.iter().find(|f| self.s.is_streaming(f.target));
        let events = fields.iter().find(|f| self.s.event_stream(f.target).is_some());
        let body = if stream.is_some() || events.is_some() {
            TokenStream::new() // below
        } else if let Some(field) = fields.iter().find(|f| f.binding == Binding::Payload) {
            let f = names::field(field.name);
            let take =
                if field.is_always_set() { quote!(::std::option::Option::Some(value.#f)) } else { quote!(value.#f) };
            let write = self.ser_payload(field, take, quote!(::std::vec::Vec::new()));
            quote!(#write let body = ::bytes::Bytes::from(body);)
        } else if id == UNIT && (self.s.protocol.has_http_bindings() || self.s.protocol.is_cbor()) {
            // An operation without an output structure answers with an empty body (and so, under
            // rpcv2Cbor, without a Content-Type).
            quote!(let body = ::bytes::Bytes::new();)
        } else if id == UNIT {
            // Under awsJson too, but said to be of its media type.
            quote! {
                headers.insert(::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(MEDIA_TYPE));
                let body = ::bytes::Bytes::new();
            }
        } else {
            let body: Vec<&Field<'m>> = fields.iter().filter(|f| in_response_body(f.binding)).collect();
            let write = self.ser_body(Module::Output, &body, quote!(value), type_key);
            quote!(#write let body = ::bytes::Bytes::from(body);)
        };
        stmts.push(body);
        if fields.is_empty() {
            stmts.push(quote!(let _ = value;));
        }
        if let Some(field) = events {
            // Each event is written as the handler's stream gives it, when hyper asks for more:
            // a slow reader holds the handler back rather than making the response buffer.
            let f = names::field(field.name);
            let name = self.type_name(field.target);
            let (marshaller, error_marshaller) =
                (format_ident!("{name}Marshaller"), format_ident!("{name}ErrorMarshaller"));
            let boxed = |sender: TokenStream| {
                quote! {
                    ::aws_smithy_http_server::body::boxed(::http_body_util::StreamBody::new(
                        #sender.into_body_stream(#marshaller, #error_marshaller, ::aws_smithy_eventstream::frame::NoOpSigner {}),
                    ))
                }
            };
            let body = if field.is_always_set() {
                boxed(quote!(value.#f))
            } else {
                // No stream: an empty one.
                let sender = boxed(quote!(sender));
                quote! {
                    match value.#f {
                        ::std::option::Option::Some(sender) => #sender,
                        ::std::option::Option::None => support::boxed(::bytes::Bytes::new()),
                    }
                }
            };
            return quote! {
                #(#stmts)*
                headers.insert(::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(event_stream::MEDIA_TYPE));
                let mut response = ::http::Response::new(#body);
                *response.status_mut() = status;
                *response.headers_mut() = headers;
                ::std::result::Result::Ok(response)
            };
        }
        if let Some(field) = stream {
            let f = names::field(field.name);
            let media = self.s.payload_media_type(field.target);
            let take = if field.is_always_set() {
                quote!(value.#f.into_inner())
            } else {
                quote!(value.#f.map(|stream| stream.into_inner()).unwrap_or_default())
            };
            return quote! {
                #(#stmts)*
                let body = #take;
                if body.content_length() != ::std::option::Option::Some(0) {
                    headers.insert(::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(#media));
                }
                if let ::std::option::Option::Some(length) = body.content_length() {
                    headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from(length));
                }
                let mut response = ::http::Response::new(streaming::boxed_stream(body));
                *response.status_mut() = status;
                *response.headers_mut() = headers;
                ::std::result::Result::Ok(response)
            };
        }
        quote! {
            #(#stmts)*
            // Said explicitly, as clients and the protocol tests read it (hyper would add it).
            headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from(body.len()));
            let mut response = ::http::Response::new(support::boxed(body));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            ::std::result::Result::Ok(response)
        }
    }

    // --- operation.rs ----------------------------------------------------------------------

    pub(super) fn operation_rs(&self) -> TokenStream {
        let mut items = Vec::new();
        for op in &self.s.operations {
            let snake = names::snake(op.name);
            let de = format_ident!("de_{snake}_request");
            let ser = format_ident!("ser_{snake}_response");
            let input = self.op_struct(op, Module::Input).1;
            let output = self.op_struct(op, Module::Output).1;
            // An operation whose validation exception is not the crate's default answers its
            // constraint violations with its own.
            let read = match op.validation {
                0 => quote!(::std::boxed::Box::pin(crate::protocol_serde::#de(request))),
                index => {
                    let respond = self.validation_response_fn(index);
                    quote! {
                        ::std::boxed::Box::pin(async move {
                            crate::protocol_serde::#de(request)
                                .await
                                .map_err(|rejection| rejection.answered_by(crate::protocol_serde::#respond))
                        })
                    }
                }
            };
            items.push(quote! {
                impl<B> ::aws_smithy_http_server::request::FromRequest<crate::protocol_serde::Protocol, B> for crate::input::#input
                where
                    B: ::http_body::Body + Send + 'static,
                    B::Data: Send,
                    B::Error: ::std::fmt::Display,
                {
                    type Rejection = crate::protocol_serde::RequestRejection;
                    type Future = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ::std::result::Result<Self, Self::Rejection>> + Send>>;
                    fn from_request(request: ::http::Request<B>) -> Self::Future {
                        #read
                    }
                }
                impl ::aws_smithy_http_server::response::IntoResponse<crate::protocol_serde::Protocol> for crate::output::#output {
                    fn into_response(self) -> ::aws_smithy_http_server::response::Response {
                        crate::protocol_serde::#ser(self).unwrap_or_else(crate::protocol_serde::internal_failure)
                    }
                }
            });
            if !op.errors.is_empty() {
                let error = format_ident!("{}Error", names::type_name(op.name));
                let arms = op.errors.iter().map(|e| {
                    let variant = format_ident!("{}", self.type_name(e));
                    let f = self.fn_name("ser", e);
                    let f = format_ident!("{f}_error");
                    quote!(crate::error::#error::#variant(e) => crate::protocol_serde::#f(e),)
                });
                items.push(quote! {
                    impl ::aws_smithy_http_server::response::IntoResponse<crate::protocol_serde::Protocol> for crate::error::#error {
                        fn into_response(self) -> ::aws_smithy_http_server::response::Response {
                            let name = self.name();
                            let response = match self { #(#arms)* };
                            match response {
                                ::std::result::Result::Ok(mut response) => {
                                    response.headers_mut().insert("x-amzn-errortype", ::http::HeaderValue::from_static(name));
                                    response.extensions_mut().insert(::aws_smithy_http_server::extension::ModeledErrorExtension::new(name));
                                    response
                                }
                                ::std::result::Result::Err(cause) => crate::protocol_serde::internal_failure(cause),
                            }
                        }
                    }
                });
            }
        }
        quote!(#(#items)*)
    }
}

/// Whether a member of an output or error goes into the JSON body: body members, and
/// `@httpQuery` members, which restJson1 ignores in responses.
fn in_response_body(binding: Binding<'_>) -> bool {
    matches!(binding, Binding::Body | Binding::Query(..))
}

/// The local variable a member is read into, e.g. `m_file_id`.
fn local_var(field: &Field<'_>) -> proc_macro2::Ident {
    format_ident!("m_{}", names::snake(field.name))
}

/// An expression that reads the whole request body (`body`) as bytes.
fn collect_body() -> TokenStream {
    quote! {
        ::http_body_util::BodyExt::collect(body)
            .await
            .map_err(|e| support::serialization(format!("failed to read the request body: {e}")))?
            .to_bytes()
    }
}
