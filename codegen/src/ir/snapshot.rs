//! The resolved model as text, one line per fact, in a fixed order: what the tests snapshot for
//! their models, so that a change to Smithy semantics shows as a small diff there rather than in
//! thousands of generated lines. Documentation text is left out; `@deprecated` is kept.

use std::fmt::{self, Write};

use super::{
    AuthScheme, Binding, Collection, DefaultValue, Docs, Field, Item, Operation, Prim, Service, Shape, TimestampFormat,
    Ty,
};

impl fmt::Display for Service<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "service {} ({}){}",
            self.id,
            self.protocol.name(),
            flag(self.query_compatible, " awsQueryCompatible")
        )?;
        writeln!(f, "  title: {}", self.title)?;
        if let Some(version) = self.version {
            writeln!(f, "  version: {version}")?;
        }
        writeln!(f, "  auth: {}", auth(&self.auth))?;
        let x = &self.features;
        let features = [
            (x.regex, "regex"),
            (x.input_streams, "input streams"),
            (x.output_streams, "output streams"),
            (x.event_streams, "event streams"),
            (x.compression, "compression"),
            (x.checksums, "checksums"),
            (x.host_prefixes, "host prefixes"),
            (x.server_tests, "server tests"),
            (x.client_tests, "client tests"),
        ];
        let features: Vec<&str> = features.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect();
        writeln!(f, "  features: {}", if features.is_empty() { "none".to_owned() } else { features.join(", ") })?;
        for v in &self.validations {
            write!(f, "  validation: {} as {} {}, message {:?}", v.id, v.name, v.status, v.message)?;
            if let Some((list, path, message)) = v.field_list {
                write!(f, ", fieldList {list:?} of {{{path:?}, {message:?}}}")?;
            }
            writeln!(f)?;
        }
        for op in &self.operations {
            writeln!(f)?;
            operation(f, op)?;
        }
        for (id, shape) in &self.shapes {
            if id.starts_with("smithy.api#") {
                continue;
            }
            writeln!(f)?;
            self.shape_text(f, id, shape)?;
        }
        Ok(())
    }
}

impl Service<'_> {
    fn shape_text(&self, f: &mut fmt::Formatter<'_>, id: &str, shape: &Shape<'_>) -> fmt::Result {
        write!(f, "{id}: {}", ty(shape.ty))?;
        match self.structs.get(id) {
            Some((module, name)) => write!(f, " -> {}::{name}", module.name())?,
            None => write!(f, " ({})", shape.rust_name)?,
        }
        let sets = [
            (self.read.contains(id), "read"),
            (self.written.contains(id), "written"),
            (self.read_json.contains(id), "read_json"),
            (self.written_json.contains(id), "written_json"),
        ];
        let sets: Vec<&str> = sets.iter().filter(|(is, _)| *is).map(|(_, name)| *name).collect();
        writeln!(f, " [{}]{}", sets.join(", "), deprecated(&shape.docs))?;
        let mut flags = String::new();
        flags.push_str(flag(shape.sensitive, " sensitive"));
        flags.push_str(flag(shape.streaming, " streaming"));
        flags.push_str(flag(shape.has_stream, " has_stream"));
        flags.push_str(flag(shape.requires_length, " requiresLength"));
        if let Some(media_type) = shape.media_type {
            write!(flags, " mediaType={media_type}")?;
        }
        let c = &shape.constraints;
        if let Some(b) = &c.length {
            write!(flags, " length={}", bounds(b.min.as_ref(), b.max.as_ref()))?;
        }
        if let Some(b) = &c.range {
            write!(flags, " range={}", bounds(b.min.as_ref(), b.max.as_ref()))?;
        }
        if let Some(pattern) = c.pattern {
            write!(flags, " pattern={pattern:?}")?;
        }
        flags.push_str(flag(c.unique_items, " uniqueItems"));
        if !flags.is_empty() {
            writeln!(f, " {flags}")?;
        }
        if let Some(e) = &shape.error {
            write!(f, "  error: {} {}", if e.server_fault { "server" } else { "client" }, e.status())?;
            if let Some(throttling) = e.retryable {
                write!(f, " retryable{}", flag(throttling, " (throttling)"))?;
            }
            if let Some(code) = e.query_code {
                write!(f, " awsQueryError={code}")?;
            }
            match e.response_tests.len() {
                0 => writeln!(f)?,
                n => writeln!(f, ", {n} response tests")?,
            }
        }
        if let Some(stream) = &shape.event_stream {
            for event in &stream.events {
                let names = |fields: &[super::Field<'_>]| fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
                writeln!(
                    f,
                    "  event {}: headers [{}], payload {}, body [{}]",
                    event.member.name,
                    names(&event.headers),
                    event.payload.map_or("-", |p| p.name),
                    names(&event.body)
                )?;
            }
            for (name, error) in &stream.errors {
                writeln!(f, "  exception {name}: {error}")?;
            }
        }
        for value in &shape.enum_values {
            writeln!(
                f,
                "  {} = {:?}{}{}",
                value.name,
                value.value,
                flag(value.internal, " internal"),
                deprecated(&value.docs)
            )?;
        }
        self.fields_text(f, &shape.fields, "")?;
        // An operation's input or output that is the target of a member too: there, its members
        // are all in the body.
        let nested = self.structs.get(id).is_some_and(|(module, _)| *module == super::Module::Model);
        if nested && shape.fields.iter().zip(&shape.member_fields).any(|(a, b)| a.binding != b.binding) {
            self.fields_text(f, &shape.member_fields, " (as a member)")?;
        }
        Ok(())
    }

    fn fields_text(&self, f: &mut fmt::Formatter<'_>, fields: &[Field<'_>], note: &str) -> fmt::Result {
        for field in fields {
            write!(f, "  .{}{note} -> {}: {}", field.name, field.target, binding(field.binding))?;
            if field.json != field.name {
                write!(f, " json={:?}", field.json)?;
            }
            if self.shapes.get(field.target).is_some_and(|s| is_timestamp(s.ty)) {
                write!(f, " {}", format(field.timestamp_format))?;
            }
            let flags = [
                (field.required, " required"),
                (field.redacted, " redacted"),
                (field.boxed, " boxed"),
                (field.client_optional, " clientOptional"),
                (field.idempotency_token, " idempotencyToken"),
                (field.host_label, " hostLabel"),
            ];
            for (is, name) in flags {
                f.write_str(flag(is, name))?;
            }
            if let Some(value) = field.default {
                write!(f, " default={}", default(value))?;
            }
            writeln!(f, "{}", deprecated(&field.docs))?;
        }
        Ok(())
    }
}

