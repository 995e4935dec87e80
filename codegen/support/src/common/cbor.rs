//! Reading CBOR values (rpcv2Cbor), for the generated (de)serializers of every crate, server and
//! client alike. Each reader takes `null` as `None`; maps and arrays may be of definite or
//! indefinite length; numbers are read from any narrower encoding (Smithy's upcasting rule).

// Each crate uses the parts its model needs.
#![allow(dead_code)]

use std::borrow::Cow;

use aws_smithy_cbor::data::Type;
pub(crate) use aws_smithy_cbor::decode::DeserializeError;
pub(crate) use aws_smithy_cbor::Decoder;
use aws_smithy_types::{Blob, DateTime};

/// A decoder over a whole body.
pub(crate) fn decoder(body: &[u8]) -> Decoder<'_> {
    Decoder::new(body)
}

fn error(message: &'static str, decoder: &Decoder<'_>) -> DeserializeError {
    DeserializeError::custom(message, decoder.position())
}

/// Whether the next value is `null` (or `undefined`), consumed if so.
pub(crate) fn take_null(decoder: &mut Decoder<'_>) -> Result<bool, DeserializeError> {
    if matches!(decoder.datatype()?, Type::Null | Type::Undefined) {
        decoder.skip()?;
        return Ok(true);
    }
    Ok(false)
}

/// The entries still to read of a map or the items of an array: a count, or until a break.
pub(crate) struct Remaining(Option<u64>);

impl Remaining {
    /// Whether another entry or item follows (the closing break of an indefinite one is consumed).
    pub(crate) fn more(&mut self, decoder: &mut Decoder<'_>) -> Result<bool, DeserializeError> {
        match &mut self.0 {
            Some(0) => Ok(false),
            Some(count) => {
                *count -= 1;
                Ok(true)
            }
            None if decoder.datatype()? == Type::Break => {
                decoder.skip()?;
                Ok(false)
            }
            None => Ok(true),
        }
    }
}

/// Reads the head of a map (`None` for `null`).
pub(crate) fn start_map(decoder: &mut Decoder<'_>) -> Result<Option<Remaining>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    Ok(Some(Remaining(decoder.map()?)))
}

/// Reads the head of an array (`None` for `null`).
pub(crate) fn start_array(decoder: &mut Decoder<'_>) -> Result<Option<Remaining>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    Ok(Some(Remaining(decoder.list()?)))
}

/// A map's next key (call after [`Remaining::more`]).
pub(crate) fn key<'b>(decoder: &mut Decoder<'b>) -> Result<Cow<'b, str>, DeserializeError> {
    decoder.str()
}

/// Fails when anything follows the top-level value.
pub(crate) fn end_of_body(decoder: &Decoder<'_>, body: &[u8]) -> Result<(), DeserializeError> {
    if decoder.position() != body.len() {
        return Err(error("unexpected data after the CBOR body", decoder));
    }
    Ok(())
}

pub(crate) fn de_string(decoder: &mut Decoder<'_>) -> Result<Option<String>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    Ok(Some(decoder.str()?.into_owned()))
}

pub(crate) fn de_bool(decoder: &mut Decoder<'_>) -> Result<Option<bool>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    decoder.boolean().map(Some)
}

/// An integer of the target width, from an integer of any width that fits it.
pub(crate) fn de_integer<T: TryFrom<i64>>(decoder: &mut Decoder<'_>) -> Result<Option<T>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    let value = decoder.long()?;
    T::try_from(value).map(Some).map_err(|_| error("integer out of range for the member's type", decoder))
}

/// A float or double, from a half, single or double float.
pub(crate) fn de_float(decoder: &mut Decoder<'_>) -> Result<Option<f64>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    decoder.double().map(Some)
}

/// A timestamp: tag 1 and epoch seconds.
pub(crate) fn de_timestamp(decoder: &mut Decoder<'_>) -> Result<Option<DateTime>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    decoder.timestamp().map(Some)
}

pub(crate) fn de_blob(decoder: &mut Decoder<'_>) -> Result<Option<Blob>, DeserializeError> {
    if take_null(decoder)? {
        return Ok(None);
    }
    decoder.blob().map(Some)
}

/// Skips a value of any type.
pub(crate) fn skip_value(decoder: &mut Decoder<'_>) -> Result<(), DeserializeError> {
    decoder.skip()
}

/// The code (`__type`) and message (`message` or `Message`) in the body of an error answer.
pub(crate) fn error_fields(body: &[u8]) -> Result<(Option<String>, Option<String>), DeserializeError> {
    let (mut code, mut message) = (None, None);
    let decoder = &mut decoder(body);
    if let Some(mut remaining) = (!body.is_empty()).then(|| start_map(decoder)).transpose()?.flatten() {
        while remaining.more(decoder)? {
            match key(decoder)?.as_ref() {
                "__type" => code = de_string(decoder)?,
                "message" | "Message" => message = de_string(decoder)?,
                _ => skip_value(decoder)?,
            }
        }
    }
    Ok((code, message))
}
