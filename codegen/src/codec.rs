//! The wire format of shapes: one codec, for the server and the client, and for each format of
//! bodies (JSON under restJson1 and awsJson, CBOR under rpcv2Cbor). It writes the statements that
//! write a value (with `aws_smithy_json`'s writers or `aws_smithy_cbor`'s `Encoder`), the
//! expressions that read one (through the support templates `codegen/support/src/common/json.rs`
//! or `cbor.rs`), and one `ser_<shape>` / `de_<shape>` function per list, map, structure and union.
//!
//! The shape logic is written once; what differs sits in two places:
//! - [`Side`]: a server *validates* (constrained shapes are newtypes checked as they are read,
//!   with the member's path for the violation message; `null` in a dense list or map and an
//!   unknown union member are refused; nesting is capped); a client is lenient, as smithy-rs's
//!   clients are (constraints are the server's business, `null`s in dense collections are left
//!   out, unknown enum values and union members are kept as `Unknown`);
//! - [`Format`]: the few tokens that write or read a scalar, open a list or a map, and loop over
//!   their items.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{
    Binding, Field, HttpValue, Item, Module, Prim, Scalar, ScalarKind, Service, TimestampFormat, Ty, UNIT,
};
use crate::names;
use crate::rust_types::{prim_type, variant_ident};