fn operation(f: &mut fmt::Formatter<'_>, op: &Operation<'_>) -> fmt::Result {
    let mut uri = String::new();
    for segment in &op.segments {
        uri.push('/');
        match segment {
            super::Segment::Literal(text) => uri.push_str(text),
            super::Segment::Label(label) => {
                write!(uri, "{{{}{}}}", label.field.name, flag(label.greedy, "+"))?;
            }
        }
    }
    if uri.is_empty() {
        uri.push('/');
    }
    for (i, (key, value)) in op.query_literals.iter().enumerate() {
        uri.push(if i == 0 { '?' } else { '&' });
        uri.push_str(key);
        if let Some(value) = value {
            write!(uri, "={value}")?;
        }
    }
    writeln!(f, "operation {}: {} {} -> {}{}", op.id, op.method, uri, op.code, deprecated(&op.docs))?;
    writeln!(f, "  input {}, output {}", op.input, op.output)?;
    writeln!(f, "  errors: {}", op.errors.join(", "))?;
    writeln!(f, "  auth: {}{}", auth(&op.auth), flag(op.optional_auth, " (optional)"))?;
    if op.validation > 0 {
        writeln!(f, "  validation exception: #{}", op.validation + 1)?;
    }
    if let Some(prefix) = op.host_prefix {
        writeln!(f, "  host prefix: {prefix}")?;
    }
    if op.checksum_required || op.gzip_request {
        writeln!(f, "  {}{}", flag(op.checksum_required, "httpChecksumRequired "), flag(op.gzip_request, "gzip"))?;
    }
    if let Some(p) = &op.paginated {
        write!(f, "  paginated: {} -> {}", p.input_token.name, p.output_token.name)?;
        if let Some(size) = &p.page_size {
            write!(f, ", page size {}", size.name)?;
        }
        if let Some(items) = &p.items {
            let kind = match items.collection {
                Collection::List { member, .. } => format!("list of {}", member.target),
                Collection::Map { key, value, .. } => format!("map of {} to {}", key.target, value.target),
            };
            write!(f, ", items {} ({kind})", items.field.name)?;
        }
        writeln!(f)?;
    }
    let tests = [
        (op.tests.request.len(), "request"),
        (op.tests.response.len(), "response"),
        (op.tests.malformed_request.len(), "malformed request"),
        (op.tests.event_stream.len(), "event stream"),
    ];
    let tests: Vec<String> = tests.iter().filter(|(n, _)| *n > 0).map(|(n, kind)| format!("{n} {kind}")).collect();
    if !tests.is_empty() {
        writeln!(f, "  tests: {}", tests.join(", "))?;
    }
    Ok(())
}

