//! Rust spellings that every emitter shares: scalar types, enum variants and their wire values,
//! literals of defaults, blobs and documents, and `Debug` impls that redact `@sensitive` values.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{EnumValue, Node, Prim};
use crate::names;

/// The Rust type of a scalar.
pub fn prim_type(prim: Prim) -> TokenStream {
    match prim {
        Prim::String => quote!(::std::string::String),
        Prim::Bool => quote!(bool),
        Prim::Byte => quote!(i8),
        Prim::Short => quote!(i16),
        Prim::Int => quote!(i32),
        Prim::Long => quote!(i64),
        Prim::Float => quote!(f32),
        Prim::Double => quote!(f64),
        Prim::Timestamp => quote!(::aws_smithy_types::DateTime),
        Prim::Blob => quote!(::aws_smithy_types::Blob),
    }
}

/// An enum variant or union member in UpperCamelCase (`APPROVED` -> `Approved`).
pub fn variant_ident(name: &str) -> Ident {
    let name = names::type_name(name);
    let name =
        if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() { format!("V{name}") } else { name };
    format_ident!("{name}")
}

/// A `Blob` of the bytes a model writes in base64 (a `@default`), or `None` if it is not base64.
pub fn blob_literal(base64: &str) -> Option<TokenStream> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(base64).ok()?;
    let bytes = Literal::byte_string(&bytes);
    Some(quote!(::aws_smithy_types::Blob::new(#bytes.to_vec())))
}

/// A `Document` literal of a JSON value (a `@default` or a protocol test's `params`).
pub fn document_literal(value: &Node) -> TokenStream {
    let document = quote!(::aws_smithy_types::Document);
    let number = quote!(::aws_smithy_types::Number);
    match value {
        Node::Null => quote!(#document::Null),
        Node::Bool(b) => quote!(#document::Bool(#b)),
        Node::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => quote!(#document::Number(#number::PosInt(#u))),
            (None, Some(i), _) => quote!(#document::Number(#number::NegInt(#i))),
            (_, _, f) => {
                let f = Literal::f64_unsuffixed(f.unwrap_or_default());
                quote!(#document::Number(#number::Float(#f)))
            }
        },
        Node::String(s) => quote!(#document::String(::std::string::String::from(#s))),
        Node::Array(items) => {
            let items = items.iter().map(document_literal);
            quote!(#document::Array(::std::vec![#(#items),*]))
        }
        Node::Object(entries) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = document_literal(v);
                quote!((::std::string::String::from(#k), #v))
            });
            quote!(#document::Object(::std::collections::HashMap::from([#(#entries),*])))
        }
    }
}

/// The pieces of a Rust enum for a Smithy enum's values.
pub struct EnumArms {
    /// `/// doc` `Variant,` for each value.
    pub variants: Vec<TokenStream>,
    /// `Name::Variant => "value",` for `as_str`.
    pub as_str: Vec<TokenStream>,
    /// `"value" => <parsed Name::Variant>,` for parsing.
    pub from_str: Vec<TokenStream>,
    /// The values on the wire.
    pub values: Vec<String>,
}

/// The enum `ident`'s arms; `parsed` wraps `Name::Variant` as the parsing match returns it.
pub fn enum_arms(ident: &Ident, values: &[EnumValue<'_>], parsed: impl Fn(TokenStream) -> TokenStream) -> EnumArms {
    let variants = values
        .iter()
        .map(|v| {
            let d = crate::render::doc_and_deprecation(&v.docs);
            let variant = variant_ident(v.name);
            quote!(#d #variant,)
        })
        .collect();
    let as_str = values
        .iter()
        .map(|v| {
            let (variant, value) = (variant_ident(v.name), v.value);
            quote!(#ident::#variant => #value,)
        })
        .collect();
    let from_str = values
        .iter()
        .map(|v| {
            let (variant, value) = (variant_ident(v.name), v.value);
            let parsed = parsed(quote!(#ident::#variant));
            quote!(#value => #parsed,)
        })
        .collect();
    EnumArms { variants, as_str, from_str, values: values.iter().map(|v| v.value.to_owned()).collect() }
}

/// What `Debug` prints for a `@sensitive` value, as smithy-rs does.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// `Debug` for a structure or its builder, `ty` (named `name` in the output), when a member is
/// `@sensitive`: each member's value, or [`REDACTED`]; `None` when `Debug` can be derived.
pub fn struct_debug(
    fields: &[crate::ir::Field<'_>],
    ty: TokenStream,
    name: &str,
    extra: &[&str],
) -> Option<TokenStream> {
    if !fields.iter().any(|f| f.redacted) {
        return None;
    }
    // Fields the structure has besides its members (a client error's `meta`).
    let extra = extra.iter().map(|field| {
        let ident = names::ident(field);
        quote!(formatter.field(#field, &self.#ident);)
    });
    let fields = fields.iter().map(|field| {
        let snake = names::snake(field.name);
        let ident = names::field(field.name);
        if field.redacted {
            quote!(formatter.field(#snake, &#REDACTED);)
        } else {
            quote!(formatter.field(#snake, &self.#ident);)
        }
    });
    Some(quote! {
        impl ::std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut formatter = f.debug_struct(#name);
                #(#fields)*
                #(#extra)*
                formatter.finish()
            }
        }
    })
}

/// `Debug` for an enum or newtype of shape `id` if it is `@sensitive` (its value is never
/// printed); `None` when `Debug` can be derived.
pub fn value_debug(s: &crate::ir::Service<'_>, id: &str, ty: TokenStream) -> Option<TokenStream> {
    s.is_sensitive(id).then(|| redacted_value_debug(ty))
}

/// `Debug` that never prints the value.
pub(crate) fn redacted_value_debug(ty: TokenStream) -> TokenStream {
    quote! {
        impl ::std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#REDACTED)
            }
        }
    }
}

/// A `@default` as a Rust value of the member's plain type (a `ByteStream` for a `stream`);
/// enums are each side's to spell.
pub fn default_literal(default: crate::ir::DefaultValue<'_>, stream: bool) -> TokenStream {
    use crate::ir::DefaultValue;
    match default {
        DefaultValue::String(s) => quote!(::std::string::String::from(#s)),
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Integer(i) => {
            let literal = Literal::i64_unsuffixed(i);
            quote!(#literal)
        }
        DefaultValue::Float(f) => {
            let literal = Literal::f64_unsuffixed(f);
            quote!(#literal)
        }
        DefaultValue::Timestamp(secs) => {
            let secs = Literal::f64_unsuffixed(secs);
            quote!(::aws_smithy_types::DateTime::from_secs_f64(#secs))
        }
        DefaultValue::Blob(_) if stream => quote!(::aws_smithy_types::byte_stream::ByteStream::default()),
        DefaultValue::Blob(base64) => {
            blob_literal(base64).unwrap_or_else(|| quote!(::aws_smithy_types::Blob::new(::std::vec::Vec::new())))
        }
        DefaultValue::Enum(s) => quote!(::std::string::String::from(#s)),
        DefaultValue::Empty => quote!(::std::default::Default::default()),
        DefaultValue::Document(value) => document_literal(value),
    }
}
