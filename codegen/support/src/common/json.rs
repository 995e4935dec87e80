//! Reading JSON tokens, for the generated (de)serializers of every crate, server and client
//! alike. Each reader takes `null` as `None`; errors are `DeserializeError`s, which a server turns
//! into its `SerializationException`.

// Each crate uses the parts its model needs.
#![allow(dead_code)]

use std::borrow::Cow;

use aws_smithy_json::deserialize::error::DeserializeError;
use aws_smithy_json::deserialize::token;
use aws_smithy_json::deserialize::Token;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::{Blob, DateTime, Document, Number};

pub(crate) type Tokens<'a> = std::iter::Peekable<aws_smithy_json::deserialize::JsonTokenIterator<'a>>;

/// The tokens of a JSON document.
pub(crate) fn tokens(body: &[u8]) -> Tokens<'_> {
    aws_smithy_json::deserialize::json_token_iter(body).peekable()
}

fn next<'a>(tokens: &mut Tokens<'a>) -> Result<Option<Token<'a>>, DeserializeError> {
    tokens.next().transpose()
}

fn unexpected(expected: &str) -> DeserializeError {
    DeserializeError::custom(format!("expected {expected}"))
}

/// Reads `{` (true) or `null` (false).
pub(crate) fn start_object(tokens: &mut Tokens<'_>) -> Result<bool, DeserializeError> {
    match next(tokens)? {
        Some(Token::StartObject { .. }) => Ok(true),
        Some(Token::ValueNull { .. }) => Ok(false),
        _ => Err(unexpected("an object")),
    }
}

/// Reads `[` (true) or `null` (false).
pub(crate) fn start_array(tokens: &mut Tokens<'_>) -> Result<bool, DeserializeError> {
    match next(tokens)? {
        Some(Token::StartArray { .. }) => Ok(true),
        Some(Token::ValueNull { .. }) => Ok(false),
        _ => Err(unexpected("an array")),
    }
}

/// The next key of an object, or `None` at its end.
pub(crate) fn next_key<'a>(tokens: &mut Tokens<'a>) -> Result<Option<Cow<'a, str>>, DeserializeError> {
    match next(tokens)? {
        Some(Token::ObjectKey { key, .. }) => Ok(Some(key.to_unescaped()?)),
        Some(Token::EndObject { .. }) => Ok(None),
        _ => Err(unexpected("an object key")),
    }
}

/// Whether an array has another element (consumes the closing `]` when not).
pub(crate) fn array_continues(tokens: &mut Tokens<'_>) -> Result<bool, DeserializeError> {
    if let Some(Ok(Token::EndArray { .. })) = tokens.peek() {
        tokens.next();
        return Ok(false);
    }
    Ok(true)
}

/// Whether the next value is `null` (consumed if so).
pub(crate) fn take_null(tokens: &mut Tokens<'_>) -> bool {
    if let Some(Ok(Token::ValueNull { .. })) = tokens.peek() {
        tokens.next();
        return true;
    }
    false
}

pub(crate) fn skip_value(tokens: &mut Tokens<'_>) -> Result<(), DeserializeError> {
    token::skip_value(tokens)
}

/// Fails when anything but whitespace follows the top-level value.
pub(crate) fn end_of_body(tokens: &mut Tokens<'_>) -> Result<(), DeserializeError> {
    match next(tokens)? {
        None => Ok(()),
        Some(_) => Err(DeserializeError::custom("unexpected data after the JSON body")),
    }
}

pub(crate) fn de_string(tokens: &mut Tokens<'_>) -> Result<Option<String>, DeserializeError> {
    match next(tokens)? {
        Some(Token::ValueString { value, .. }) => Ok(Some(value.to_unescaped()?.into_owned())),
        Some(Token::ValueNull { .. }) => Ok(None),
        _ => Err(unexpected("a string")),
    }
}

pub(crate) fn de_bool(tokens: &mut Tokens<'_>) -> Result<Option<bool>, DeserializeError> {
    token::expect_bool_or_null(tokens.next())
}

/// An integer of the target width; fractions, out-of-range numbers and the strings `NaN`,
/// `Infinity` and `-Infinity` are refused.
pub(crate) fn de_integer<T>(tokens: &mut Tokens<'_>) -> Result<Option<T>, DeserializeError>
where
    T: TryFrom<Number>,
{
    match next(tokens)? {
        Some(Token::ValueNumber { value, .. }) => T::try_from(value)
            .map(Some)
            .map_err(|_| DeserializeError::custom("number does not fit the member's integer type")),
        Some(Token::ValueNull { .. }) => Ok(None),
        _ => Err(unexpected("a number")),
    }
}

/// A float or double; `"NaN"`, `"Infinity"` and `"-Infinity"` are accepted as strings.
pub(crate) fn de_float(tokens: &mut Tokens<'_>) -> Result<Option<f64>, DeserializeError> {
    Ok(token::expect_number_or_null(tokens.next())?.map(Number::to_f64_lossy))
}

pub(crate) fn de_timestamp(tokens: &mut Tokens<'_>, format: Format) -> Result<Option<DateTime>, DeserializeError> {
    token::expect_timestamp_or_null(tokens.next(), format)
}

/// Any JSON value (a `null` is `Document::Null`).
pub(crate) fn de_document(tokens: &mut Tokens<'_>) -> Result<Option<Document>, DeserializeError> {
    token::expect_document(tokens).map(Some)
}

pub(crate) fn de_blob(tokens: &mut Tokens<'_>) -> Result<Option<Blob>, DeserializeError> {
    token::expect_blob_or_null(tokens.next())
}

/// The code (`code` or `__type`) and message (`message`, `Message` or `errorMessage`) in the
/// body of an error answer.
pub(crate) fn error_fields(body: &[u8]) -> Result<(Option<String>, Option<String>), DeserializeError> {
    let (mut code, mut message) = (None, None);
    let mut tokens = tokens(body);
    if !body.is_empty() && start_object(&mut tokens)? {
        while let Some(key) = next_key(&mut tokens)? {
            match key.as_ref() {
                "code" | "__type" if code.is_none() => code = de_string(&mut tokens)?,
                "message" | "Message" | "errorMessage" => message = de_string(&mut tokens)?,
                _ => skip_value(&mut tokens)?,
            }
        }
    }
    Ok((code, message))
}