/// What the codec needs from a side's emitter.
pub(crate) trait Side<'m> {
    fn service(&self) -> &Service<'m>;
    /// `crate::<module>::<Name>` of a structure or union.
    fn struct_path(&self, id: &str) -> TokenStream;
    /// The module of the shapes operations share: `model` (server) or `types` (client).
    fn shapes_module(&self) -> &'static str;
    /// Whether values are checked against the model as they are read (the server).
    fn validates(&self) -> bool;
    /// Whether a member of a structure in `module` is held as an `Option`.
    fn is_optional(&self, module: Module, field: &Field<'m>) -> bool;
    /// The values of the header `name` (a lowercase `&str`) in the message being read, as an
    /// iterator of `&[u8]`.
    fn header_values(&self, name: TokenStream) -> TokenStream;
    /// The names of the headers of the message being read, as an iterator of lowercase `&str`.
    fn header_names(&self) -> TokenStream;
    /// A structure member's value out of `var`, the `Option` read: checked and defaulted
    /// (server, where `path` is the structure's) or corrected (client).
    fn member_value(&self, module: Module, field: &Field<'m>, var: &Ident, path: TokenStream) -> TokenStream;

    /// The path of a structure, union, enum or (server) constrained newtype, e.g.
    /// `crate::ir::InstanceId`.
    fn named_type(&self, id: &str) -> TokenStream {
        if self.service().structs.contains_key(id) {
            return self.struct_path(id);
        }
        let (module, name) = (quote::format_ident!("{}", self.shapes_module()), self.service().type_name(id));
        let name = quote::format_ident!("{name}");
        quote!(crate::#module::#name)
    }

    /// The Rust type of a shape as this side holds it: constrained shapes are newtypes on the
    /// server, plain Rust types on the client (constraints are the server's business).
    fn rust_type(&self, id: &'m str) -> TokenStream {
        if self.service().is_streaming(id) {
            return quote!(::aws_smithy_types::byte_stream::ByteStream);
        }
        let ty = self.service().ty(id);
        match ty {
            _ if self.is_newtype(ty) => self.named_type(id),
            Ty::Prim(prim) | Ty::Newtype(_, prim) => prim_type(prim),
            Ty::IntEnum => quote!(i32),
            Ty::Enum(_) | Ty::Struct(_) | Ty::Union(_) => self.named_type(id),
            Ty::Document => quote!(::aws_smithy_types::Document),
            Ty::List { member, sparse, .. } => self.list_type(member, sparse),
            Ty::Map { key, value, sparse, .. } => self.map_type(key, value, sparse),
        }
    }

    /// The plain Rust type of a list (a constrained list's inner value).
    fn list_type(&self, member: Item<'m>, sparse: bool) -> TokenStream {
        let item = self.item_type(member, sparse);
        quote!(::std::vec::Vec<#item>)
    }

    /// The plain Rust type of a map (a constrained map's inner value).
    fn map_type(&self, key: Item<'m>, value: Item<'m>, sparse: bool) -> TokenStream {
        let (k, v) = (self.rust_type(key.target), self.item_type(value, sparse));
        quote!(::std::collections::HashMap<#k, #v>)
    }

    /// The Rust name of a structure, union, enum or newtype, e.g. `DownloadUrlMetadata`.
    fn type_name(&self, id: &str) -> String {
        self.service().type_name(id)
    }

    /// The shape id as the `'m` borrow of the model (ids in the service's sets are owned).
    fn id(&self, id: &str) -> &'m str {
        self.service().id(id)
    }

    /// `<prefix>_<shape>`: the name of a shape's function in `protocol_serde`.
    fn fn_name(&self, prefix: &str, id: &str) -> Ident {
        quote::format_ident!("{prefix}_{}", names::snake(&self.type_name(id)))
    }

    /// The type of a list's items or a map's values: `Option`s in a `@sparse` collection.
    fn item_type(&self, member: Item<'m>, sparse: bool) -> TokenStream {
        let item = self.rust_type(member.target);
        if sparse { quote!(::std::option::Option<#item>) } else { item }
    }

    /// The type of a member's value: its target's, boxed when the member leads back to its own
    /// structure (a recursive shape).
    fn member_type(&self, field: &Field<'m>) -> TokenStream {
        if self.service().event_stream(field.target).is_some() {
            return crate::event_stream::stream_type(self, field);
        }
        let ty = self.rust_type(field.target);
        if field.boxed { quote!(::std::boxed::Box<#ty>) } else { ty }
    }

    /// The type of a member as a structure in `module` holds it.
    fn field_type(&self, module: Module, field: &Field<'m>) -> TokenStream {
        let ty = self.member_type(field);
        if self.is_optional(module, field) { quote!(::std::option::Option<#ty>) } else { ty }
    }

    /// Whether a constrained shape is a newtype on this side.
    fn is_newtype(&self, ty: Ty<'m>) -> bool {
        self.validates()
            && matches!(ty, Ty::Newtype(..) | Ty::List { newtype: true, .. } | Ty::Map { newtype: true, .. })
    }

    /// `value` checked as shape `id` (at `path`) when it is a newtype on this side, else as is.
    fn constrained(&self, ty: Ty<'m>, id: &'m str, value: TokenStream) -> TokenStream {
        if self.is_newtype(ty) {
            let rust = self.rust_type(id);
            quote!(#rust::try_from(#value).map_err(|e| e.into_violation(path))?)
        } else {
            value
        }
    }

    /// The format of the crate's bodies.
    fn wire(&self) -> Format {
        if self.service().protocol.is_cbor() { Format::Cbor } else { Format::Json }
    }
}

/// A body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Cbor,
}

/// Where a value is written: under a key of the object or map being written, as the next item of
/// the list being written, or (JSON) with a given writer.
#[derive(Clone)]
pub(crate) enum Slot {
    Key(TokenStream),
    Item,
    Writer(TokenStream),
}

impl Format {
    /// The template module of the format in `protocol_serde`.
    pub(crate) fn module(self) -> TokenStream {
        match self {
            Format::Json => quote!(json),
            Format::Cbor => quote!(cbor),
        }
    }

    /// The reader every read takes: `tokens` or `decoder`.
    fn reader(self) -> TokenStream {
        match self {
            Format::Json => quote!(tokens),
            Format::Cbor => quote!(decoder),
        }
    }

    fn reader_param(self) -> TokenStream {
        match self {
            Format::Json => quote!(tokens: &mut json::Tokens<'_>),
            Format::Cbor => quote!(decoder: &mut cbor::Decoder<'_>),
        }
    }

    fn writer_param(self) -> TokenStream {
        match self {
            Format::Json => quote!(writer: ::aws_smithy_json::serialize::JsonValueWriter<'_>),
            Format::Cbor => quote!(encoder: &mut ::aws_smithy_cbor::Encoder),
        }
    }

    /// The error of reading on a lenient side.
    pub(crate) fn de_error(self) -> TokenStream {
        match self {
            Format::Json => quote!(::aws_smithy_json::deserialize::error::DeserializeError),
            Format::Cbor => quote!(cbor::DeserializeError),
        }
    }

    fn custom_error(self, message: &str) -> TokenStream {
        match self {
            Format::Json => quote!(::aws_smithy_json::deserialize::error::DeserializeError::custom(#message)),
            Format::Cbor => quote!(cbor::DeserializeError::custom(#message, decoder.position())),
        }
    }

    /// Writing: `(JSON writer, CBOR statements before the value)` for a slot.
    fn slot(self, slot: &Slot) -> (TokenStream, TokenStream) {
        match (self, slot) {
            (Format::Json, Slot::Key(key)) => (quote!(object.key(#key)), TokenStream::new()),
            (Format::Json, Slot::Item) => (quote!(array.value()), TokenStream::new()),
            (Format::Json, Slot::Writer(writer)) => (writer.clone(), TokenStream::new()),
            (Format::Cbor, Slot::Key(key)) => (TokenStream::new(), quote!(encoder.str(#key);)),
            (Format::Cbor, _) => (TokenStream::new(), TokenStream::new()),
        }
    }

    /// Statements writing `null` in a slot.
    fn null(self, slot: &Slot) -> TokenStream {
        let (writer, prefix) = self.slot(slot);
        match self {
            Format::Json => quote!(#writer.null();),
            Format::Cbor => quote!(#prefix encoder.null();),
        }
    }

    /// Statements calling a shape's serializer `f` for `value` in a slot.
    fn call(self, slot: &Slot, f: &Ident, value: &TokenStream) -> TokenStream {
        let (writer, prefix) = self.slot(slot);
        match self {
            Format::Json => quote!(#f(#writer, #value)?;),
            Format::Cbor => quote!(#prefix #f(encoder, #value)?;),
        }
    }

    /// Statements writing a scalar (`value` a reference, or a place for a newtype's `.0`).
    fn ser_prim(self, prim: Prim, format: TimestampFormat, slot: &Slot, value: Val) -> TokenStream {
        let (r, place) = (value.by_ref(), value.by_value());
        let (w, prefix) = self.slot(slot);
        match self {
            Format::Json => match prim {
                Prim::String => quote!(#w.string(#r);),
                Prim::Bool => quote!(#w.boolean(#place);),
                Prim::Long => quote!(#w.number(::aws_smithy_types::Number::NegInt(#place));),
                Prim::Byte | Prim::Short | Prim::Int => {
                    quote!(#w.number(::aws_smithy_types::Number::NegInt(i64::from(#place)));)
                }
                Prim::Double => quote!(#w.number(::aws_smithy_types::Number::Float(#place));),
                Prim::Float => quote!(#w.number(::aws_smithy_types::Number::Float(f64::from(#place)));),
                Prim::Timestamp => {
                    let format = format_tokens(format);
                    quote!(#w.date_time(#r, #format).map_err(|e| e.to_string())?;)
                }
                Prim::Blob => quote!(#w.string(&::aws_smithy_types::base64::encode(#r));),
            },
            // Timestamps are epoch seconds under tag 1 whatever `@timestampFormat` says.
            Format::Cbor => match prim {
                Prim::String => quote!(#prefix encoder.str(#r);),
                Prim::Bool => quote!(#prefix encoder.boolean(#place);),
                Prim::Byte => quote!(#prefix encoder.byte(#place);),
                Prim::Short => quote!(#prefix encoder.short(#place);),
                Prim::Int => quote!(#prefix encoder.integer(#place);),
                Prim::Long => quote!(#prefix encoder.long(#place);),
                Prim::Float => quote!(#prefix encoder.float(#place);),
                Prim::Double => quote!(#prefix encoder.double(#place);),
                Prim::Timestamp => quote!(#prefix encoder.timestamp(#r);),
                Prim::Blob => quote!(#prefix encoder.blob(#r);),
            },
        }
    }

    /// Statements writing a document (`value: &Document`) in a slot. rpcv2Cbor has no form for
    /// documents (Smithy's specification) and the resolver refuses them under it; the arm says
    /// so in the generated code rather than writing something else.
    fn ser_document(self, slot: &Slot, value: &TokenStream) -> TokenStream {
        match self {
            Format::Json => {
                let (writer, _) = self.slot(slot);
                quote!(#writer.document(#value);)
            }
            Format::Cbor => quote!(::core::compile_error!("documents have no CBOR form");),
        }
    }

    /// A document read from the reader: `Result<Option<Document>, E>` (JSON only, as above).
    fn de_document(self) -> TokenStream {
        match self {
            Format::Json => quote!(json::de_document(tokens)),
            Format::Cbor => quote!(::core::compile_error!("documents have no CBOR form")),
        }
    }

    /// Statements writing the string `text` (an expression of type `&str`) in a slot.
    fn ser_str(self, slot: &Slot, text: TokenStream) -> TokenStream {
        let (w, prefix) = self.slot(slot);
        match self {
            Format::Json => quote!(#w.string(#text);),
            Format::Cbor => quote!(#prefix encoder.str(#text);),
        }
    }

    /// `(open, close)` around the items of a list of `len` items.
    fn list(self, len: TokenStream) -> (TokenStream, TokenStream) {
        match self {
            Format::Json => (quote!(let mut array = writer.start_array();), quote!(array.finish();)),
            Format::Cbor => (quote!(encoder.array(#len);), TokenStream::new()),
        }
    }

    /// `(open, close)` around the entries of a map of `len` entries (`None`: not known ahead).
    fn map(self, len: Option<TokenStream>) -> (TokenStream, TokenStream) {
        match (self, len) {
            (Format::Json, _) => (quote!(let mut object = writer.start_object();), quote!(object.finish();)),
            (Format::Cbor, Some(len)) => (quote!(encoder.map(#len);), TokenStream::new()),
            (Format::Cbor, None) => (quote!(encoder.begin_map();), quote!(encoder.end();)),
        }
    }

    /// Statements writing an empty object under `key` (a union's Unit member).
    fn empty_object(self, key: &str) -> TokenStream {
        match self {
            Format::Json => quote!(object.key(#key).start_object().finish();),
            Format::Cbor => quote!(encoder.str(#key).map(0);),
        }
    }

    /// A scalar read from the reader: `Result<Option<T>, E>`.
    fn de_prim(self, prim: Prim, format: TimestampFormat, lenient: bool) -> TokenStream {
        let (m, r) = (self.module(), self.reader());
        match prim {
            Prim::String => quote!(#m::de_string(#r)),
            Prim::Bool => quote!(#m::de_bool(#r)),
            Prim::Byte => quote!(#m::de_integer::<i8>(#r)),
            Prim::Short => quote!(#m::de_integer::<i16>(#r)),
            Prim::Int => quote!(#m::de_integer::<i32>(#r)),
            Prim::Long => quote!(#m::de_integer::<i64>(#r)),
            Prim::Float => quote!(#m::de_float(#r).map(|v| v.map(|v| v as f32))),
            Prim::Double => quote!(#m::de_float(#r)),
            Prim::Timestamp if self == Format::Cbor => quote!(cbor::de_timestamp(decoder)),
            Prim::Timestamp => {
                // A client accepts date-times with a UTC offset, though it sends only `Z`.
                let format = match format {
                    TimestampFormat::DateTime if lenient => {
                        quote!(::aws_smithy_types::date_time::Format::DateTimeWithOffset)
                    }
                    format => format_tokens(format),
                };
                quote!(json::de_timestamp(tokens, #format))
            }
            Prim::Blob => quote!(#m::de_blob(#r)),
        }
    }

    /// A statement that reads the head of a list (`map` false) or of a map or object (`map`
    /// true), running `on_null` (which returns) for `null`.
    fn open(self, map: bool, on_null: TokenStream) -> TokenStream {
        match self {
            Format::Json => {
                let start = if map { quote!(json::start_object) } else { quote!(json::start_array) };
                quote! {
                    if !#start(tokens)? {
                        #on_null
                    }
                }
            }
            Format::Cbor => {
                let start = if map { quote!(cbor::start_map) } else { quote!(cbor::start_array) };
                quote! {
                    let ::std::option::Option::Some(mut remaining) = #start(decoder)? else {
                        #on_null
                    };
                }
            }
        }
    }

    /// [`Self::open`] returning `Ok(None)` for `null`.
    fn open_or_none(self, map: bool) -> TokenStream {
        self.open(map, quote!(return ::std::result::Result::Ok(::std::option::Option::None);))
    }

    /// Whether the list being read has another item.
    fn list_more(self) -> TokenStream {
        match self {
            Format::Json => quote!(json::array_continues(tokens)?),
            Format::Cbor => quote!(remaining.more(decoder)?),
        }
    }

    /// A loop running `body` for each entry of the map being read, with its key in `key`.
    fn map_loop(self, body: TokenStream) -> TokenStream {
        match self {
            Format::Json => quote! {
                while let ::std::option::Option::Some(key) = json::next_key(tokens)? {
                    #body
                }
            },
            Format::Cbor => quote! {
                while remaining.more(decoder)? {
                    let key = cbor::key(decoder)?;
                    #body
                }
            },
        }
    }

    /// A statement reading the value of the entry `key` with `arms`, skipping it when none
    /// matches.
    fn by_key(self, arms: &[TokenStream]) -> TokenStream {
        let skip = self.skip();
        if arms.is_empty() {
            return quote!(let _ = key; #skip;);
        }
        quote! {
            match key.as_ref() {
                #(#arms)*
                _ => #skip,
            }
        }
    }

    /// Whether the next value is `null` (consumed if so).
    fn take_null(self) -> TokenStream {
        match self {
            Format::Json => quote!(json::take_null(tokens)),
            Format::Cbor => quote!(cbor::take_null(decoder)?),
        }
    }

    /// A statement skipping the next value.
    pub(crate) fn skip(self) -> TokenStream {
        let (m, r) = (self.module(), self.reader());
        quote!(#m::skip_value(#r)?)
    }

    /// Statements that read the members of a whole body (`bytes`, not empty) with `arms` (by
    /// key); a body that is not an object or map is `not_object` (`None`: it is ignored).
    pub(crate) fn read_body(
        self,
        bytes: TokenStream,
        arms: &[TokenStream],
        not_object: Option<TokenStream>,
    ) -> TokenStream {
        let entries = self.map_loop(self.by_key(arms));
        let open = match (self, not_object) {
            (_, Some(error)) => {
                let open = self.open(true, quote!(return ::std::result::Result::Err(#error);));
                quote!(#open #entries)
            }
            (Format::Json, None) => quote!(if json::start_object(tokens)? { #entries }),
            (Format::Cbor, None) => {
                quote!(if let ::std::option::Option::Some(mut remaining) = cbor::start_map(decoder)? { #entries })
            }
        };
        match self {
            Format::Json => quote! {
                let tokens = &mut json::tokens(#bytes);
                #open
                json::end_of_body(tokens)?;
            },
            Format::Cbor => quote! {
                let decoder = &mut cbor::decoder(#bytes);
                #open
                cbor::end_of_body(decoder, #bytes)?;
            },
        }
    }
}

/// The codec, for every [`Side`].
pub(crate) trait Codec<'m>: Side<'m> {
    // --- Writing ---------------------------------------------------------------------------

    /// Statements writing `value: &T` (of shape `target`) in `slot`.
    fn ser_value(&self, target: &'m str, format: TimestampFormat, slot: &Slot, value: TokenStream) -> TokenStream {
        let wire = self.wire();
        let ty = self.service().ty(target);
        match ty {
            Ty::Newtype(_, prim) if self.is_newtype(ty) => {
                wire.ser_prim(prim, format, slot, Val::place(quote!(#value.0)))
            }
            Ty::Prim(prim) | Ty::Newtype(_, prim) => wire.ser_prim(prim, format, slot, Val::reference(value)),
            Ty::IntEnum => wire.ser_prim(Prim::Int, format, slot, Val::reference(value)),
            Ty::Enum(_) => wire.ser_str(slot, quote!(#value.as_str())),
            Ty::Document => wire.ser_document(slot, &value),
            _ => wire.call(slot, &self.fn_name("ser", target), &value),
        }
    }

    /// Statements writing the members `fields` of a structure in `module` (`value`) into the
    /// object or map being written.
    fn ser_members<'f>(
        &self,
        module: Module,
        fields: impl IntoIterator<Item = &'f Field<'m>>,
        value: TokenStream,
    ) -> TokenStream
    where
        'm: 'f,
    {
        let mut stmts = Vec::new();
        for field in fields {
            let key = field.json;
            let write = self.ser_value(field.target, field.timestamp_format, &Slot::Key(quote!(#key)), quote!(v));
            stmts.push(self.if_set(module, field, &value, write));
        }
        quote!(#(#stmts)*)
    }

    /// Statements that write the payload member `field` (`take`, an `Option` of its value,
    /// owned) as the body (`let body: Vec<u8>`, `absent` when it is `None`), and say its media
    /// type in `headers` unless a member bound to it did.
    fn ser_payload(&self, field: &Field<'m>, take: TokenStream, absent: TokenStream) -> TokenStream {
        let target = field.target;
        let ty = self.service().ty(target);
        // A newtype's value is its `.0`.
        let value = if self.is_newtype(ty) { quote!(value.0) } else { quote!(value) };
        let bytes = match ty {
            Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String) => quote!(#value.into_bytes()),
            Ty::Prim(Prim::Blob) | Ty::Newtype(_, Prim::Blob) => quote!(#value.into_inner()),
            Ty::Enum(_) => quote!(value.as_str().as_bytes().to_vec()),
            _ => {
                let writer = Slot::Writer(quote!(::aws_smithy_json::serialize::JsonValueWriter::new(&mut out)));
                let ser = self.ser_value(target, field.timestamp_format, &writer, quote!(&value));
                quote!({ let mut out = ::std::string::String::new(); #ser out.into_bytes() })
            }
        };
        let media_type = self.service().payload_media_type(target);
        quote! {
            let body: ::std::vec::Vec<u8> = match #take {
                ::std::option::Option::Some(value) => {
                    headers::content_type(&mut headers, #media_type);
                    #bytes
                }
                ::std::option::Option::None => #absent,
            };
        }
    }

    /// Statements that write `fields` of `value` (a structure in `module`), after `type_key`
    /// (statements naming an error in the body), as the body's object or map (`let body:
    /// Vec<u8>`), and say its media type in `headers` unless a member bound to it did.
    fn ser_body(
        &self,
        module: Module,
        fields: &[&Field<'m>],
        value: TokenStream,
        type_key: TokenStream,
    ) -> TokenStream {
        let writes = self.ser_members(module, fields.iter().copied(), value);
        let media_type = self.service().protocol.media_type();
        // A first guess at the body's size, so that writing it rarely grows the buffer: its
        // keys, and room for typical values.
        let capacity = (2 + fields.iter().map(|f| f.json.len() + 4 + 32).sum::<usize>()).next_power_of_two();
        let write = match self.wire() {
            Format::Cbor => quote! {
                let mut out = ::aws_smithy_cbor::Encoder::new(::std::vec::Vec::with_capacity(#capacity));
                {
                    let encoder = &mut out;
                    encoder.begin_map();
                    #type_key
                    #writes
                    encoder.end();
                }
                let body = out.into_writer();
            },
            Format::Json if fields.is_empty() && type_key.is_empty() => quote!(let body = b"{}".to_vec();),
            Format::Json => quote! {
                let mut out = ::std::string::String::with_capacity(#capacity);
                let mut object = ::aws_smithy_json::serialize::JsonObjectWriter::new(&mut out);
                #type_key
                #writes
                object.finish();
                let body = out.into_bytes();
            },
        };
        quote!(#write headers::content_type(&mut headers, #media_type);)
    }

    /// Statements writing the header-bound members of `value`, a structure in `module`, into
    /// `headers` (an `http::HeaderMap`): `@httpPrefixHeaders` maps first, so that a member bound
    /// to one of the same headers wins.
    fn ser_headers(&self, module: Module, fields: &[Field<'m>], value: TokenStream) -> TokenStream {
        let mut stmts = Vec::new();
        for field in fields {
            let Binding::PrefixHeaders(prefix) = field.binding else { continue };
            stmts.push(self.if_set(module, field, &value, quote! {
                for (key, item) in v {
                    let name = ::http::HeaderName::try_from(format!("{}{}", #prefix, key)).map_err(|e| e.to_string())?;
                    headers.insert(name, headers::header_value(item)?);
                }
            }));
        }
        for field in fields {
            let Binding::Header(name, http) = field.binding else { continue };
            // Checked by the resolver: a valid header name, so `from_static` cannot fail.
            let name = name.to_ascii_lowercase();
            let ty = self.service().ty(field.target);
            let items = if self.is_newtype(ty) { quote!(v.0.iter()) } else { quote!(v.iter()) };
            let header = self.ser_header(field, http, quote!(v), items);
            let insert = quote!(headers.insert(::http::HeaderName::from_static(#name), #header););
            stmts.push(self.if_set(module, field, &value, insert));
        }
        quote!(#(#stmts)*)
    }

    /// `body`, with `v` a reference to the member `field` of `value` (a structure in `module`),
    /// if it is set.
    fn if_set(&self, module: Module, field: &Field<'m>, value: &TokenStream, body: TokenStream) -> TokenStream {
        let f = names::field(field.name);
        if self.is_optional(module, field) {
            quote!(if let ::std::option::Option::Some(v) = &#value.#f { #body })
        } else {
            quote!({ let v = &#value.#f; #body })
        }
    }

    /// Statements writing a collection's item or value (`item: &T`, or `&Option<T>` when
    /// `sparse`) of shape `member` in `slot`.
    fn ser_item(&self, member: Item<'m>, sparse: bool, slot: &Slot) -> TokenStream {
        let format = member.format(TimestampFormat::EpochSeconds);
        let write = self.ser_value(member.target, format, slot, quote!(item));
        if !sparse {
            return write;
        }
        let null = self.wire().null(slot);
        quote! {
            match item {
                ::std::option::Option::Some(item) => { #write }
                ::std::option::Option::None => { #null }
            }
        }
    }

    /// A scalar's text in a header (`value: &T`), as an expression of type `String`.
    fn header_text(&self, scalar: Scalar<'m>, format: TimestampFormat, value: TokenStream) -> TokenStream {
        // A newtype's value is its `.0`.
        let value = if self.is_newtype(scalar.ty()) { Val::place(quote!(#value.0)) } else { Val::reference(value) };
        let (r, place, expr) = (value.by_ref(), value.by_value(), &value.expr);
        match scalar.kind {
            ScalarKind::Prim(Prim::String) | ScalarKind::Constrained(Prim::String) | ScalarKind::Enum => {
                quote!(::std::string::String::from(#expr.as_str()))
            }
            ScalarKind::Prim(Prim::Timestamp) | ScalarKind::Constrained(Prim::Timestamp) => {
                let format = format_tokens(format);
                quote!(headers::format_timestamp(#r, #format)?)
            }
            ScalarKind::Prim(_) | ScalarKind::Constrained(_) | ScalarKind::IntEnum => {
                quote!(headers::format_primitive(#place))
            }
        }
    }

    /// A member's value (`value: &T`) as a `HeaderValue` expression; a list's items (over which
    /// `items` iterates) are joined with commas.
    fn ser_header(
        &self,
        field: &Field<'m>,
        http: HttpValue<'m>,
        value: TokenStream,
        items: TokenStream,
    ) -> TokenStream {
        if self.service().is_base64_header(field.target) {
            return quote!(headers::header_value(&::aws_smithy_types::base64::encode(#value))?);
        }
        match http {
            HttpValue::List(item, member) => {
                let format = member.format(TimestampFormat::HttpDate);
                let text = self.header_text(item, format, quote!(item));
                if item.kind == ScalarKind::Prim(Prim::Timestamp) {
                    // http-date items contain commas themselves: joined as they are.
                    quote!({
                        let mut texts = ::std::vec::Vec::new();
                        for item in #items {
                            texts.push(#text);
                        }
                        headers::header_value(&texts.join(", "))?
                    })
                } else {
                    quote!({
                        let mut texts = ::std::vec::Vec::new();
                        for item in #items {
                            texts.push(::std::borrow::Cow::from(#text));
                        }
                        headers::header_list_value(texts.into_iter())?
                    })
                }
            }
            HttpValue::One(scalar) => {
                let text = self.header_text(scalar, field.timestamp_format, value);
                quote!(headers::header_value(&#text)?)
            }
        }
    }

    /// A scalar read from outside a body (`value`: its plain Rust value, a `String` for strings
    /// and enums) as this side holds it: checked against the model at `path` (a `&Path`) when
    /// validating, a lenient enum otherwise; `None` when it is held as read.
    fn as_held(&self, target: &'m str, value: &TokenStream, path: &TokenStream) -> Option<TokenStream> {
        let ty = self.service().ty(target);
        let rust = self.rust_type(target);
        match ty {
            _ if self.is_newtype(ty) => Some(quote!(#rust::try_from(#value).map_err(|e| e.into_violation(#path))?)),
            Ty::Enum(_) if self.validates() => {
                Some(quote!(#rust::try_from(#value.as_str()).map_err(|e| e.into_violation(#path))?))
            }
            Ty::Enum(_) => Some(quote!(#rust::from(#value.as_str()))),
            _ => None,
        }
    }

    /// A header-bound member's value read from the header `name` (lowercase): an expression of
    /// type `Option<T>`, of the member's type as this side holds it (checked at `path` when
    /// validating) that returns the side's error when the header cannot be read.
    fn de_header(&self, field: &Field<'m>, http: HttpValue<'m>, name: &str, path: TokenStream) -> TokenStream {
        let s = self.service();
        let (scalar, format, list) = match http {
            HttpValue::List(item, member) => (item, member.format(TimestampFormat::HttpDate), true),
            HttpValue::One(scalar) => (scalar, field.timestamp_format, false),
        };
        let target = scalar.target;
        let format = match format {
            // A client accepts date-times with a UTC offset, though it sends only `Z`.
            TimestampFormat::DateTime if !self.validates() => {
                quote!(::aws_smithy_types::date_time::Format::DateTimeWithOffset)
            }
            format => format_tokens(format),
        };
        let values = self.header_values(quote!(#name));
        // The call that reads one value, and the function that reads a list's items.
        let (one, many) = match scalar.kind {
            ScalarKind::Prim(Prim::Timestamp) | ScalarKind::Constrained(Prim::Timestamp) => (
                quote!(one_date_or_none_bytes(#values, #format)),
                quote!(|values| headers::parse::many_dates_bytes(values, #format)),
            ),
            ScalarKind::Prim(Prim::String) | ScalarKind::Constrained(Prim::String) | ScalarKind::Enum => (
                quote!(one_or_none_bytes::<::std::string::String>(#values)),
                quote!(headers::parse::read_many_from_str_bytes::<::std::string::String>),
            ),
            ScalarKind::Prim(prim) | ScalarKind::Constrained(prim) => {
                let t = prim_type(prim);
                (
                    quote!(one_primitive_or_none_bytes::<#t>(#values)),
                    quote!(headers::parse::read_many_primitive_bytes::<#t>),
                )
            }
            ScalarKind::IntEnum => (
                quote!(one_primitive_or_none_bytes::<i32>(#values)),
                quote!(headers::parse::read_many_primitive_bytes::<i32>),
            ),
        };
        let read = match list {
            true => quote!(headers::items(#values, #many)?),
            false if s.is_base64_header(target) => quote!(headers::base64(headers::parse::#one?)?),
            false => quote!(headers::parse::#one?),
        };
        let none = quote!(::std::option::Option::None => ::std::option::Option::None,);
        let (value, item) = (quote!(value), quote!(item));
        match (self.as_held(target, &value, &path), self.as_held(target, &item, &quote!(#path.index(values.len())))) {
            (None, _) => read,
            // Without a check (`?`), a plain `map`.
            (Some(value), _) if !list && !self.validates() => quote!(#read.map(|value| #value)),
            (Some(value), _) if !list => {
                quote!(match #read { ::std::option::Option::Some(value) => ::std::option::Option::Some(#value), #none })
            }
            (Some(_), item) => quote! {
                match #read {
                    ::std::option::Option::Some(items) => {
                        let mut values = ::std::vec::Vec::with_capacity(items.len());
                        for item in items {
                            values.push(#item);
                        }
                        ::std::option::Option::Some(values)
                    }
                    #none
                }
            },
        }
    }

    /// An `@httpPrefixHeaders` member read: the headers whose names start with `prefix`, by the
    /// rest of their names, as `Option<HashMap<String, String>>` (`None` without any).
    fn de_prefix_headers(&self, prefix: &str) -> TokenStream {
        let (names, values) = (self.header_names(), self.header_values(quote!(name)));
        quote!({
            let mut map = ::std::collections::HashMap::new();
            for (key, name) in headers::parse::headers_for_prefix(#names, #prefix) {
                if let ::std::option::Option::Some(value) = headers::parse::one_or_none_bytes::<::std::string::String>(#values)? {
                    map.insert(key.to_owned(), value);
                }
            }
            (!map.is_empty()).then_some(map)
        })
    }

    /// Where the member `name` of the structure being read sits, for violation messages: a
    /// `&Path` on a validating side, nothing on a lenient one.
    fn member_path(&self, name: &str) -> TokenStream {
        if self.validates() { quote!(&Path::ROOT.member(#name)) } else { TokenStream::new() }
    }

    /// Statements declaring `m_<member>` for the members of a message read from its headers,
    /// then from its payload (not a stream) or the object or map of its body (`bytes`, a
    /// `&[u8]`) that holds `body_fields`. `not_object` is the error for a body that is
    /// not one (`None`: it is ignored).
    fn de_bindings(
        &self,
        fields: &[Field<'m>],
        body_fields: &[&Field<'m>],
        bytes: TokenStream,
        not_object: Option<TokenStream>,
    ) -> TokenStream {
        let local = |field: &Field<'m>| quote::format_ident!("m_{}", names::snake(field.name));
        let mut stmts = Vec::new();
        for field in fields {
            let value = match field.binding {
                Binding::Header(name, http) => {
                    self.de_header(field, http, &name.to_ascii_lowercase(), self.member_path(field.name))
                }
                Binding::PrefixHeaders(prefix) => self.de_prefix_headers(prefix),
                _ => continue,
            };
            let var = local(field);
            stmts.push(quote!(let #var = #value;));
        }
        let payload = fields.iter().find(|f| f.binding == Binding::Payload);
        let streams =
            |f: &&Field<'m>| self.service().is_streaming(f.target) || self.service().event_stream(f.target).is_some();
        if let Some(field) = payload.filter(|f| !streams(f)) {
            let (var, value) = (local(field), self.de_payload(field, bytes.clone(), self.member_path(field.name)));
            stmts.push(quote!(let #var = #value;));
        }
        if !body_fields.is_empty() {
            let mut arms = Vec::new();
            for field in body_fields {
                let var = local(field);
                stmts.push(quote!(let mut #var = ::std::option::Option::None;));
                arms.push(self.de_member_arm(field, &var, self.member_path(field.name)));
            }
            let read = self.wire().read_body(bytes.clone(), &arms, not_object);
            stmts.push(quote!(if !#bytes.is_empty() { #read }));
        }
        quote!(#(#stmts)*)
    }

    /// A payload member's value read from the whole body (`bytes`, a `&[u8]`): an
    /// expression of type `Option<T>`, `None` for an empty body.
    fn de_payload(&self, field: &Field<'m>, bytes: TokenStream, path: TokenStream) -> TokenStream {
        let target = field.target;
        let value = match self.service().ty(target) {
            Ty::Prim(Prim::Blob) | Ty::Newtype(_, Prim::Blob) => quote!(::aws_smithy_types::Blob::new(#bytes.to_vec())),
            Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String) | Ty::Enum(_) => {
                quote!(::std::string::String::from_utf8(#bytes.to_vec())?)
            }
            _ => {
                let de = self.de_target(target, field.timestamp_format, path);
                return quote! {
                    if #bytes.is_empty() {
                        ::std::option::Option::None
                    } else {
                        let tokens = &mut json::tokens(#bytes);
                        let value = #de?;
                        json::end_of_body(tokens)?;
                        value
                    }
                };
            }
        };
        let value = self.as_held(target, &value, &path).unwrap_or(value);
        quote!(if #bytes.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(#value) })
    }

    /// The functions that read and write the shapes inside bodies: for the shapes of requests
    /// (read by the server, written by the client), then for those of responses.
    fn shape_codecs(&self) -> Vec<TokenStream> {
        let s = self.service();
        let mut items = Vec::new();
        for (ids, read) in [(&s.read_json, self.validates()), (&s.written_json, !self.validates())] {
            for id in ids {
                let id = self.id(id);
                items.extend(if read { self.shape_deserializer(id) } else { self.shape_serializer(id) });
            }
        }
        items
    }

    /// `ser_<shape>(writer, value) -> Result<(), String>` for a list, map, structure or union.
    fn shape_serializer(&self, id: &'m str) -> Option<TokenStream> {
        if id == UNIT {
            return None;
        }
        let (s, wire) = (self.service(), self.wire());
        let f = self.fn_name("ser", id);
        let ty = s.ty(id);
        let inner = if self.is_newtype(ty) { quote!(value.0) } else { quote!(value) };
        let (param, body) = match ty {
            Ty::Prim(_) | Ty::IntEnum | Ty::Newtype(..) | Ty::Enum(_) | Ty::Document => return None,
            Ty::List { member, sparse, .. } => {
                let item_ty = self.item_type(member, sparse);
                let param = if self.is_newtype(ty) { self.rust_type(id) } else { quote!([#item_ty]) };
                let write = self.ser_item(member, sparse, &Slot::Item);
                let (open, close) = wire.list(quote!(#inner.len()));
                (param, quote!(#open for item in #inner.iter() { #write } #close))
            }
            Ty::Map { value: v, sparse, .. } => {
                let write = self.ser_item(v, sparse, &Slot::Key(quote!(key.as_str())));
                let (open, close) = wire.map(Some(quote!(#inner.len())));
                (self.rust_type(id), quote!(#open for (key, item) in #inner.iter() { #write } #close))
            }
            Ty::Struct(_) => {
                let writes = self.ser_members(s.struct_place(id).0, s.member_fields(id), quote!(value));
                let (open, close) = match wire {
                    // A structure without members is `{}`.
                    Format::Json if writes.is_empty() => {
                        (quote!(let _ = value; writer.start_object().finish();), quote!())
                    }
                    _ => wire.map(None),
                };
                (self.rust_type(id), quote!(#open #writes #close))
            }
            Ty::Union(_) => {
                let rust = self.rust_type(id);
                let mut arms = Vec::new();
                for field in s.member_fields(id) {
                    let variant = variant_ident(field.name);
                    let key = field.json;
                    if field.target == UNIT {
                        let empty = wire.empty_object(key);
                        arms.push(quote!(#rust::#variant => { #empty }));
                        continue;
                    }
                    let slot = Slot::Key(quote!(#key));
                    let write = self.ser_value(field.target, field.timestamp_format, &slot, quote!(v));
                    arms.push(quote!(#rust::#variant(v) => { #write }));
                }
                if !self.validates() {
                    let unknown = format!("the Unknown variant of {} cannot be sent", s.struct_place(id).1);
                    arms.push(quote!(#rust::Unknown => return ::std::result::Result::Err(#unknown.into()),));
                }
                let (open, close) = wire.map(Some(quote!(1)));
                (rust, quote!(#open match value { #(#arms)* } #close))
            }
        };
        let writer = wire.writer_param();
        Some(quote! {
            pub(crate) fn #f(#writer, value: &#param) -> ::std::result::Result<(), ::std::string::String> {
                #body
                ::std::result::Result::Ok(())
            }
        })
    }

    // --- Reading ---------------------------------------------------------------------------

    /// The error of reading: the server's `RequestRejection` (a violation, or a body that cannot
    /// be read), the client's format error.
    fn de_error(&self) -> TokenStream {
        if self.validates() { quote!(RequestRejection) } else { self.wire().de_error() }
    }

    /// A value of shape `target` read from the reader: an expression of type
    /// `Result<Option<T>, E>` (`E` converts into [`Self::de_error`]). `path` is where the value
    /// sits in the input, for violation messages (server only).
    fn de_target(&self, target: &'m str, format: TimestampFormat, path: TokenStream) -> TokenStream {
        let wire = self.wire();
        let (m, r) = (wire.module(), wire.reader());
        let ty = self.service().ty(target);
        match ty {
            Ty::Prim(prim) => wire.de_prim(prim, format, !self.validates()),
            Ty::Newtype(_, prim) if !self.is_newtype(ty) => wire.de_prim(prim, format, !self.validates()),
            Ty::IntEnum => quote!(#m::de_integer::<i32>(#r)),
            Ty::Document => wire.de_document(),
            Ty::Enum(_) if !self.validates() => {
                let rust = self.rust_type(target);
                quote!(#m::de_string(#r).map(|v| v.map(|v| #rust::from(v.as_str()))))
            }
            _ => {
                let f = self.fn_name("de", target);
                if self.validates() { quote!(#f(#r, #path)) } else { quote!(#f(#r)) }
            }
        }
    }

    /// The match arm that reads a member into its `Option` `var` (boxed if it is recursive).
    fn de_member_arm(&self, field: &Field<'m>, var: &Ident, path: TokenStream) -> TokenStream {
        let key = field.json;
        let de = self.de_target(field.target, field.timestamp_format, path);
        if field.boxed {
            quote!(#key => #var = #de?.map(::std::boxed::Box::new),)
        } else {
            quote!(#key => #var = #de?,)
        }
    }

    /// `de_<shape>(reader[, path]) -> Result<Option<T>, E>` for a shape that is read by a
    /// function of its own: lists, maps, structures, unions and, on a validating side,
    /// constrained scalars and enums.
    fn shape_deserializer(&self, id: &'m str) -> Option<TokenStream> {
        if id == UNIT {
            return None;
        }
        let (validates, wire) = (self.validates(), self.wire());
        let ty = self.service().ty(id);
        let body = match ty {
            Ty::Prim(_) | Ty::IntEnum | Ty::Document => return None,
            Ty::Newtype(_, prim) if validates => self.de_newtype_body(ty, id, prim),
            Ty::Enum(_) if validates => self.de_enum_body(id),
            Ty::Newtype(..) | Ty::Enum(_) => return None,
            Ty::List { member, sparse, .. } => self.de_list_body(ty, id, member, sparse),
            Ty::Map { key, value, sparse, .. } => self.de_map_body(ty, id, key, value, sparse),
            Ty::Struct(_) => self.de_struct_body(id),
            Ty::Union(_) => self.de_union_body(id),
        };
        let (f, rust, error) = (self.fn_name("de", id), self.rust_type(id), self.de_error());
        let reader = wire.reader_param();
        let path = validates.then(|| quote!(, path: &Path<'_>));
        Some(quote! {
            pub(crate) fn #f(#reader #path) -> ::std::result::Result<::std::option::Option<#rust>, #error> {
                #body
            }
        })
    }

    /// The error for a value that cannot be read: a serialization error on a validating side,
    /// the format's own otherwise.
    fn de_fail(&self, message: &str) -> TokenStream {
        if self.validates() { quote!(support::serialization(#message)) } else { self.wire().custom_error(message) }
    }

    /// Caps nesting on the side that reads untrusted input.
    fn de_descend(&self) -> Option<TokenStream> {
        self.validates().then(|| quote!(path.descend()?;))
    }

    /// The body of a constrained scalar's reader (validating side): read, then checked.
    fn de_newtype_body(&self, ty: Ty<'m>, id: &'m str, prim: Prim) -> TokenStream {
        let de = self.wire().de_prim(prim, TimestampFormat::EpochSeconds, false);
        let value = self.constrained(ty, id, quote!(value));
        quote! {
            ::std::result::Result::Ok(match #de? {
                ::std::option::Option::Some(value) => ::std::option::Option::Some(#value),
                ::std::option::Option::None => ::std::option::Option::None,
            })
        }
    }

    /// The body of an enum's reader (validating side): a value the enum does not have is a
    /// violation.
    fn de_enum_body(&self, id: &'m str) -> TokenStream {
        let wire = self.wire();
        let (m, r, rust) = (wire.module(), wire.reader(), self.rust_type(id));
        quote! {
            ::std::result::Result::Ok(match #m::de_string(#r)? {
                ::std::option::Option::Some(value) => ::std::option::Option::Some(
                    #rust::try_from(value.as_str()).map_err(|e| e.into_violation(path))?,
                ),
                ::std::option::Option::None => ::std::option::Option::None,
            })
        }
    }

    /// The body of a list's reader.
    fn de_list_body(&self, ty: Ty<'m>, id: &'m str, member: Item<'m>, sparse: bool) -> TokenStream {
        let (validates, wire, descend) = (self.validates(), self.wire(), self.de_descend());
        let item = self.de_target(
            member.target,
            member.format(TimestampFormat::EpochSeconds),
            quote!(&path.index(items.len())),
        );
        let push = if sparse {
            quote!(items.push(#item?);)
        } else if validates {
            let null = self.de_fail("null is not allowed in a list");
            quote! {
                match #item? {
                    ::std::option::Option::Some(item) => items.push(item),
                    ::std::option::Option::None => return ::std::result::Result::Err(#null),
                }
            }
        } else {
            quote! {
                // A null item of a dense list is left out.
                if let ::std::option::Option::Some(item) = #item? {
                    items.push(item);
                }
            }
        };
        let items = self.constrained(ty, id, quote!(items));
        let (open, more) = (wire.open_or_none(false), wire.list_more());
        quote! {
            #descend
            #open
            let mut items = ::std::vec::Vec::new();
            while #more {
                #push
            }
            ::std::result::Result::Ok(::std::option::Option::Some(#items))
        }
    }

    /// The body of a map's reader.
    fn de_map_body(&self, ty: Ty<'m>, id: &'m str, key: Item<'m>, value: Item<'m>, sparse: bool) -> TokenStream {
        let (s, validates, wire, descend) = (self.service(), self.validates(), self.wire(), self.de_descend());
        let item = self.de_target(value.target, value.format(TimestampFormat::EpochSeconds), quote!(&path.key(&key)));
        let key_ty = s.ty(key.target);
        let key_value = match key_ty {
            Ty::Enum(_) if validates => {
                let k = self.rust_type(key.target);
                quote!(#k::try_from(key.as_ref()).map_err(|e| e.into_violation(path))?)
            }
            Ty::Enum(_) => {
                let k = self.rust_type(key.target);
                quote!(#k::from(key.as_ref()))
            }
            _ => self.constrained(key_ty, key.target, quote!(key.into_owned())),
        };
        let insert = if sparse {
            quote! {
                let value = #item?;
                map.insert(#key_value, value);
            }
        } else if validates {
            let null = self.de_fail("null is not allowed as a map value");
            quote! {
                let value = match #item? {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => return ::std::result::Result::Err(#null),
                };
                map.insert(#key_value, value);
            }
        } else {
            quote! {
                // A null value of a dense map is left out.
                if let ::std::option::Option::Some(value) = #item? {
                    map.insert(#key_value, value);
                }
            }
        };
        let map = self.constrained(ty, id, quote!(map));
        let (open, entries) = (wire.open_or_none(true), wire.map_loop(insert));
        quote! {
            #descend
            #open
            let mut map = ::std::collections::HashMap::new();
            #entries
            ::std::result::Result::Ok(::std::option::Option::Some(#map))
        }
    }

    /// The body of a structure's reader: each member into its `Option`, then the structure.
    fn de_struct_body(&self, id: &'m str) -> TokenStream {
        let (s, wire, descend, rust) = (self.service(), self.wire(), self.de_descend(), self.rust_type(id));
        let module = s.struct_place(id).0;
        let mut decls = Vec::new();
        let mut arms = Vec::new();
        let mut inits = Vec::new();
        for field in s.member_fields(id) {
            let var = quote::format_ident!("m_{}", names::snake(field.name));
            let m = names::field(field.name);
            let name = field.name;
            decls.push(quote!(let mut #var = ::std::option::Option::None;));
            arms.push(self.de_member_arm(field, &var, quote!(&path.member(#name))));
            let value = self.member_value(module, field, &var, quote!(path));
            inits.push(quote!(#m: #value,));
        }
        // A client's modeled error also holds its metadata, which a response's headers give
        // (an exception message has none).
        if module == Module::Error && !self.validates() {
            inits.push(quote!(meta: ::std::default::Default::default(),));
        }
        let (open, entries) = (wire.open_or_none(true), wire.map_loop(wire.by_key(&arms)));
        quote! {
            #descend
            #open
            #(#decls)*
            #entries
            ::std::result::Result::Ok(::std::option::Option::Some(#rust { #(#inits)* }))
        }
    }

    /// The body of a union's reader: exactly one member set.
    fn de_union_body(&self, id: &'m str) -> TokenStream {
        let (s, validates, wire, descend, rust) =
            (self.service(), self.validates(), self.wire(), self.de_descend(), self.rust_type(id));
        let skip = wire.skip();
        let mut arms = Vec::new();
        for field in s.member_fields(id) {
            let variant = variant_ident(field.name);
            let (key, name) = (field.json, field.name);
            if field.target == UNIT {
                arms.push(quote!(#key => { #skip; #rust::#variant }));
                continue;
            }
            let de = self.de_target(field.target, field.timestamp_format, quote!(&path.member(#name)));
            let value = if field.boxed { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
            arms.push(quote! {
                #key => match #de? {
                    ::std::option::Option::Some(value) => #rust::#variant(#value),
                    ::std::option::Option::None => continue,
                },
            });
        }
        if validates {
            let unknown = self.de_fail("unknown union member");
            arms.push(quote!(_ => return ::std::result::Result::Err(#unknown),));
        } else {
            arms.push(quote! {
                "__type" => {
                    #skip;
                    continue;
                }
                // A member this crate does not know, from a newer server.
                _ => {
                    #skip;
                    #rust::Unknown
                }
            });
        }
        let one = self.de_fail("a union must have exactly one member set");
        let take_null = wire.take_null();
        let (open, entries) = (
            wire.open_or_none(true),
            wire.map_loop(quote! {
                if #take_null {
                    continue;
                }
                let value = match key.as_ref() {
                    #(#arms)*
                };
                if variant.replace(value).is_some() {
                    return ::std::result::Result::Err(#one);
                }
            }),
        );
        quote! {
            #descend
            #open
            let mut variant = ::std::option::Option::None;
            #entries
            match variant {
                ::std::option::Option::Some(value) => ::std::result::Result::Ok(::std::option::Option::Some(value)),
                ::std::option::Option::None => ::std::result::Result::Err(#one),
            }
        }
    }
}

impl<'m, T: Side<'m> + ?Sized> Codec<'m> for T {}

pub(crate) fn format_tokens(format: TimestampFormat) -> TokenStream {
    match format {
        TimestampFormat::DateTime => quote!(::aws_smithy_types::date_time::Format::DateTime),
        TimestampFormat::HttpDate => quote!(::aws_smithy_types::date_time::Format::HttpDate),
        TimestampFormat::EpochSeconds => quote!(::aws_smithy_types::date_time::Format::EpochSeconds),
    }
}

/// A value in generated code: a reference (`v: &T`) or a place (`v.0: T`), so that each use
/// can take it the way it needs without `&*` or `*&`.
pub(crate) struct Val {
    expr: TokenStream,
    is_ref: bool,
}

impl Val {
    pub(crate) fn reference(expr: TokenStream) -> Self {
        Val { expr, is_ref: true }
    }
    pub(crate) fn place(expr: TokenStream) -> Self {
        Val { expr, is_ref: false }
    }
    pub(crate) fn by_ref(&self) -> TokenStream {
        let expr = &self.expr;
        if self.is_ref { quote!(#expr) } else { quote!(&#expr) }
    }
    pub(crate) fn by_value(&self) -> TokenStream {
        let expr = &self.expr;
        if self.is_ref { quote!(*#expr) } else { quote!(#expr) }
    }
}
