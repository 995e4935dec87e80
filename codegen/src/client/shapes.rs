//! The Rust types of the model as a smithy-rs client holds them: structures with accessors and
//! builders (`x`, `set_x`, `get_x`), enums and unions that keep values they do not know, modeled
//! error structures with their `ErrorMetadata`, and each operation's error enum. What the
//! server's types share with them (accessors, unions, the variants of error enums) is
//! `crate::shapes`'s.
//!
//! Nullability is smithy-rs's: members of operation inputs are all optional (the server judges
//! what is required); elsewhere a `@required` or `@default` member is held as a plain value.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Gen;
use crate::codec::Side;
use crate::event_stream::EventStreams;
use crate::ir::{Field, Item, Module, Prim, Ty, UNIT};
use crate::names;
use crate::render::doc_and_deprecation;
use crate::rust_types::{EnumArms, enum_arms, struct_debug, value_debug};
use crate::shapes::{ErrorVariants, Types};

/// How a member is held: as `Option<T>`, or as `T` (with the `@default`, or, for a required
/// member without one, a zero value when a response leaves it out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Held {
    Optional,
    Defaulted,
    Required,
}

impl<'m> Gen<'_, 'm> {
    /// How a member of a structure in `module` is held.
    pub(super) fn held(&self, module: Module, field: &Field<'m>) -> Held {
        match field {
            _ if module == Module::Input => Held::Optional,
            // `@clientOptional`: the client may not rely on the default or the requirement.
            _ if field.client_optional => Held::Optional,
            Field { default: Some(_), .. } => Held::Defaulted,
            Field { required: true, .. } => Held::Required,
            _ => Held::Optional,
        }
    }

    /// `types.rs`: the shared structures, unions and enums, their builders, the modeled errors.
    pub(super) fn types_rs(&self) -> TokenStream {
        let mut items = Vec::new();
        let mut builders = Vec::new();
        let mut errors = Vec::new();
        let mut error_builders = Vec::new();
        for id in self.shared_shapes() {
            match self.s.ty(id) {
                Ty::Struct(_) if matches!(self.s.structs.get(id), Some((Module::Model, _))) => {
                    let (item, builder) = self.shared_structure(id);
                    items.push(item);
                    builders.push(builder);
                }
                Ty::Union(_) => items.push(self.union(id)),
                Ty::Enum(_) => items.push(self.enumeration(id)),
                _ => {}
            }
        }
        for (id, (module, _)) in &self.s.structs {
            if *module == Module::Error {
                let id = self.id(id);
                let (item, builder) = self.shared_structure(id);
                errors.push(item);
                errors.push(self.error_impls(id));
                error_builders.push(builder);
            }
        }
        for id in self.shared_shapes() {
            errors.push(self.stream_error_enum(id));
        }
        quote! {
            #(#items)*
            /// Builders of the structures in [`types`](crate::types).
            pub mod builders {
                #(#builders)*
            }
            /// The modeled errors: one structure per error shape, each with its [`ErrorMetadata`](crate::error::ErrorMetadata).
            pub mod error {
                #(#errors)*
                /// Builders of the modeled errors.
                pub mod builders {
                    #(#error_builders)*
                }
            }
        }
    }

    /// A shared structure or a modeled error, and its builder.
    fn shared_structure(&self, id: &'m str) -> (TokenStream, TokenStream) {
        let module = self.s.struct_place(id).0;
        self.structure(id, module, self.struct_ident(id), self.struct_path(id), self.builder_path(id))
    }

    /// A structure and its builder (which goes in the `builders` module next to it). `id` is
    /// `smithy.api#Unit` for an operation without input or output: an empty structure.
    pub(super) fn structure(
        &self,
        id: &'m str,
        module: Module,
        ident: Ident,
        path: TokenStream,
        builder_path: TokenStream,
    ) -> (TokenStream, TokenStream) {
        let fields = if module == Module::Model { self.s.member_fields(id) } else { self.s.fields(id) };
        let builder = format_ident!("{ident}Builder");
        let is_error = module == Module::Error;
        let is_input = module == Module::Input;
        let shape_doc = if id == UNIT { TokenStream::new() } else { doc_and_deprecation(&self.s.shape(id).docs) };
        let mut decls = Vec::new();
        let mut accessors = Vec::new();
        let mut builder_fields = Vec::new();
        let mut setters = Vec::new();
        let mut build_fields = Vec::new();
        let mut fallible = is_input;
        for field in fields {
            let f = names::field(field.name);
            let field_doc = doc_and_deprecation(&field.docs);
            let ty = self.member_type(field);
            let held = self.field_type(module, field);
            decls.push(quote!(#field_doc pub #f: #held,));
            accessors.push(self.accessor(module, field, &f, &field_doc));
            builder_fields.push(quote!(pub(crate) #f: ::std::option::Option<#ty>,));
            setters.push(self.setters(field, &f, &field_doc, false));
            build_fields.push(match self.held(module, field) {
                Held::Optional => quote!(#f: self.#f,),
                Held::Defaulted => {
                    let value = self.or_default(quote!(self.#f), field);
                    quote!(#f: #value,)
                }
                Held::Required => {
                    fallible = true;
                    let snake = names::snake(field.name);
                    let text = format!("{snake} was not specified but it is required when building {ident}");
                    quote!(#f: self.#f.ok_or_else(|| ::aws_smithy_types::error::operation::BuildError::missing_field(#snake, #text))?,)
                }
            });
        }
        // `@sensitive` members are redacted in `Debug`, which is then written out.
        let extra: &[&str] = if is_error { &["meta"] } else { &[] };
        let debug_impl = struct_debug(fields, quote!(#ident), &ident.to_string(), extra);
        let builder_debug = struct_debug(fields, quote!(#builder), &builder.to_string(), extra);
        let debug = self.debug_derive(&debug_impl);
        let mut derives = quote!(#[derive(::std::clone::Clone, #debug ::std::cmp::PartialEq)]);
        if is_error {
            decls.push(quote!(pub(crate) meta: ::aws_smithy_types::error::ErrorMetadata,));
            builder_fields
                .push(quote!(pub(crate) meta: ::std::option::Option<::aws_smithy_types::error::ErrorMetadata>,));
            setters.push(quote! {
                /// Sets the error's metadata (code, message, request id).
                pub fn meta(mut self, meta: ::aws_smithy_types::error::ErrorMetadata) -> Self {
                    self.meta = ::std::option::Option::Some(meta);
                    self
                }
                /// Sets or clears the error's metadata.
                pub fn set_meta(&mut self, meta: ::std::option::Option<::aws_smithy_types::error::ErrorMetadata>) -> &mut Self {
                    self.meta = meta;
                    self
                }
            });
            build_fields.push(quote!(meta: self.meta.unwrap_or_default(),));
        }
        if id == UNIT || fields.is_empty() {
            derives = quote!(#[derive(::std::clone::Clone, #debug ::std::cmp::PartialEq, ::std::default::Default)]);
        }
        // A byte stream can be neither cloned nor compared.
        let streams = id != UNIT && self.s.has_stream(id);
        let builder_derives = if streams {
            derives = quote!(#[derive(#debug)]);
            quote!(#[derive(#debug ::std::default::Default)])
        } else {
            quote!(#[derive(::std::clone::Clone, #debug ::std::cmp::PartialEq, ::std::default::Default)])
        };
        let error = fallible.then(|| quote!(::aws_smithy_types::error::operation::BuildError));
        let build = self.build_fn(&path, &build_fields, error);
        let builder_doc = format!(" A builder for [`{ident}`]({path}).", path = path.to_string().replace(' ', ""));
        let item = quote! {
            #shape_doc
            #[non_exhaustive]
            #derives
            pub struct #ident { #(#decls)* }
            #debug_impl
            impl #ident {
                #(#accessors)*
            }
            impl #ident {
                /// A builder for this structure.
                pub fn builder() -> #builder_path {
                    #builder_path::default()
                }
            }
        };
        let builder = quote! {
            #[doc = #builder_doc]
            #[non_exhaustive]
            #builder_derives
            pub struct #builder { #(#builder_fields)* }
            #builder_debug
            impl #builder {
                #(#setters)*
                #build
            }
        };
        (item, builder)
    }

    /// The parameter type of a setter taking a `target`: `impl Into<String>` for strings, the
    /// type itself otherwise (as in smithy-rs).
    pub(super) fn setter_param(&self, target: &'m str) -> TokenStream {
        match self.s.ty(target) {
            Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String) => {
                quote!(impl ::std::convert::Into<::std::string::String>)
            }
            _ => self.rust_type(target),
        }
    }

    /// The parameter type of a setter taking a list's item or a map's value: as
    /// [`Self::setter_param`], or in a `@sparse` collection an `Option` of the item's type.
    pub(super) fn item_param(&self, member: Item<'m>, sparse: bool) -> TokenStream {
        if sparse { self.item_type(member, sparse) } else { self.setter_param(member.target) }
    }

    /// `value` (an [`Self::item_param`]) as the item's type.
    fn item_converted(&self, member: Item<'m>, sparse: bool, value: TokenStream) -> TokenStream {
        if sparse { value } else { self.converted(member.target, value) }
    }

    /// `value` (a setter's parameter) as the member's type: `.into()` for strings only.
    fn converted(&self, target: &'m str, value: TokenStream) -> TokenStream {
        match self.s.ty(target) {
            Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String) => quote!(#value.into()),
            _ => value,
        }
    }

    /// A builder's `x` (for lists: append one item; for maps: insert one entry), `set_x`, `get_x`;
    /// those of an operation's fluent builder (`fluent`) call its input builder's.
    pub(super) fn setters(&self, field: &Field<'m>, f: &Ident, field_doc: &TokenStream, fluent: bool) -> TokenStream {
        let name = f.to_string();
        let name = name.trim_start_matches("r#");
        let set = format_ident!("set_{name}");
        let get = format_ident!("get_{name}");
        let ty = self.member_type(field);
        let (params, args, add, note) = match self.s.ty(field.target) {
            Ty::List { member, sparse, .. } => {
                let item = self.item_param(member, sparse);
                let input = self.item_converted(member, sparse, quote!(input));
                let add = quote! {
                    let mut items = self.#f.unwrap_or_default();
                    items.push(#input);
                    self.#f = ::std::option::Option::Some(items);
                };
                let note = format!(" Appends an item to `{name}`; [`{set}`](Self::{set}) replaces the whole list.");
                (quote!(input: #item), quote!(input), add, Some(note))
            }
            Ty::Map { key, value, sparse, .. } => {
                let (k, v) = (self.setter_param(key.target), self.item_param(value, sparse));
                let (key_in, value_in) =
                    (self.converted(key.target, quote!(key)), self.item_converted(value, sparse, quote!(value)));
                let add = quote! {
                    let mut map = self.#f.unwrap_or_default();
                    map.insert(#key_in, #value_in);
                    self.#f = ::std::option::Option::Some(map);
                };
                let note = format!(" Adds an entry to `{name}`; [`{set}`](Self::{set}) replaces the whole map.");
                (quote!(key: #k, value: #v), quote!(key, value), add, Some(note))
            }
            _ => {
                // A stream member is set to the stream itself (`EventStreamSender::from(stream)`).
                let param = if self.s.event_stream(field.target).is_some() {
                    ty.clone()
                } else {
                    self.setter_param(field.target)
                };
                let mut input = self.converted(field.target, quote!(input));
                if field.boxed {
                    input = quote!(::std::boxed::Box::new(#input));
                }
                let add = quote!(self.#f = ::std::option::Option::Some(#input););
                (quote!(input: #param), quote!(input), add, None)
            }
        };
        let note = note.map(|note| quote!(#[doc = ""] #[doc = #note]));
        let (add, set_body, get_body) = if fluent {
            (
                quote!(self.inner = self.inner.#f(#args);),
                quote!(self.inner = self.inner.#set(input);),
                quote!(self.inner.#get()),
            )
        } else {
            (add, quote!(self.#f = input;), quote!(&self.#f))
        };
        quote! {
            #field_doc
            #note
            pub fn #f(mut self, #params) -> Self {
                #add
                self
            }
            #field_doc
            pub fn #set(mut self, input: ::std::option::Option<#ty>) -> Self {
                #set_body
                self
            }
            #field_doc
            pub fn #get(&self) -> &::std::option::Option<#ty> {
                #get_body
            }
        }
    }

    /// The value of a required member that a response left out (smithy's client error
    /// correction): zero, empty, or an unknown enum or union value.
    pub(super) fn zero_value(&self, target: &'m str) -> TokenStream {
        if self.s.is_streaming(target) {
            return quote!(::std::default::Default::default());
        }
        if self.s.event_stream(target).is_some() {
            // An empty stream to read (only outputs hold a stream plain on the client), as a
            // response test's expected output has it.
            let unmarshaller = format_ident!("{}Unmarshaller", self.type_name(target));
            return quote! {
                ::aws_smithy_http::event_stream::Receiver::new(crate::protocol_serde::#unmarshaller, ::aws_smithy_types::body::SdkBody::empty())
            };
        }
        match self.s.ty(target) {
            Ty::Prim(Prim::Timestamp) | Ty::Newtype(_, Prim::Timestamp) => {
                quote!(::aws_smithy_types::DateTime::from_secs(0))
            }
            Ty::Prim(Prim::Blob) | Ty::Newtype(_, Prim::Blob) => {
                quote!(::aws_smithy_types::Blob::new(::std::vec::Vec::new()))
            }
            Ty::Document => quote!(::aws_smithy_types::Document::Null),
            Ty::Prim(_) | Ty::Newtype(..) | Ty::IntEnum | Ty::List { .. } | Ty::Map { .. } => {
                quote!(::std::default::Default::default())
            }
            Ty::Enum(_) => {
                let path = self.rust_type(target);
                quote!(#path::from(""))
            }
            Ty::Union(_) => {
                let path = self.rust_type(target);
                quote!(#path::Unknown)
            }
            Ty::Struct(_) => {
                let path = self.rust_type(target);
                let mut inits = Vec::new();
                for field in self.s.member_fields(target) {
                    let f = names::field(field.name);
                    let value = match self.held(self.module_of(target), field) {
                        Held::Optional => quote!(::std::option::Option::None),
                        Held::Defaulted => self.default_value(field),
                        Held::Required if field.boxed => {
                            let zero = self.zero_value(field.target);
                            quote!(::std::boxed::Box::new(#zero))
                        }
                        Held::Required => self.zero_value(field.target),
                    };
                    inits.push(quote!(#f: #value,));
                }
                if self.s.struct_place(target).0 == Module::Error {
                    inits.push(quote!(meta: ::std::default::Default::default(),));
                }
                quote!(#path { #(#inits)* })
            }
        }
    }

    /// A string enum that keeps values it does not know (`Unknown`), so that a newer server
    /// cannot break an older client.
    fn enumeration(&self, id: &'m str) -> TokenStream {
        let ident = format_ident!("{}", self.s.type_name(id));
        let shape_doc = doc_and_deprecation(&self.s.shape(id).docs);
        let values = &self.s.shape(id).enum_values;
        let EnumArms { variants, as_str, from_str, values: strs } = enum_arms(&ident, values, |variant| variant);
        let listed = values.iter().map(|v| format!("`{}`", v.value)).collect::<Vec<_>>().join(", ");
        let enum_doc = format!(
            " Values: {listed}. A value this crate does not know is kept as `Unknown`: match with a wildcard arm\n and read it with `as_str()`, so that new values do not break your code."
        );
        let debug_impl = value_debug(self.s, id, quote!(#ident));
        let str_impls = self.enum_str_impls(&ident);
        let debug = self.debug_derive(&debug_impl);
        quote! {
            #shape_doc
            #[doc = ""]
            #[doc = #enum_doc]
            #[non_exhaustive]
            #[derive(::std::clone::Clone, #debug ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::Ord, ::std::cmp::PartialEq, ::std::cmp::PartialOrd)]
            pub enum #ident {
                #(#variants)*
                /// A value this crate does not know.
                #[deprecated(note = "Don't match on `Unknown` directly: match with a wildcard arm and read `as_str()`.")]
                Unknown(crate::primitives::sealed_enum_unknown::UnknownVariantValue),
            }
            impl ::std::convert::From<&str> for #ident {
                fn from(value: &str) -> Self {
                    match value {
                        #(#from_str)*
                        other => #ident::Unknown(crate::primitives::sealed_enum_unknown::UnknownVariantValue(other.to_owned())),
                    }
                }
            }
            impl ::std::str::FromStr for #ident {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    ::std::result::Result::Ok(#ident::from(value))
                }
            }
            impl #ident {
                /// The value on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#as_str)*
                        #ident::Unknown(value) => value.as_str(),
                    }
                }
                /// Every value this crate knows.
                pub const fn values() -> &'static [&'static str] {
                    &[#(#strs),*]
                }
                /// The variant for a known value, or an error for any other.
                pub fn try_parse(value: &str) -> ::std::result::Result<Self, crate::error::UnknownVariantError> {
                    match Self::from(value) {
                        #[allow(deprecated)]
                        #ident::Unknown(_) => ::std::result::Result::Err(crate::error::UnknownVariantError::new(value)),
                        known => ::std::result::Result::Ok(known),
                    }
                }
            }
            #str_impls
            #debug_impl
        }
    }

    /// `Display`, `Error` and `ProvideErrorMetadata` of a modeled error structure.
    fn error_impls(&self, id: &'m str) -> TokenStream {
        let ident = self.struct_ident(id);
        let display = self.error_display(id, &ident);
        quote! {
            #display
            impl ::aws_smithy_types::error::metadata::ProvideErrorMetadata for #ident {
                fn meta(&self) -> &::aws_smithy_types::error::ErrorMetadata {
                    &self.meta
                }
            }
        }
    }

    /// `<Operation>Error`: the operation's modeled errors, and `Unhandled` for any other.
    pub(super) fn operation_error(&self, op: &crate::ir::Operation<'m>) -> TokenStream {
        let ident = format_ident!("{}Error", names::type_name(op.name));
        let docs = format!(" The errors of {}: its modeled errors, or `Unhandled` for any other.", op.name);
        let ErrorVariants { variants, displays, sources, checks } = self.error_variants(op, &quote!(Self));
        let mut metas = Vec::new();
        let mut kinds = Vec::new();
        for error in &op.errors {
            let variant = self.struct_ident(error);
            metas
                .push(quote!(Self::#variant(e) => ::aws_smithy_types::error::metadata::ProvideErrorMetadata::meta(e),));
            let info = self.s.error(error);
            if let Some(throttling) = info.retryable {
                let kind = if throttling {
                    quote!(ThrottlingError)
                } else if info.server_fault {
                    quote!(ServerError)
                } else {
                    quote!(ClientError)
                };
                kinds.push(quote!(Self::#variant(_) => ::std::option::Option::Some(::aws_smithy_types::retry::ErrorKind::#kind),));
            }
        }
        let retryable_kind = if kinds.is_empty() {
            quote!(::std::option::Option::None)
        } else {
            quote! {
                match self {
                    #(#kinds)*
                    _ => ::std::option::Option::None,
                }
            }
        };
        quote! {
            #[doc = #docs]
            #[non_exhaustive]
            #[derive(::std::fmt::Debug)]
            pub enum #ident {
                #(#variants)*
                /// An error the model does not describe for this operation, or one that could not be read.
                #[deprecated(note = "Matching `Unhandled` directly is not forwards compatible: match with a wildcard arm and read `.code()` (`ProvideErrorMetadata`).")]
                Unhandled(crate::error::sealed_unhandled::Unhandled),
            }
            impl #ident {
                /// An unhandled error from any error.
                pub fn unhandled(error: impl ::std::convert::Into<crate::error::BoxError>) -> Self {
                    Self::Unhandled(crate::error::sealed_unhandled::Unhandled { source: error.into(), meta: ::std::default::Default::default() })
                }
                /// An unhandled error from its metadata.
                pub fn generic(meta: ::aws_smithy_types::error::ErrorMetadata) -> Self {
                    Self::Unhandled(crate::error::sealed_unhandled::Unhandled { source: meta.clone().into(), meta })
                }
                /// The error's metadata (code, message, request id).
                pub fn meta(&self) -> &::aws_smithy_types::error::ErrorMetadata {
                    match self {
                        #(#metas)*
                        Self::Unhandled(e) => &e.meta,
                    }
                }
                #(#checks)*
            }
            impl ::std::error::Error for #ident {
                fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                    match self {
                        #(#sources)*
                        Self::Unhandled(e) => ::std::option::Option::Some(&*e.source),
                    }
                }
            }
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(#displays)*
                        Self::Unhandled(_) => match ::aws_smithy_types::error::metadata::ProvideErrorMetadata::code(self) {
                            ::std::option::Option::Some(code) => write!(f, "unhandled error ({code})"),
                            ::std::option::Option::None => f.write_str("unhandled error"),
                        },
                    }
                }
            }
            impl ::aws_smithy_types::error::metadata::ProvideErrorMetadata for #ident {
                fn meta(&self) -> &::aws_smithy_types::error::ErrorMetadata {
                    self.meta()
                }
            }
            impl ::aws_smithy_types::retry::ProvideErrorKind for #ident {
                fn code(&self) -> ::std::option::Option<&str> {
                    ::aws_smithy_types::error::metadata::ProvideErrorMetadata::code(self)
                }
                fn retryable_error_kind(&self) -> ::std::option::Option<::aws_smithy_types::retry::ErrorKind> {
                    #retryable_kind
                }
            }
            impl ::aws_smithy_runtime_api::client::result::CreateUnhandledError for #ident {
                fn create_unhandled_error(
                    source: ::std::boxed::Box<dyn ::std::error::Error + ::std::marker::Send + ::std::marker::Sync + 'static>,
                    meta: ::std::option::Option<::aws_smithy_types::error::ErrorMetadata>,
                ) -> Self {
                    Self::Unhandled(crate::error::sealed_unhandled::Unhandled { source, meta: meta.unwrap_or_default() })
                }
            }
        }
    }
}
