//! The Rust types of the model: what the server's and the client's type emitters share
//! (accessors, unions, the `Display` of modeled errors, the variants of operation error enums),
//! written once over the codec's [`Side`].
//!
//! What differs is the side's: the server validates, so its constrained shapes are newtypes and
//! its builders fail on violations (`server/shapes.rs`); the client is lenient, so it holds
//! members as smithy-rs's clients do, keeps enum values and union members it does not know as
//! `Unknown`, spells `std` paths in full and marks its types `#[non_exhaustive]`
//! (`client/shapes.rs`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::codec::Side;
use crate::ir::{DefaultValue, Field, Module, Node, Operation, Prim, Ty, UNIT};
use crate::names;
use crate::render::{doc, doc_and_deprecation};
use crate::rust_types::{REDACTED, default_literal, redacted_value_debug, variant_ident};

/// An operation's errors in its error enum: the variants, and their arms in `Display::fmt` and
/// `Error::source`, and their `is_<variant>()` checks.
pub(crate) struct ErrorVariants {
    pub variants: Vec<TokenStream>,
    pub displays: Vec<TokenStream>,
    pub sources: Vec<TokenStream>,
    pub checks: Vec<TokenStream>,
}

/// The type emitter, for every [`Side`].
pub(crate) trait Types<'m>: Side<'m> {
    /// The shapes of `model.rs` (server) or `types.rs` (client): those read, then those only
    /// written.
    fn shared_shapes(&self) -> Vec<&'m str> {
        let s = self.service();
        s.read.iter().chain(s.written.iter().filter(|id| !s.read.contains(*id))).map(|id| self.id(id)).collect()
    }

    /// The input or output structure of an operation: its shape id and Rust name.
    fn op_struct(&self, op: &Operation<'m>, module: Module) -> (&'m str, Ident) {
        let (id, suffix) = if module == Module::Input { (op.input, "Input") } else { (op.output, "Output") };
        (id, format_ident!("{}{suffix}", names::type_name(op.name)))
    }

    /// `Debug,` to derive, or nothing when `debug_impl` writes `Debug` by hand.
    fn debug_derive(&self, debug_impl: &Option<TokenStream>) -> TokenStream {
        match debug_impl {
            Some(_) => TokenStream::new(),
            None if self.validates() => quote!(Debug,),
            None => quote!(::std::fmt::Debug,),
        }
    }

    /// Whether a shape is a `String` on this side (the client holds constrained strings as such).
    fn is_string(&self, ty: Ty<'m>) -> bool {
        matches!(ty, Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String)) && !self.is_newtype(ty)
    }

    /// The accessor of a member of a structure in `module`: strings as `&str`, lists as slices,
    /// `Copy` values by value, others by reference. A list held as an `Option` is an empty slice
    /// when absent on the client, an `Option` of a slice on the server.
    fn accessor(&self, module: Module, field: &Field<'m>, f: &Ident, field_doc: &TokenStream) -> TokenStream {
        let s = self.service();
        let ty = s.ty(field.target);
        let rust = self.rust_type(field.target);
        let set = !self.is_optional(module, field);
        if s.event_stream(field.target).is_some() {
            let stream = self.member_type(field);
            return if set {
                quote!(#field_doc pub fn #f(&self) -> &#stream { &self.#f })
            } else {
                quote!(#field_doc pub fn #f(&self) -> ::std::option::Option<&#stream> { self.#f.as_ref() })
            };
        }
        let copy = match ty {
            Ty::Prim(p) | Ty::Newtype(_, p) if !self.is_newtype(ty) => p.is_copy(),
            Ty::IntEnum => true,
            _ => false,
        };
        match ty {
            _ if self.is_string(ty) && set => quote!(#field_doc pub fn #f(&self) -> &str { &self.#f }),
            _ if self.is_string(ty) => {
                quote!(#field_doc pub fn #f(&self) -> ::std::option::Option<&str> { self.#f.as_deref() })
            }
            _ if copy && set => quote!(#field_doc pub fn #f(&self) -> #rust { self.#f }),
            _ if copy => quote!(#field_doc pub fn #f(&self) -> ::std::option::Option<#rust> { self.#f }),
            Ty::List { member, sparse, .. } if !self.is_newtype(ty) => {
                let item = self.item_type(member, sparse);
                if set {
                    quote!(#field_doc pub fn #f(&self) -> &[#item] { &self.#f })
                } else if self.validates() {
                    quote!(#field_doc pub fn #f(&self) -> ::std::option::Option<&[#item]> { self.#f.as_deref() })
                } else {
                    let note = format!(
                        " If no value was sent, this is an empty slice; `.{}.is_none()` tells whether one was.",
                        f.to_string().trim_start_matches("r#")
                    );
                    quote! {
                        #field_doc
                        #[doc = ""]
                        #[doc = #note]
                        pub fn #f(&self) -> &[#item] { self.#f.as_deref().unwrap_or_default() }
                    }
                }
            }
            _ if set => quote!(#field_doc pub fn #f(&self) -> &#rust { &self.#f }),
            _ if field.boxed => {
                quote!(#field_doc pub fn #f(&self) -> ::std::option::Option<&#rust> { self.#f.as_deref() })
            }
            _ => quote!(#field_doc pub fn #f(&self) -> ::std::option::Option<&#rust> { self.#f.as_ref() }),
        }
    }

    /// A union: one variant per member, `as_x` / `is_x` accessors, and on the client an `Unknown`
    /// variant for members this crate does not know.
    fn union(&self, id: &'m str) -> TokenStream {
        let ident = format_ident!("{}", self.type_name(id));
        let shape_doc = doc_and_deprecation(&self.service().shape(id).docs);
        let fields = self.service().member_fields(id);
        let mut variants = Vec::new();
        let mut methods = Vec::new();
        // Without an `Unknown` variant a union of one member makes `as_x`'s `if let` irrefutable,
        // which is allowed.
        let irrefutable = self.validates().then(|| quote!(#[allow(irrefutable_let_patterns)]));
        for field in fields {
            let variant = variant_ident(field.name);
            let field_doc = doc_and_deprecation(&field.docs);
            let snake = names::snake(field.name);
            let is = format_ident!("is_{snake}");
            let is_doc = format!(" Whether this is the `{}` member.", field.name);
            if field.target == UNIT {
                variants.push(quote!(#field_doc #variant,));
                methods.push(quote!(#[doc = #is_doc] pub fn #is(&self) -> bool { matches!(self, #ident::#variant) }));
                continue;
            }
            let ty = self.member_type(field);
            let as_ = format_ident!("as_{snake}");
            let as_doc = format!(" The `{}` member's value, or `self` if another member is set.", field.name);
            variants.push(quote!(#field_doc #variant(#ty),));
            methods.push(quote! {
                #[doc = #as_doc]
                #irrefutable
                pub fn #as_(&self) -> ::std::result::Result<&#ty, &Self> {
                    if let #ident::#variant(value) = self { ::std::result::Result::Ok(value) } else { ::std::result::Result::Err(self) }
                }
                #[doc = #is_doc]
                pub fn #is(&self) -> bool {
                    self.#as_().is_ok()
                }
            });
        }
        let debug_impl = self.union_debug(id, &ident, fields);
        let debug = self.debug_derive(&debug_impl);
        let attrs = if self.validates() {
            quote!(#[derive(#debug Clone, PartialEq)])
        } else {
            variants.push(quote! {
                /// A member this crate does not know (sent by a newer server). It cannot be sent.
                #[non_exhaustive]
                Unknown,
            });
            methods.push(quote! {
                /// Whether the member is one this crate does not know.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, #ident::Unknown)
                }
            });
            quote!(#[non_exhaustive] #[derive(::std::clone::Clone, #debug ::std::cmp::PartialEq)])
        };
        quote! {
            #shape_doc
            #attrs
            pub enum #ident { #(#variants)* }
            impl #ident { #(#methods)* }
            #debug_impl
        }
    }

    /// `Debug` for the union `id` (Rust `ident`) when it or a member is `@sensitive`: each
    /// variant's name, with its value or [`REDACTED`] (the whole value for a `@sensitive` union);
    /// `None` when `Debug` can be derived.
    fn union_debug(&self, id: &str, ident: &Ident, fields: &[Field<'m>]) -> Option<TokenStream> {
        let s = self.service();
        if s.is_sensitive(id) {
            return Some(redacted_value_debug(quote!(#ident)));
        }
        if !fields.iter().any(|f| f.redacted) {
            return None;
        }
        let arms = fields.iter().map(|field| {
            let variant = variant_ident(field.name);
            let name = variant.to_string();
            if field.target == UNIT {
                quote!(#ident::#variant => f.write_str(#name),)
            } else if field.redacted {
                quote!(#ident::#variant(_) => f.debug_tuple(#name).field(&#REDACTED).finish(),)
            } else {
                quote!(#ident::#variant(value) => f.debug_tuple(#name).field(value).finish(),)
            }
        });
        let unknown = (!self.validates()).then(|| quote!(#ident::Unknown => f.write_str("Unknown"),));
        Some(quote! {
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(#arms)*
                        #unknown
                    }
                }
            }
        })
    }

    /// `Display` and `Error` of the modeled error `id` (Rust `ident`): its name on the wire, then
    /// its message if it has one (redacted if `@sensitive`).
    fn error_display(&self, id: &'m str, ident: &Ident) -> TokenStream {
        let s = self.service();
        let wire_name = crate::names::shape_name(id);
        let message = s.fields(id).iter().find(|f| f.name.eq_ignore_ascii_case("message"));
        let message = match message {
            Some(field) if field.redacted => quote!(write!(f, ": {}", #REDACTED)?;),
            Some(field) if self.is_string(s.ty(field.target)) => {
                let f = names::field(field.name);
                if self.is_optional(Module::Error, field) {
                    quote!(if let ::std::option::Option::Some(message) = &self.#f { write!(f, ": {}", message)?; })
                } else {
                    quote!(write!(f, ": {}", self.#f)?;)
                }
            }
            _ => TokenStream::new(),
        };
        quote! {
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(#wire_name)?;
                    #message
                    ::std::result::Result::Ok(())
                }
            }
            impl ::std::error::Error for #ident {}
        }
    }

    /// A builder's `build()`: the structure `path` of the builder's `fields` (`name: value,`),
    /// in a `Result` that fails with `error` when a required member is missing, if it can.
    fn build_fn(&self, path: &TokenStream, fields: &[TokenStream], error: Option<TokenStream>) -> TokenStream {
        match error {
            None => quote! {
                /// Builds the structure.
                pub fn build(self) -> #path {
                    #path { #(#fields)* }
                }
            },
            Some(error) => quote! {
                /// Builds the structure, or says which required member is missing.
                pub fn build(self) -> ::std::result::Result<#path, #error> {
                    ::std::result::Result::Ok(#path { #(#fields)* })
                }
            },
        }
    }

    /// `option` (an `Option` of a member's type) with the member's `@default` for `None`.
    fn or_default(&self, option: TokenStream, field: &Field<'m>) -> TokenStream {
        let s = self.service();
        let ty = s.ty(field.target);
        let default = self.default_value(field);
        match ty {
            _ if s.is_streaming(field.target) => quote!(#option.unwrap_or_default()),
            Ty::List { .. } | Ty::Map { .. } if !self.is_newtype(ty) => quote!(#option.unwrap_or_default()),
            Ty::Prim(p) | Ty::Newtype(_, p) if p.is_copy() => quote!(#option.unwrap_or(#default)),
            Ty::IntEnum | Ty::Enum(_) => quote!(#option.unwrap_or(#default)),
            // A document that is a boolean, a number or null is built without allocating.
            Ty::Document
                if matches!(
                    field.default,
                    Some(DefaultValue::Document(Node::Null | Node::Bool(_) | Node::Number(_)))
                ) =>
            {
                quote!(#option.unwrap_or(#default))
            }
            _ => quote!(#option.unwrap_or_else(|| #default)),
        }
    }

    /// A member's `@default` value as this side holds it (`Default::default()` without one).
    fn default_value(&self, field: &Field<'m>) -> TokenStream {
        let (s, target) = (self.service(), field.target);
        let default = field.default.unwrap_or(DefaultValue::Empty);
        let ty = s.ty(target);
        let value = match default {
            DefaultValue::Enum(value) => {
                let path = self.rust_type(target);
                let variant =
                    s.shape(target).enum_values.iter().find(|v| v.value == value).map(|v| variant_ident(v.name));
                return quote!(#path::#variant);
            }
            _ => default_literal(default, s.is_streaming(target)),
        };
        // A constrained shape's default goes in its newtype (Smithy checks that it satisfies the
        // constraints).
        if self.is_newtype(ty) {
            let path = self.rust_type(target);
            quote!(#path(#value))
        } else {
            value
        }
    }

    /// `AsRef<str>` and `Display` of an enum, through its `as_str()`.
    fn enum_str_impls(&self, ident: &Ident) -> TokenStream {
        quote! {
            impl ::std::convert::AsRef<str> for #ident {
                fn as_ref(&self) -> &str {
                    self.as_str()
                }
            }
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    }

    /// The variants of `op`'s error enum, one per modeled error, and their arms; `this` names
    /// the enum in its own impls (`Self`, or its name).
    fn error_variants(&self, op: &Operation<'m>, this: &TokenStream) -> ErrorVariants {
        let mut v =
            ErrorVariants { variants: Vec::new(), displays: Vec::new(), sources: Vec::new(), checks: Vec::new() };
        for error in &op.errors {
            let variant = format_ident!("{}", self.type_name(error));
            let path = self.named_type(error);
            let error_doc = doc(self.service().shape(error).docs.doc);
            v.variants.push(quote!(#error_doc #variant(#path),));
            v.displays.push(quote!(#this::#variant(e) => e.fmt(f),));
            v.sources.push(quote!(#this::#variant(e) => ::std::option::Option::Some(e),));
            let is = format_ident!("is_{}", names::snake(&variant.to_string()));
            let is_doc = format!(" Whether this is a `{variant}`.");
            v.checks.push(quote!(#[doc = #is_doc] pub fn #is(&self) -> bool { matches!(self, #this::#variant(_)) }));
        }
        v
    }
}

impl<'m, T: Side<'m> + ?Sized> Types<'m> for T {}
