//! The JSON wire format of shapes, one codec for the server and the client: the statements that
//! write a value with `aws_smithy_json`'s writers, the expressions that read one from JSON tokens
//! (`templates/json.rs`), and one `ser_<shape>` / `de_<shape>` function per list, map, structure
//! and union. What differs between the sides sits behind [`Side`]:
//!
//! - a server *validates*: constrained shapes are newtypes checked as they are read, with the
//!   member's path for the violation message; `null` in a dense list or map and an unknown union
//!   member are refused; nesting is capped;
//! - a client is lenient, as smithy-rs's clients are: constraints are the server's business,
//!   `null`s in dense collections are left out, and unknown enum values and union members are
//!   kept (`Unknown`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::Error;
use crate::model::{Field, Module, Prim, Service, Ty, UNIT};
use crate::rust_types::{ser_or_null, variant_ident};
use crate::smithy::{Member, TimestampFormat};
use crate::{names, smithy};

/// What the JSON codec needs from a side's emitter.
pub(crate) trait Side<'m> {
    fn service(&self) -> &Service<'m>;
    /// The Rust type of a shape as this side holds it.
    fn rust_type(&self, id: &'m str) -> Result<TokenStream, Error>;
    /// `<prefix>_<shape>`: the name of a shape's function in `protocol_serde`.
    fn fn_name(&self, prefix: &str, id: &str) -> Ident;
    /// Whether values are checked against the model as they are read (the server).
    fn validates(&self) -> bool;
    /// Whether a member of a structure in `module` is held as an `Option`.
    fn is_optional(&self, module: Module, field: &Field<'m>) -> bool;
    /// A structure member's value out of `var`, the `Option` read: checked and defaulted
    /// (server, where `path` is the structure's) or corrected (client).
    fn member_value(
        &self,
        id: &'m str,
        module: Module,
        field: &Field<'m>,
        var: &Ident,
        path: TokenStream,
    ) -> Result<TokenStream, Error>;

    /// The type of a list's items or a map's values: `Option`s in a `@sparse` collection.
    fn item_type(&self, member: &'m Member, sparse: bool) -> Result<TokenStream, Error> {
        let item = self.rust_type(&member.target)?;
        Ok(if sparse { quote!(::std::option::Option<#item>) } else { item })
    }

    /// Whether a constrained shape is a newtype on this side.
    fn is_newtype(&self, ty: Ty<'m>) -> bool {
        self.validates()
            && matches!(ty, Ty::Newtype(..) | Ty::List { newtype: true, .. } | Ty::Map { newtype: true, .. })
    }

    // --- Writing ---------------------------------------------------------------------------

    /// Statements writing `value: &T` (of shape `target`) with the `JsonValueWriter` `writer`.
    fn ser_value(
        &self,
        target: &'m str,
        format: TimestampFormat,
        writer: TokenStream,
        value: TokenStream,
    ) -> Result<TokenStream, Error> {
        let ty = self.service().ty(target)?;
        Ok(match ty {
            Ty::Newtype(_, prim) if self.is_newtype(ty) => ser_prim(prim, format, writer, Val::place(quote!(#value.0))),
            Ty::Prim(prim) | Ty::Newtype(_, prim) => ser_prim(prim, format, writer, Val::reference(value)),
            Ty::IntEnum => ser_prim(Prim::Int, format, writer, Val::reference(value)),
            Ty::Enum(_) => quote!(#writer.string(#value.as_str());),
            Ty::Document => quote!(#writer.document(#value);),
            _ => {
                let f = self.fn_name("ser", target);
                quote!(#f(#writer, #value)?;)
            }
        })
    }

    /// Statements writing the members `fields` of a structure in `module` (`value`) into the
    /// `JsonObjectWriter` `object`.
    fn ser_members<'f>(
        &self,
        module: Module,
        fields: impl IntoIterator<Item = &'f Field<'m>>,
        value: TokenStream,
    ) -> Result<TokenStream, Error>
    where
        'm: 'f,
    {
        let mut stmts = Vec::new();
        for field in fields {
            let f = names::field(field.name);
            let json = field.json;
            let write =
                self.ser_value(&field.member.target, field.timestamp_format, quote!(object.key(#json)), quote!(v))?;
            stmts.push(if self.is_optional(module, field) {
                quote! {
                    if let ::std::option::Option::Some(v) = &#value.#f {
                        #write
                    }
                }
            } else {
                quote! {{ let v = &#value.#f; #write }}
            });
        }
        Ok(quote!(#(#stmts)*))
    }

    /// `ser_<shape>(writer, value) -> Result<(), String>` for a list, map, structure or union.
    fn shape_serializer(&self, id: &'m str) -> Result<Option<TokenStream>, Error> {
        if id == UNIT {
            return Ok(None);
        }
        let s = self.service();
        let f = self.fn_name("ser", id);
        let ty = s.ty(id)?;
        let inner = if self.is_newtype(ty) { quote!(value.0) } else { quote!(value) };
        let (param, body) = match ty {
            Ty::Prim(_) | Ty::IntEnum | Ty::Newtype(..) | Ty::Enum(_) | Ty::Document => return Ok(None),
            Ty::List { member, sparse, .. } => {
                let item_ty = self.item_type(member, sparse)?;
                let param = if self.is_newtype(ty) { self.rust_type(id)? } else { quote!([#item_ty]) };
                let write =
                    self.ser_value(&member.target, body_format(s, member), quote!(array.value()), quote!(item))?;
                let write = if sparse { ser_or_null(write, quote!(array.value())) } else { write };
                (
                    param,
                    quote! {
                        let mut array = writer.start_array();
                        for item in #inner.iter() {
                            #write
                        }
                        array.finish();
                    },
                )
            }
            Ty::Map { value: v, sparse, .. } => {
                let write =
                    self.ser_value(&v.target, body_format(s, v), quote!(object.key(key.as_str())), quote!(item))?;
                let write = if sparse { ser_or_null(write, quote!(object.key(key.as_str()))) } else { write };
                (
                    self.rust_type(id)?,
                    quote! {
                        let mut object = writer.start_object();
                        for (key, item) in #inner.iter() {
                            #write
                        }
                        object.finish();
                    },
                )
            }
            Ty::Struct(_) => {
                let module = s.struct_place(id).0;
                let writes = self.ser_members(module, &s.member_fields(id)?, quote!(value))?;
                (
                    self.rust_type(id)?,
                    quote! {
                        let mut object = writer.start_object();
                        #writes
                        object.finish();
                    },
                )
            }
            Ty::Union(_) => {
                let rust = self.rust_type(id)?;
                let mut arms = Vec::new();
                for field in s.member_fields(id)? {
                    let variant = variant_ident(field.name);
                    let json = field.json;
                    if field.member.target == UNIT {
                        arms.push(quote!(#rust::#variant => object.key(#json).start_object().finish(),));
                        continue;
                    }
                    let write = self.ser_value(
                        &field.member.target,
                        field.timestamp_format,
                        quote!(object.key(#json)),
                        quote!(v),
                    )?;
                    arms.push(quote!(#rust::#variant(v) => { #write }));
                }
                if !self.validates() {
                    let unknown = format!("the Unknown variant of {} cannot be sent", s.struct_place(id).1);
                    arms.push(quote!(#rust::Unknown => return ::std::result::Result::Err(#unknown.into()),));
                }
                (
                    rust,
                    quote! {
                        let mut object = writer.start_object();
                        match value { #(#arms)* }
                        object.finish();
                    },
                )
            }
        };
        Ok(Some(quote! {
            pub(crate) fn #f(writer: ::aws_smithy_json::serialize::JsonValueWriter<'_>, value: &#param) -> ::std::result::Result<(), ::std::string::String> {
                #body
                ::std::result::Result::Ok(())
            }
        }))
    }

    // --- Reading ---------------------------------------------------------------------------

    /// The error of reading: the server's `RequestRejection` (a violation, or JSON that cannot
    /// be read), the client's `DeserializeError`.
    fn de_error(&self) -> TokenStream {
        if self.validates() {
            quote!(RequestRejection)
        } else {
            quote!(::aws_smithy_json::deserialize::error::DeserializeError)
        }
    }

    /// A JSON value of shape `target` read from `tokens`: an expression of type
    /// `Result<Option<T>, E>` (`E` converts into [`Self::de_error`]). `path` is where the value
    /// sits in the input, for violation messages (server only).
    fn de_target(&self, target: &'m str, format: TimestampFormat, path: TokenStream) -> Result<TokenStream, Error> {
        let ty = self.service().ty(target)?;
        Ok(match ty {
            Ty::Prim(prim) => self.de_prim(prim, format),
            Ty::Newtype(_, prim) if !self.is_newtype(ty) => self.de_prim(prim, format),
            Ty::IntEnum => quote!(json::de_integer::<i32>(tokens)),
            Ty::Document => quote!(json::de_document(tokens)),
            Ty::Enum(_) if !self.validates() => {
                let rust = self.rust_type(target)?;
                quote!(json::de_string(tokens).map(|v| v.map(|v| #rust::from(v.as_str()))))
            }
            _ => {
                let f = self.fn_name("de", target);
                if self.validates() { quote!(#f(tokens, #path)) } else { quote!(#f(tokens)) }
            }
        })
    }

    fn de_prim(&self, prim: Prim, format: TimestampFormat) -> TokenStream {
        match prim {
            Prim::String => quote!(json::de_string(tokens)),
            Prim::Bool => quote!(json::de_bool(tokens)),
            Prim::Byte => quote!(json::de_integer::<i8>(tokens)),
            Prim::Short => quote!(json::de_integer::<i16>(tokens)),
            Prim::Int => quote!(json::de_integer::<i32>(tokens)),
            Prim::Long => quote!(json::de_integer::<i64>(tokens)),
            Prim::Float => quote!(json::de_float(tokens).map(|v| v.map(|v| v as f32))),
            Prim::Double => quote!(json::de_float(tokens)),
            Prim::Timestamp => {
                // A client accepts date-times with a UTC offset, though it sends only `Z`.
                let format = match format {
                    TimestampFormat::DateTime if !self.validates() => {
                        quote!(::aws_smithy_types::date_time::Format::DateTimeWithOffset)
                    }
                    format => format_tokens(format),
                };
                quote!(json::de_timestamp(tokens, #format))
            }
            Prim::Blob => quote!(json::de_blob(tokens)),
        }
    }

    /// `Ok(Some(#value))` after a constraint check of `value` as shape `ty` at `path` when the
    /// side validates and the shape is a newtype.
    fn constrained(&self, ty: Ty<'m>, id: &'m str, value: TokenStream) -> Result<TokenStream, Error> {
        Ok(if self.is_newtype(ty) {
            let rust = self.rust_type(id)?;
            quote!(#rust::try_from(#value).map_err(|e| e.into_violation(path))?)
        } else {
            value
        })
    }

    /// `de_<shape>(tokens[, path]) -> Result<Option<T>, E>` for a shape that is read by a
    /// function of its own: lists, maps, structures, unions and, on a validating side,
    /// constrained scalars and enums.
    fn shape_deserializer(&self, id: &'m str) -> Result<Option<TokenStream>, Error> {
        if id == UNIT {
            return Ok(None);
        }
        let s = self.service();
        let validates = self.validates();
        let ty = s.ty(id)?;
        let rust = self.rust_type(id)?;
        let f = self.fn_name("de", id);
        let custom = |message: &str| {
            if validates {
                quote!(support::serialization(#message))
            } else {
                quote!(::aws_smithy_json::deserialize::error::DeserializeError::custom(#message))
            }
        };
        // Nesting is capped on the side that reads untrusted input.
        let descend = validates.then(|| quote!(path.descend()?;));
        let body = match ty {
            Ty::Prim(_) | Ty::IntEnum | Ty::Document => return Ok(None),
            Ty::Newtype(_, prim) if validates => {
                let de = self.de_prim(prim, TimestampFormat::EpochSeconds);
                let value = self.constrained(ty, id, quote!(value))?;
                quote! {
                    ::std::result::Result::Ok(match #de? {
                        ::std::option::Option::Some(value) => ::std::option::Option::Some(#value),
                        ::std::option::Option::None => ::std::option::Option::None,
                    })
                }
            }
            Ty::Enum(_) if validates => quote! {
                ::std::result::Result::Ok(match json::de_string(tokens)? {
                    ::std::option::Option::Some(value) => ::std::option::Option::Some(
                        #rust::try_from(value.as_str()).map_err(|e| e.into_violation(path))?,
                    ),
                    ::std::option::Option::None => ::std::option::Option::None,
                })
            },
            Ty::Newtype(..) | Ty::Enum(_) => return Ok(None),
            Ty::List { member, sparse, .. } => {
                let item = self.de_target(&member.target, body_format(s, member), quote!(&path.index(items.len())))?;
                let push = if sparse {
                    quote!(items.push(#item?);)
                } else if validates {
                    let null = custom("null is not allowed in a list");
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
                let items = self.constrained(ty, id, quote!(items))?;
                quote! {
                    #descend
                    if !json::start_array(tokens)? {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    }
                    let mut items = ::std::vec::Vec::new();
                    while json::array_continues(tokens)? {
                        #push
                    }
                    ::std::result::Result::Ok(::std::option::Option::Some(#items))
                }
            }
            Ty::Map { key, value, sparse, .. } => {
                let item = self.de_target(&value.target, body_format(s, value), quote!(&path.key(&key)))?;
                let key_ty = s.ty(&key.target)?;
                let key_value = match key_ty {
                    Ty::Enum(_) if validates => {
                        let k = self.rust_type(&key.target)?;
                        quote!(#k::try_from(key.as_ref()).map_err(|e| e.into_violation(path))?)
                    }
                    Ty::Enum(_) => {
                        let k = self.rust_type(&key.target)?;
                        quote!(#k::from(key.as_ref()))
                    }
                    _ => self.constrained(key_ty, &key.target, quote!(key.into_owned()))?,
                };
                let insert = if sparse {
                    quote! {
                        let value = #item?;
                        map.insert(#key_value, value);
                    }
                } else if validates {
                    let null = custom("null is not allowed as a map value");
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
                let map = self.constrained(ty, id, quote!(map))?;
                quote! {
                    #descend
                    if !json::start_object(tokens)? {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    }
                    let mut map = ::std::collections::HashMap::new();
                    while let ::std::option::Option::Some(key) = json::next_key(tokens)? {
                        #insert
                    }
                    ::std::result::Result::Ok(::std::option::Option::Some(#map))
                }
            }
            Ty::Struct(_) => {
                let module = s.struct_place(id).0;
                let mut decls = Vec::new();
                let mut arms = Vec::new();
                let mut inits = Vec::new();
                for field in &s.member_fields(id)? {
                    let var = quote::format_ident!("m_{}", names::snake(field.name));
                    let m = names::field(field.name);
                    let (json, name) = (field.json, field.name);
                    let de =
                        self.de_target(&field.member.target, field.timestamp_format, quote!(&path.member(#name)))?;
                    decls.push(quote!(let mut #var = ::std::option::Option::None;));
                    arms.push(if s.is_boxed(field) {
                        quote!(#json => #var = #de?.map(::std::boxed::Box::new),)
                    } else {
                        quote!(#json => #var = #de?,)
                    });
                    let value = self.member_value(id, module, field, &var, quote!(path))?;
                    inits.push(quote!(#m: #value,));
                }
                quote! {
                    #descend
                    if !json::start_object(tokens)? {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    }
                    #(#decls)*
                    while let ::std::option::Option::Some(key) = json::next_key(tokens)? {
                        match key.as_ref() {
                            #(#arms)*
                            _ => json::skip_value(tokens)?,
                        }
                    }
                    ::std::result::Result::Ok(::std::option::Option::Some(#rust { #(#inits)* }))
                }
            }
            Ty::Union(_) => {
                let mut arms = Vec::new();
                for field in s.member_fields(id)? {
                    let variant = variant_ident(field.name);
                    let (json, name) = (field.json, field.name);
                    if field.member.target == UNIT {
                        arms.push(quote!(#json => { json::skip_value(tokens)?; #rust::#variant }));
                        continue;
                    }
                    let de =
                        self.de_target(&field.member.target, field.timestamp_format, quote!(&path.member(#name)))?;
                    let value = if s.is_boxed(&field) { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
                    arms.push(quote! {
                        #json => match #de? {
                            ::std::option::Option::Some(value) => #rust::#variant(#value),
                            ::std::option::Option::None => continue,
                        },
                    });
                }
                if validates {
                    let unknown = custom("unknown union member");
                    arms.push(quote!(_ => return ::std::result::Result::Err(#unknown),));
                } else {
                    arms.push(quote! {
                        "__type" => {
                            json::skip_value(tokens)?;
                            continue;
                        }
                        // A member this crate does not know, from a newer server.
                        _ => {
                            json::skip_value(tokens)?;
                            #rust::Unknown
                        }
                    });
                }
                let one = custom("a union must have exactly one member set");
                quote! {
                    #descend
                    if !json::start_object(tokens)? {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    }
                    let mut variant = ::std::option::Option::None;
                    while let ::std::option::Option::Some(key) = json::next_key(tokens)? {
                        if json::take_null(tokens) {
                            continue;
                        }
                        let value = match key.as_ref() {
                            #(#arms)*
                        };
                        if variant.replace(value).is_some() {
                            return ::std::result::Result::Err(#one);
                        }
                    }
                    match variant {
                        ::std::option::Option::Some(value) => ::std::result::Result::Ok(::std::option::Option::Some(value)),
                        ::std::option::Option::None => ::std::result::Result::Err(#one),
                    }
                }
            }
        };
        let error = self.de_error();
        let path = validates.then(|| quote!(, path: &Path<'_>));
        Ok(Some(quote! {
            pub(crate) fn #f(tokens: &mut json::Tokens<'_> #path) -> ::std::result::Result<::std::option::Option<#rust>, #error> {
                #body
            }
        }))
    }
}

pub(crate) fn format_tokens(format: TimestampFormat) -> TokenStream {
    match format {
        TimestampFormat::DateTime => quote!(::aws_smithy_types::date_time::Format::DateTime),
        TimestampFormat::HttpDate => quote!(::aws_smithy_types::date_time::Format::HttpDate),
        TimestampFormat::EpochSeconds => quote!(::aws_smithy_types::date_time::Format::EpochSeconds),
    }
}

/// The timestamp format of a list's or map's member inside a JSON body.
fn body_format(s: &Service<'_>, member: &Member) -> TimestampFormat {
    member_format(s.model, member, TimestampFormat::EpochSeconds)
}

/// The timestamp format of a list's or map's member: its own, its target's, or `default`.
pub(crate) fn member_format(model: &smithy::Model, member: &Member, default: TimestampFormat) -> TimestampFormat {
    member.traits.timestamp_format().or_else(|| model.traits(&member.target).timestamp_format()).unwrap_or(default)
}

fn ser_prim(prim: Prim, format: TimestampFormat, writer: TokenStream, value: Val) -> TokenStream {
    let (r, place) = (value.by_ref(), value.by_value());
    match prim {
        Prim::String => quote!(#writer.string(#r);),
        Prim::Bool => quote!(#writer.boolean(#place);),
        Prim::Long => quote!(#writer.number(::aws_smithy_types::Number::NegInt(#place));),
        Prim::Byte | Prim::Short | Prim::Int => {
            quote!(#writer.number(::aws_smithy_types::Number::NegInt(i64::from(#place)));)
        }
        Prim::Double => quote!(#writer.number(::aws_smithy_types::Number::Float(#place));),
        Prim::Float => quote!(#writer.number(::aws_smithy_types::Number::Float(f64::from(#place)));),
        Prim::Timestamp => {
            let format = format_tokens(format);
            quote!(#writer.date_time(#r, #format).map_err(|e| e.to_string())?;)
        }
        Prim::Blob => quote!(#writer.string(&::aws_smithy_types::base64::encode(#r));),
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