fn ty(ty: Ty<'_>) -> String {
    match ty {
        Ty::Prim(prim) => format!("{prim:?}"),
        Ty::Newtype(_, prim) => format!("constrained {prim:?}"),
        Ty::Enum(_) => "enum".to_owned(),
        Ty::IntEnum => "intEnum".to_owned(),
        Ty::List { member, newtype, sparse, .. } => {
            format!("{}{}list of {}", flag(newtype, "constrained "), flag(sparse, "sparse "), item(member))
        }
        Ty::Map { key, value, newtype, sparse, .. } => format!(
            "{}{}map of {} to {}",
            flag(newtype, "constrained "),
            flag(sparse, "sparse "),
            item(key),
            item(value)
        ),
        Ty::Struct(_) => "structure".to_owned(),
        Ty::Union(_) => "union".to_owned(),
        Ty::Document => "document".to_owned(),
    }
}

fn item(item: Item<'_>) -> String {
    match item.timestamp_format {
        Some(timestamp) => format!("{} ({})", item.target, format(timestamp)),
        None => item.target.to_owned(),
    }
}

fn is_timestamp(ty: Ty<'_>) -> bool {
    matches!(ty, Ty::Prim(Prim::Timestamp) | Ty::Newtype(_, Prim::Timestamp))
}

fn binding(binding: Binding<'_>) -> String {
    match binding {
        Binding::Label(_) => "label".to_owned(),
        Binding::Query(name, _) => format!("query {name:?}"),
        Binding::QueryParams => "query params".to_owned(),
        Binding::Header(name, _) => format!("header {name:?}"),
        Binding::PrefixHeaders(prefix) => format!("prefix headers {prefix:?}"),
        Binding::Payload => "payload".to_owned(),
        Binding::ResponseCode => "response code".to_owned(),
        Binding::Body => "body".to_owned(),
    }
}

fn format(format: TimestampFormat) -> &'static str {
    match format {
        TimestampFormat::DateTime => "date-time",
        TimestampFormat::HttpDate => "http-date",
        TimestampFormat::EpochSeconds => "epoch-seconds",
    }
}

fn default(value: DefaultValue<'_>) -> String {
    match value {
        DefaultValue::String(s) | DefaultValue::Enum(s) => format!("{s:?}"),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Integer(i) => i.to_string(),
        DefaultValue::Float(x) => format!("{x:?}"),
        DefaultValue::Timestamp(secs) => format!("{secs:?}s"),
        DefaultValue::Blob(base64) => format!("base64 {base64:?}"),
        DefaultValue::Empty => "empty".to_owned(),
        DefaultValue::Document(value) => format!("document {value}"),
    }
}

fn auth(schemes: &[AuthScheme<'_>]) -> String {
    let names: Vec<String> = schemes
        .iter()
        .map(|scheme| match scheme {
            AuthScheme::SigV4 { name } => format!("sigv4 {name:?}"),
            AuthScheme::Bearer => "bearer".to_owned(),
            AuthScheme::ApiKey { name, in_header, scheme } => format!(
                "api key {name:?} in {}{}",
                if *in_header { "header" } else { "query" },
                scheme.map(|s| format!(" after {s:?}")).unwrap_or_default()
            ),
        })
        .collect();
    if names.is_empty() { "none".to_owned() } else { names.join(", ") }
}

fn bounds(min: Option<&serde_json::Number>, max: Option<&serde_json::Number>) -> String {
    let show = |n: Option<&serde_json::Number>| n.map(ToString::to_string).unwrap_or_default();
    format!("{}..{}", show(min), show(max))
}

fn deprecated(docs: &Docs<'_>) -> String {
    match docs.deprecated {
        Some(d) => format!(
            " deprecated{}{}",
            d.since.map(|s| format!(" since {s:?}")).unwrap_or_default(),
            d.message.map(|m| format!(": {m:?}")).unwrap_or_default()
        ),
        None => String::new(),
    }
}

fn flag(on: bool, text: &str) -> &str {
    if on { text } else { "" }
}
