//! The CBOR wire format of shapes (rpcv2Cbor), the second codec beside [`crate::json`], for the
//! same [`Side`]s: the statements that write a value with `aws_smithy_cbor`'s `Encoder`, the
//! expressions that read one with its `Decoder` (through `templates/cbor.rs`), and one
//! `ser_<shape>` / `de_<shape>` function per list, map, structure and union. Timestamps are
//! epoch seconds under tag 1, blobs byte strings; documents have no CBOR form in Smithy and are
//! refused by the model pass.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::json::Side;
use crate::model::{Field, Module, Prim, Ty, UNIT};
use crate::names;
use crate::rust_types::variant_ident;

/// The CBOR codec, for every [`Side`].
pub(crate) trait Cbor<'m>: Side<'m> {
    /// Statements writing `value: &T` (of shape `target`) with the `Encoder` `encoder`.
    fn cbor_ser_value(&self, target: &'m str, value: TokenStream) -> Result<TokenStream, Error> {
        let ty = self.service().ty(target)?;
        let place = if self.is_newtype(ty) { quote!((#value.0)) } else { quote!((*#value)) };
        Ok(match ty {
            Ty::Prim(prim) | Ty::Newtype(_, prim) => match prim {
                Prim::String => quote!(encoder.str(&#place);),
                Prim::Bool => quote!(encoder.boolean(#place);),
                Prim::Byte => quote!(encoder.byte(#place);),
                Prim::Short => quote!(encoder.short(#place);),
                Prim::Int => quote!(encoder.integer(#place);),
                Prim::Long => quote!(encoder.long(#place);),
                Prim::Float => quote!(encoder.float(#place);),
                Prim::Double => quote!(encoder.double(#place);),
                Prim::Timestamp => quote!(encoder.timestamp(&#place);),
                Prim::Blob => quote!(encoder.blob(&#place);),
            },
            Ty::IntEnum => quote!(encoder.integer(*#value);),
            Ty::Enum(_) => quote!(encoder.str(#value.as_str());),
            Ty::Document => return Err(Error(format!("{target}: documents have no CBOR form"))),
            _ => {
                let f = self.fn_name("ser", target);
                quote!(#f(encoder, #value)?;)
            }
        })
    }

    /// Statements writing the members `fields` of a structure in `module` (`value`) as entries
    /// of the map `encoder` is in.
    fn cbor_ser_members<'f>(
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
            let key = field.json;
            let write = self.cbor_ser_value(&field.member.target, quote!(v))?;
            stmts.push(if self.is_optional(module, field) {
                quote! {
                    if let ::std::option::Option::Some(v) = &#value.#f {
                        encoder.str(#key);
                        #write
                    }
                }
            } else {
                quote! {{ let v = &#value.#f; encoder.str(#key); #write }}
            });
        }
        Ok(quote!(#(#stmts)*))
    }

    /// `ser_<shape>(encoder, value) -> Result<(), String>` for a list, map, structure or union.
    fn cbor_shape_serializer(&self, id: &'m str) -> Result<Option<TokenStream>, Error> {
        if id == UNIT {
            return Ok(None);
        }
        let s = self.service();
        let f = self.fn_name("ser", id);
        let ty = s.ty(id)?;
        let inner = if self.is_newtype(ty) { quote!(value.0) } else { quote!(value) };
        let null_or = |write: TokenStream, sparse: bool| {
            if sparse {
                quote! {
                    match item {
                        ::std::option::Option::Some(item) => { #write }
                        ::std::option::Option::None => { encoder.null(); }
                    }
                }
            } else {
                write
            }
        };
        let (param, body) = match ty {
            Ty::Prim(_) | Ty::IntEnum | Ty::Newtype(..) | Ty::Enum(_) | Ty::Document => return Ok(None),
            Ty::List { member, sparse, .. } => {
                let item_ty = self.item_type(member, sparse)?;
                let param = if self.is_newtype(ty) { self.rust_type(id)? } else { quote!([#item_ty]) };
                let write = null_or(self.cbor_ser_value(&member.target, quote!(item))?, sparse);
                (
                    param,
                    quote! {
                        encoder.array(#inner.len());
                        for item in #inner.iter() {
                            #write
                        }
                    },
                )
            }
            Ty::Map { value: v, sparse, .. } => {
                let write = null_or(self.cbor_ser_value(&v.target, quote!(item))?, sparse);
                (
                    self.rust_type(id)?,
                    quote! {
                        encoder.map(#inner.len());
                        for (key, item) in #inner.iter() {
                            encoder.str(key.as_str());
                            #write
                        }
                    },
                )
            }
            Ty::Struct(_) => {
                let module = s.struct_place(id).0;
                let writes = self.cbor_ser_members(module, &s.member_fields(id)?, quote!(value))?;
                (
                    self.rust_type(id)?,
                    quote! {
                        encoder.begin_map();
                        #writes
                        encoder.end();
                    },
                )
            }
            Ty::Union(_) => {
                let rust = self.rust_type(id)?;
                let mut arms = Vec::new();
                for field in s.member_fields(id)? {
                    let variant = variant_ident(field.name);
                    let key = field.json;
                    if field.member.target == UNIT {
                        arms.push(quote!(#rust::#variant => { encoder.str(#key).map(0); }));
                        continue;
                    }
                    let write = self.cbor_ser_value(&field.member.target, quote!(v))?;
                    arms.push(quote!(#rust::#variant(v) => { encoder.str(#key); #write }));
                }
                if !self.validates() {
                    let unknown = format!("the Unknown variant of {} cannot be sent", s.struct_place(id).1);
                    arms.push(quote!(#rust::Unknown => return ::std::result::Result::Err(#unknown.into()),));
                }
                (
                    rust,
                    quote! {
                        encoder.map(1);
                        match value { #(#arms)* }
                    },
                )
            }
        };
        Ok(Some(quote! {
            pub(crate) fn #f(encoder: &mut ::aws_smithy_cbor::Encoder, value: &#param) -> ::std::result::Result<(), ::std::string::String> {
                #body
                ::std::result::Result::Ok(())
            }
        }))
    }

    /// A CBOR value of shape `target` read from `decoder`: an expression of type
    /// `Result<Option<T>, E>` (`E` converts into the side's error). `path` is where the value sits
    /// in the input, for violation messages (server only).
    fn cbor_de_target(&self, target: &'m str, path: TokenStream) -> Result<TokenStream, Error> {
        let ty = self.service().ty(target)?;
        Ok(match ty {
            Ty::Prim(prim) => cbor_de_prim(prim),
            Ty::Newtype(_, prim) if !self.is_newtype(ty) => cbor_de_prim(prim),
            Ty::IntEnum => quote!(cbor::de_integer::<i32>(decoder)),
            Ty::Document => return Err(Error(format!("{target}: documents have no CBOR form"))),
            Ty::Enum(_) if !self.validates() => {
                let rust = self.rust_type(target)?;
                quote!(cbor::de_string(decoder).map(|v| v.map(|v| #rust::from(v.as_str()))))
            }
            _ => {
                let f = self.fn_name("de", target);
                if self.validates() { quote!(#f(decoder, #path)) } else { quote!(#f(decoder)) }
            }
        })
    }

    /// `de_<shape>(decoder[, path]) -> Result<Option<T>, E>` for a shape read by a function of its
    /// own: lists, maps, structures, unions and, on a validating side, constrained scalars and enums.
    fn cbor_shape_deserializer(&self, id: &'m str) -> Result<Option<TokenStream>, Error> {
        if id == UNIT {
            return Ok(None);
        }
        let s = self.service();
        let validates = self.validates();
        let ty = s.ty(id)?;
        let rust = self.rust_type(id)?;
        let f = self.fn_name("de", id);
        let fail = |message: &str| {
            if validates {
                quote!(support::serialization(#message))
            } else {
                quote!(cbor::DeserializeError::custom(#message, decoder.position()))
            }
        };
        let descend = validates.then(|| quote!(path.descend()?;));
        let body = match ty {
            Ty::Prim(_) | Ty::IntEnum | Ty::Document => return Ok(None),
            Ty::Newtype(_, prim) if validates => {
                let de = cbor_de_prim(prim);
                let value = self.constrained(ty, id, quote!(value))?;
                quote! {
                    ::std::result::Result::Ok(match #de? {
                        ::std::option::Option::Some(value) => ::std::option::Option::Some(#value),
                        ::std::option::Option::None => ::std::option::Option::None,
                    })
                }
            }
            Ty::Enum(_) if validates => quote! {
                ::std::result::Result::Ok(match cbor::de_string(decoder)? {
                    ::std::option::Option::Some(value) => ::std::option::Option::Some(
                        #rust::try_from(value.as_str()).map_err(|e| e.into_violation(path))?,
                    ),
                    ::std::option::Option::None => ::std::option::Option::None,
                })
            },
            Ty::Newtype(..) | Ty::Enum(_) => return Ok(None),
            Ty::List { member, sparse, .. } => {
                let item = self.cbor_de_target(&member.target, quote!(&path.index(items.len())))?;
                let push = if sparse {
                    quote!(items.push(#item?);)
                } else if validates {
                    let null = fail("null is not allowed in a list");
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
                    let ::std::option::Option::Some(mut remaining) = cbor::start_array(decoder)? else {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    };
                    let mut items = ::std::vec::Vec::new();
                    while remaining.more(decoder)? {
                        #push
                    }
                    ::std::result::Result::Ok(::std::option::Option::Some(#items))
                }
            }
            Ty::Map { key, value, sparse, .. } => {
                let item = self.cbor_de_target(&value.target, quote!(&path.key(&key)))?;
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
                    let null = fail("null is not allowed as a map value");
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
                    let ::std::option::Option::Some(mut remaining) = cbor::start_map(decoder)? else {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    };
                    let mut map = ::std::collections::HashMap::new();
                    while remaining.more(decoder)? {
                        let key = cbor::key(decoder)?;
                        #insert
                    }
                    ::std::result::Result::Ok(::std::option::Option::Some(#map))
                }
            }
            Ty::Struct(_) => {
                let module = s.struct_place(id).0;
                let (decls, arms, inits) = self.cbor_members(id, module, &s.member_fields(id)?, quote!(path))?;
                quote! {
                    #descend
                    let ::std::option::Option::Some(mut remaining) = cbor::start_map(decoder)? else {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    };
                    #(#decls)*
                    while remaining.more(decoder)? {
                        match cbor::key(decoder)?.as_ref() {
                            #(#arms)*
                            _ => cbor::skip_value(decoder)?,
                        }
                    }
                    ::std::result::Result::Ok(::std::option::Option::Some(#rust { #(#inits)* }))
                }
            }
            Ty::Union(_) => {
                let mut arms = Vec::new();
                for field in s.member_fields(id)? {
                    let variant = variant_ident(field.name);
                    let (key, name) = (field.json, field.name);
                    if field.member.target == UNIT {
                        arms.push(quote!(#key => { cbor::skip_value(decoder)?; #rust::#variant }));
                        continue;
                    }
                    let de = self.cbor_de_target(&field.member.target, quote!(&path.member(#name)))?;
                    let value = if s.is_boxed(&field) { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
                    arms.push(quote! {
                        #key => match #de? {
                            ::std::option::Option::Some(value) => #rust::#variant(#value),
                            ::std::option::Option::None => continue,
                        },
                    });
                }
                if validates {
                    let unknown = fail("unknown union member");
                    arms.push(quote!(_ => return ::std::result::Result::Err(#unknown),));
                } else {
                    arms.push(quote! {
                        "__type" => {
                            cbor::skip_value(decoder)?;
                            continue;
                        }
                        // A member this crate does not know, from a newer server.
                        _ => {
                            cbor::skip_value(decoder)?;
                            #rust::Unknown
                        }
                    });
                }
                let one = fail("a union must have exactly one member set");
                quote! {
                    #descend
                    let ::std::option::Option::Some(mut remaining) = cbor::start_map(decoder)? else {
                        return ::std::result::Result::Ok(::std::option::Option::None);
                    };
                    let mut variant = ::std::option::Option::None;
                    while remaining.more(decoder)? {
                        let key = cbor::key(decoder)?;
                        if cbor::take_null(decoder)? {
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
        let error = if validates { quote!(RequestRejection) } else { quote!(cbor::DeserializeError) };
        let path = validates.then(|| quote!(, path: &Path<'_>));
        Ok(Some(quote! {
            pub(crate) fn #f(decoder: &mut cbor::Decoder<'_> #path) -> ::std::result::Result<::std::option::Option<#rust>, #error> {
                #body
            }
        }))
    }

    /// The pieces that read a structure's members out of a map: the `Option` of each, the match
    /// arms by key, and the structure's field initializers (`path` is the structure's).
    #[allow(clippy::type_complexity)]
    fn cbor_members(
        &self,
        id: &'m str,
        module: Module,
        fields: &[Field<'m>],
        path: TokenStream,
    ) -> Result<(Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>), Error> {
        let s = self.service();
        let (mut decls, mut arms, mut inits) = (Vec::new(), Vec::new(), Vec::new());
        for field in fields {
            let var = quote::format_ident!("m_{}", names::snake(field.name));
            let m = names::field(field.name);
            let (key, name) = (field.json, field.name);
            let de = self.cbor_de_target(&field.member.target, quote!(&#path.member(#name)))?;
            decls.push(quote!(let mut #var = ::std::option::Option::None;));
            arms.push(if s.is_boxed(field) {
                quote!(#key => #var = #de?.map(::std::boxed::Box::new),)
            } else {
                quote!(#key => #var = #de?,)
            });
            let value = self.member_value(id, module, field, &var, path.clone())?;
            inits.push(quote!(#m: #value,));
        }
        Ok((decls, arms, inits))
    }
}

impl<'m, T: Side<'m> + ?Sized> Cbor<'m> for T {}

fn cbor_de_prim(prim: Prim) -> TokenStream {
    match prim {
        Prim::String => quote!(cbor::de_string(decoder)),
        Prim::Bool => quote!(cbor::de_bool(decoder)),
        Prim::Byte => quote!(cbor::de_integer::<i8>(decoder)),
        Prim::Short => quote!(cbor::de_integer::<i16>(decoder)),
        Prim::Int => quote!(cbor::de_integer::<i32>(decoder)),
        Prim::Long => quote!(cbor::de_integer::<i64>(decoder)),
        Prim::Float => quote!(cbor::de_float(decoder).map(|v| v.map(|v| v as f32))),
        Prim::Double => quote!(cbor::de_float(decoder)),
        Prim::Timestamp => quote!(cbor::de_timestamp(decoder)),
        Prim::Blob => quote!(cbor::de_blob(decoder)),
    }
}
