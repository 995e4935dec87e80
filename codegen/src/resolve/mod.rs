//! The resolver, the generator's only fallible phase: it turns the AST into the resolved model
//! ([`crate::ir`]) of one service in one protocol, in one pass. On the way it checks that the
//! model stays inside the supported subset and that every trait is handled (anything else is one
//! clear error naming the shape), so that the emitters cannot fail.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{Ast, Member, Node, Shape as AstShape, TimestampFormat, Traits, prelude_kind, shape_name};
use crate::ir::{
    AuthScheme, Binding, Collection, Constraints, DefaultValue, Deprecated, Docs, EnumValue, ErrorInfo, Event,
    EventStream, Features, Field, HttpValue, Item, Label, Module, Operation, PageItems, Paginated, Prim, Protocol,
    ProtocolTests, Scalar, Segment, Service, Shape, TestSide, Ty, UNIT, ValidationException, host_labels,
};
use crate::{Error, unsupported};

mod protocol_tests;

use protocol_tests::{REQUEST_TESTS, RESPONSE_TESTS, event_stream_tests, http_tests, malformed_tests};

/// Traits that change the generated code, as they change smithy-rs's.
pub const IMPLEMENTED_TRAITS: &[&str] = &[
    "aws.auth#sigv4",
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#awsQueryCompatible",
    "aws.protocols#awsQueryError",
    "aws.protocols#restJson1",
    "smithy.protocols#rpcv2Cbor",
    "smithy.api#auth",
    "smithy.api#clientOptional",
    "smithy.api#default",
    "smithy.api#deprecated",
    "smithy.api#documentation",
    "smithy.api#endpoint",
    "smithy.api#enum",
    "smithy.api#enumValue",
    "smithy.api#error",
    "smithy.api#eventHeader",
    "smithy.api#eventPayload",
    "smithy.api#hostLabel",
    "smithy.api#http",
    "smithy.api#httpApiKeyAuth",
    "smithy.api#httpBearerAuth",
    "smithy.api#httpChecksumRequired",
    "smithy.api#httpError",
    "smithy.api#httpHeader",
    "smithy.api#httpLabel",
    "smithy.api#httpPayload",
    "smithy.api#httpPrefixHeaders",
    "smithy.api#httpQuery",
    "smithy.api#httpQueryParams",
    "smithy.api#httpResponseCode",
    "smithy.api#idempotencyToken",
    "smithy.api#internal",
    "smithy.api#jsonName",
    "smithy.api#length",
    "smithy.api#mediaType",
    // The server's SigV4 plugin lets such an operation's unsigned calls in.
    "smithy.api#optionalAuth",
    "smithy.api#paginated",
    "smithy.api#pattern",
    "smithy.api#range",
    "smithy.api#requestCompression",
    "smithy.api#required",
    "smithy.api#requiresLength",
    "smithy.api#retryable",
    "smithy.api#sensitive",
    "smithy.api#sparse",
    "smithy.api#streaming",
    "smithy.api#timestampFormat",
    "smithy.api#title",
    "smithy.api#uniqueItems",
    "smithy.test#eventStreamTests",
    "smithy.test#httpMalformedRequestTests",
    "smithy.test#httpRequestTests",
    "smithy.test#httpResponseTests",
];

/// Traits with no effect on the generated code, each for a reason.
pub const NO_EFFECT_TRAITS: &[&str] = &[
    // Documentation and tooling metadata.
    "smithy.api#examples",
    "smithy.api#externalDocumentation",
    "smithy.api#recommended",
    "smithy.api#since",
    "smithy.api#suppress",
    "smithy.api#tags",
    "smithy.api#unstable",
    // Markers whose effect the model already shows: operation input and output structures, the
    // nullability of Smithy 1.0 models (`@default` and `@required` carry it in the AST), model
    // validation.
    "smithy.api#addedDefault",
    "smithy.api#box",
    "smithy.api#input",
    "smithy.api#output",
    "smithy.api#private",
    // Operation semantics that smithy-rs's code does not act on either.
    "smithy.api#idempotent",
    "smithy.api#readonly",
    // Resource modelling, IAM and CloudFormation metadata.
    "smithy.api#nestedProperties",
    "smithy.api#noReplace",
    "smithy.api#notProperty",
    "smithy.api#property",
    "smithy.api#references",
    "smithy.api#resourceIdentifier",
    "aws.api#arn",
    "aws.api#arnReference",
    "aws.api#controlPlane",
    "aws.api#data",
    "aws.api#dataPlane",
    "aws.api#service",
    "aws.api#taggable",
    "aws.api#tagEnabled",
    "aws.iam#actionName",
    "aws.iam#actionPermissionDescription",
    "aws.iam#conditionKeys",
    "aws.iam#defineConditionKeys",
    "aws.iam#disableConditionKeyInference",
    "aws.iam#iamAction",
    "aws.iam#iamResource",
    "aws.iam#requiredActions",
    "aws.iam#supportedPrincipalTypes",
    // XML names, for XML protocols only; this generator's protocols are JSON.
    "smithy.api#xmlAttribute",
    "smithy.api#xmlFlattened",
    "smithy.api#xmlName",
    "smithy.api#xmlNamespace",
    // The service's other protocols: a crate speaks one (`Protocol`), its others have no effect.
    "aws.protocols#awsQuery",
    "aws.protocols#ec2Query",
    "aws.protocols#restXml",
    "smithy.protocols#rpcv2Cbor",
    // smithy-rs's server does not act on @cors either (CORS is a layer the user adds).
    "smithy.api#cors",
    // Endpoint rules: the client takes its endpoint from `endpoint_url` (README, "The client").
    "smithy.rules#clientContextParams",
    "smithy.rules#contextParam",
    "smithy.rules#endpointRuleSet",
    "smithy.rules#endpointTests",
    "smithy.rules#operationContextParams",
    "smithy.rules#staticContextParams",
];

/// The protocol to generate for: the one `chosen` (by its trait's name), or the first of
/// [`Protocol::ALL`] the service has.
fn resolve_protocol(service_id: &str, service: &AstShape, chosen: Option<&str>) -> Result<Protocol, Error> {
    let has = |p: &Protocol| service.traits.0.contains_key(p.trait_id());
    match chosen {
        Some(name) => match Protocol::ALL.into_iter().find(|p| p.name() == name) {
            Some(protocol) if has(&protocol) => Ok(protocol),
            Some(_) => Err(unsupported(service_id, format!("the service has no @{name} trait"))),
            None => Err(unsupported(
                service_id,
                format!("unknown protocol {name:?}: the generator supports restJson1, awsJson1_0, awsJson1_1 and rpcv2Cbor"),
            )),
        },
        None => Protocol::ALL.into_iter().find(has).ok_or_else(|| {
            unsupported(service_id, "the generator supports the restJson1, awsJson1_0, awsJson1_1 and rpcv2Cbor protocols, and the service has none of them")
        }),
    }
}

/// The service while it is resolved: what the checks and the resolved shapes are computed from.
struct Resolver<'m> {
    model: &'m Ast,
    shape: &'m AstShape,
    protocol: Protocol,
    /// Every error structure and every structure or union used as a member, with its module and
    /// Rust type name.
    structs: BTreeMap<String, (Module, String)>,
    /// The structures whose members have HTTP bindings: operation inputs, outputs and errors.
    top_level: BTreeSet<&'m str>,
    /// Each operation's URI path, its labels by name.
    routes: BTreeMap<&'m str, Vec<RawSegment>>,
    /// Shapes read from requests: only they have constraints.
    read: BTreeSet<String>,
    /// The operations' inputs.
    inputs: BTreeSet<&'m str>,
    query_compatible: bool,
}

impl<'m> Service<'m> {
    /// Resolves `service_id` for generation in `protocol` (by name; default: the first supported
    /// one the service has), answering an operation's constraint violations with the first of
    /// `validation_exceptions` it declares (else the first; smithy-rs's `ValidationException`
    /// when there is none). The
    /// passes run in order: the service, its operations, where each structure goes, what is
    /// reachable (read and written), what is inside bodies, the bindings, the validation
    /// exception, then every reachable shape resolved.
    pub fn resolve(
        model: &'m Ast,
        service_id: &'m str,
        protocol: Option<&str>,
        validation_exceptions: &[&'m str],
    ) -> Result<Self, Error> {
        let shape = model.shape(service_id)?;
        let protocol = check_service(service_id, shape, protocol)?;
        let auth = resolve_auth(service_id, shape)?;
        let ops = resolve_operations(model, service_id, shape, protocol, &auth)?;
        let (mut operations, mut pagination) = (ops.operations, ops.pagination);
        let mut resolver = Resolver {
            model,
            shape,
            protocol,
            structs: BTreeMap::new(),
            top_level: ops.top_level,
            routes: ops.routes,
            read: BTreeSet::new(),
            inputs: operations.iter().map(|op| op.input).collect(),
            query_compatible: shape.traits.0.contains_key("aws.protocols#awsQueryCompatible"),
        };
        resolver.place_errors(&operations);
        let (read, written) = resolver.reachable(&operations)?;
        resolver.place_nested(read.iter().chain(&written))?;
        resolver.read = read;
        let (read_json, written_json) = resolver.in_bodies(&operations)?;
        for op in &operations {
            resolver.check_bindings(op)?;
        }
        let mut validations = Vec::new();
        for id in validation_exceptions {
            validations.push(resolver.resolve_validation_exception(id)?);
        }
        if validations.is_empty() {
            validations.push(ValidationException {
                id: "smithy.framework#ValidationException",
                name: "ValidationException",
                status: 400,
                message: "message",
                field_list: Some(("fieldList", "path", "message")),
            });
        }
        for op in &mut operations {
            op.validation = validations.iter().position(|v| op.errors.contains(&v.id)).unwrap_or(0);
        }
        let shapes = resolver.shapes(&operations, &written)?;
        let features = features(&operations, &shapes, &resolver.read);
        for op in &mut operations {
            if let Some(names) = pagination.remove(op.id) {
                op.paginated = Some(paginated(&shapes, op, names)?);
            }
            op.segments = segments(&shapes, op, &resolver.routes[op.id])?;
            let stream = |id: &str| {
                let fields = shapes.get(id).map(|shape| shape.fields.as_slice()).unwrap_or_default();
                let streams = |target: &Shape<'_>| target.streaming || target.event_stream.is_some();
                fields.iter().find(|f| shapes.get(f.target).is_some_and(streams)).copied()
            };
            (op.input_stream, op.output_stream) = (stream(op.input), stream(op.output));
        }
        Ok(Service {
            id: service_id,
            name: shape_name(service_id),
            title: shape.traits.get("title").and_then(Node::as_str).unwrap_or(shape_name(service_id)),
            docs: docs(&shape.traits),
            version: shape.version.as_deref(),
            operations,
            shapes,
            structs: resolver.structs,
            read: resolver.read,
            written,
            read_json,
            written_json,
            validations,
            auth,
            protocol,
            query_compatible: resolver.query_compatible,
            features,
        })
    }
}

/// What the crate needs, from its operations and shapes.
fn features(operations: &[Operation<'_>], shapes: &BTreeMap<&str, Shape<'_>>, read: &BTreeSet<String>) -> Features {
    let has_stream = |id: &str| shapes.get(id).is_some_and(|shape| shape.has_stream);
    let has_events = |id: &str| {
        let fields = shapes.get(id).map(|shape| shape.fields.as_slice()).unwrap_or_default();
        fields.iter().any(|f| shapes.get(f.target).is_some_and(|target| target.event_stream.is_some()))
    };
    let tests = |side: TestSide| {
        let http = operations.iter().flat_map(|op| op.tests.request.iter().chain(&op.tests.response));
        let errors = shapes.values().filter_map(|shape| shape.error.as_ref()).flat_map(|e| &e.response_tests);
        http.chain(errors).any(|test| test.applies(side))
            || operations.iter().flat_map(|op| &op.tests.event_stream).any(|test| test.applies(side))
    };
    Features {
        regex: read.iter().any(|id| shapes.get(id.as_str()).is_some_and(|s| s.constraints.pattern.is_some())),
        input_streams: operations.iter().any(|op| has_stream(op.input)),
        output_streams: operations.iter().any(|op| has_stream(op.output)),
        event_streams: operations.iter().any(|op| has_events(op.input) || has_events(op.output)),
        compression: operations.iter().any(|op| op.gzip_request),
        checksums: operations.iter().any(|op| op.checksum_required),
        host_prefixes: operations.iter().any(|op| op.host_prefix.is_some()),
        server_tests: tests(TestSide::Server) || operations.iter().any(|op| !op.tests.malformed_request.is_empty()),
        client_tests: tests(TestSide::Client),
    }
}

/// Checks the service shape itself, and picks its protocol.
fn check_service(id: &str, shape: &AstShape, protocol: Option<&str>) -> Result<Protocol, Error> {
    if shape.kind != "service" {
        return Err(unsupported(id, format!("is a {}, not a service", shape.kind)));
    }
    let protocol = resolve_protocol(id, shape, protocol)?;
    if shape.traits.0.contains_key("aws.protocols#awsQueryCompatible")
        && !matches!(protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1)
    {
        return Err(unsupported(id, "@awsQueryCompatible applies to awsJson services only"));
    }
    check_traits(id, &shape.traits)?;
    Ok(protocol)
}

/// The operations a service contains, as Smithy's `TopDownIndex` finds them: those bound to
/// it, and those of its resources and their resources, lifecycle operations (`create`, `put`,
/// `read`, `update`, `delete`, `list`) included; each once, in the order first met.
fn contained_operations<'m>(model: &'m Ast, service: &'m AstShape) -> Result<Vec<&'m str>, Error> {
    fn visit<'m>(
        model: &'m Ast,
        shape: &'m AstShape,
        seen: &mut BTreeSet<&'m str>,
        operations: &mut Vec<&'m str>,
    ) -> Result<(), Error> {
        let lifecycle = [&shape.create, &shape.put, &shape.read, &shape.update, &shape.delete, &shape.list];
        let bound = lifecycle.into_iter().flatten().chain(&shape.operations).chain(&shape.collection_operations);
        for op in bound {
            if !operations.contains(&op.target.as_str()) {
                operations.push(&op.target);
            }
        }
        for resource in &shape.resources {
            let id = resource.target.as_str();
            let resource = model.shape(id)?;
            if resource.kind != "resource" {
                return Err(unsupported(id, format!("is a {}, not a resource", resource.kind)));
            }
            check_traits(id, &resource.traits)?;
            if seen.insert(id) {
                visit(model, resource, seen, operations)?;
            }
        }
        Ok(())
    }
    let mut operations = Vec::new();
    visit(model, service, &mut BTreeSet::new(), &mut operations)?;
    Ok(operations)
}

/// The service's operations (sorted by name, each with its auth schemes and errors, the
/// service's included), and what is resolved of them once their members are: their
/// `@paginated` names and their URI paths, by operation id.
struct Operations<'m> {
    operations: Vec<Operation<'m>>,
    pagination: BTreeMap<&'m str, PaginatedNames<'m>>,
    routes: BTreeMap<&'m str, Vec<RawSegment>>,
    /// Their inputs and outputs.
    top_level: BTreeSet<&'m str>,
}

fn resolve_operations<'m>(
    model: &'m Ast,
    service_id: &'m str,
    shape: &'m AstShape,
    protocol: Protocol,
    auth: &[AuthScheme<'m>],
) -> Result<Operations<'m>, Error> {
    let mut operations = Vec::new();
    let (mut pagination, mut routes) = (BTreeMap::new(), BTreeMap::new());
    let mut top_level = BTreeSet::new();
    for id in contained_operations(model, shape)? {
        let (mut operation, route) = resolve_operation(model, service_id, id, protocol)?;
        routes.insert(operation.id, route);
        if let Some(names) = resolve_paginated(model, id, shape)? {
            pagination.insert(operation.id, names);
        }
        operation.auth = match model.shape(id)?.traits.get("auth") {
            Some(order) => auth_order(id, auth, order)?,
            None => auth.to_vec(),
        };
        // Errors bound to the service can be answered by every operation, after its own.
        for error in &shape.errors {
            if !operation.errors.contains(&error.target.as_str()) {
                operation.errors.push(&error.target);
            }
        }
        // Each operation's input and output become its own `<Op>Input` / `<Op>Output`, even
        // when operations share a structure (or one structure is both), as in smithy-rs.
        for id in [operation.input, operation.output].into_iter().filter(|id| *id != UNIT) {
            if model.shape(id)?.traits.has("error") {
                return Err(unsupported(id, "an error structure cannot be an operation's input or output"));
            }
            top_level.insert(id);
        }
        operations.push(operation);
    }
    operations.sort_by(|a, b| a.name.cmp(b.name));
    Ok(Operations { operations, pagination, routes, top_level })
}

impl<'m> Resolver<'m> {
    /// Every error goes to `error`, its members bound to HTTP.
    fn place_errors(&mut self, operations: &[Operation<'m>]) {
        for op in operations {
            for error in &op.errors {
                let name = self.type_name(error);
                self.structs.insert(error.to_string(), (Module::Error, name));
                self.top_level.insert(error);
            }
        }
    }

    /// Everything reachable: what is read from requests, what is written to responses, each
    /// shape checked against the subset on the way.
    fn reachable(&self, operations: &[Operation<'m>]) -> Result<(BTreeSet<String>, BTreeSet<String>), Error> {
        let (mut read, mut written) = (BTreeSet::new(), BTreeSet::new());
        for op in operations {
            self.walk(op.input, &mut read)?;
            self.walk(op.output, &mut written)?;
            for error in &op.errors {
                self.walk(error, &mut written)?;
            }
        }
        Ok((read, written))
    }

    /// A structure or union used as a member is a type in `model`, even when it is also an
    /// operation's input or output; an error cannot be one. Rust names must not clash.
    fn place_nested<'a>(&mut self, reachable: impl Iterator<Item = &'a String>) -> Result<(), Error> {
        for id in reachable {
            let shape = self.model.shape(id)?;
            let members =
                shape.members.iter().map(|(_, m)| m).chain(&shape.member).chain(&shape.key).chain(&shape.value);
            let event_stream = shape.kind == "union" && shape.traits.has("streaming");
            for member in members {
                let target = member.target.as_str();
                // An event stream's errors are modeled errors (its exception messages).
                if event_stream && self.model.traits(target).has("error") {
                    if !self.structs.contains_key(target) {
                        let name = self.type_name(target);
                        self.structs.insert(target.to_owned(), (Module::Error, name));
                    }
                    continue;
                }
                if self.structs.get(target).is_some_and(|(module, _)| *module == Module::Error) {
                    return Err(unsupported(target, "an error structure cannot also be the target of a member"));
                }
                let nested = target != UNIT && matches!(self.model.kind(target)?, "structure" | "union");
                if nested && !self.structs.contains_key(target) {
                    let name = self.type_name(target);
                    self.structs.insert(target.to_owned(), (Module::Model, name));
                }
            }
        }
        check_unique_names(&self.structs)
    }

    /// The shapes inside request bodies (read) and response bodies (written).
    fn in_bodies(&self, operations: &[Operation<'m>]) -> Result<(BTreeSet<String>, BTreeSet<String>), Error> {
        let (mut read_json, mut written_json) = (BTreeSet::new(), BTreeSet::new());
        for op in operations {
            let responses = std::iter::once(op.output).chain(op.errors.iter().copied());
            for (id, is_request) in std::iter::once((op.input, true)).chain(responses.map(|id| (id, false))) {
                let seen = if is_request { &mut read_json } else { &mut written_json };
                for field in self.fields(id)? {
                    let json = match field.binding {
                        Binding::Body => true,
                        // restJson1 ignores @httpQuery in responses: such members go in the body.
                        Binding::Query(..) => !is_request,
                        Binding::Payload if self.is_event_stream(field.target) => {
                            self.walk_event_stream_json(field.target, seen)?;
                            false
                        }
                        Binding::Payload => {
                            matches!(self.resolve_ty(field.target)?, Ty::Struct(_) | Ty::Union(_) | Ty::Document)
                        }
                        _ => false,
                    };
                    if json {
                        self.walk_json(field.target, seen)?;
                    }
                }
            }
        }
        Ok((read_json, written_json))
    }
}

impl<'m> Resolver<'m> {
    /// Every shape the service reaches, resolved: those read and written, the operations' inputs
    /// and outputs, and the prelude shapes their members target.
    fn shapes(
        &self,
        operations: &[Operation<'m>],
        written: &BTreeSet<String>,
    ) -> Result<BTreeMap<&'m str, Shape<'m>>, Error> {
        let mut ids: BTreeSet<&'m str> = BTreeSet::from([UNIT]);
        for id in self.read.iter().chain(written) {
            let (id, shape) = self
                .model
                .shapes
                .get_key_value(id.as_str())
                .ok_or_else(|| unsupported(id, "shape not found in the model"))?;
            ids.insert(id.as_str());
            let members =
                shape.members.iter().map(|(_, m)| m).chain(&shape.member).chain(&shape.key).chain(&shape.value);
            ids.extend(members.map(|m| m.target.as_str()).filter(|target| prelude_kind(target).is_some()));
        }
        ids.extend(operations.iter().flat_map(|op| [op.input, op.output]));
        ids.into_iter().map(|id| Ok((id, self.shape(id)?))).collect()
    }

    /// A shape the service reaches, resolved.
    fn shape(&self, id: &'m str) -> Result<Shape<'m>, Error> {
        let traits = self.model.traits(id);
        let ty = self.resolve_ty(id)?;
        // Enums have members too, but only structures and unions have fields.
        let event_stream = if self.is_event_stream(id) { Some(self.event_stream(id)?) } else { None };
        let member_fields = match (ty, &event_stream) {
            // An event stream's Rust enum has its events; its errors are another enum's.
            (_, Some(stream)) => stream.events.iter().map(|event| event.member).collect(),
            (Ty::Struct(_) | Ty::Union(_), None) => self.fields_as(id, false)?,
            _ => Vec::new(),
        };
        let fields = if self.top_level.contains(id) { self.fields_as(id, true)? } else { member_fields.clone() };
        let error = traits.error().map(|fault| ErrorInfo {
            server_fault: fault == "server",
            http_status: traits.http_error(),
            retryable: traits.get("retryable").map(|r| r.get("throttling").and_then(Node::as_bool) == Some(true)),
            query_code: traits
                .0
                .get("aws.protocols#awsQueryError")
                .filter(|_| self.query_compatible)
                .map(|query| query.get("code").and_then(Node::as_str).unwrap_or_default()),
            response_tests: http_tests(traits, RESPONSE_TESTS, self.protocol),
        });
        Ok(Shape {
            ty,
            rust_name: self.type_name(id),
            docs: docs(traits),
            sensitive: self.is_sensitive(id),
            streaming: self.is_streaming(id),
            has_stream: fields.iter().any(|f| self.is_streaming(f.target) || self.is_event_stream(f.target)),
            media_type: traits.get("mediaType").and_then(Node::as_str),
            requires_length: traits.has("requiresLength"),
            constraints: Constraints {
                length: traits.length(),
                range: traits.range(),
                pattern: traits.pattern(),
                unique_items: traits.has("uniqueItems"),
            },
            enum_values: self.enum_values(id),
            error,
            fields,
            member_fields,
            event_stream,
        })
    }

    /// A list's member or a map's key or value.
    fn item(&self, member: &'m Member) -> Item<'m> {
        let format = member.traits.timestamp_format().or_else(|| self.model.traits(&member.target).timestamp_format());
        Item { target: &member.target, timestamp_format: format }
    }

    /// The values of an enum (an `enum` shape or a string with `@enum`), in model order.
    fn enum_values(&self, id: &str) -> Vec<EnumValue<'m>> {
        let Some(shape) = self.model.shapes.get(id) else { return Vec::new() };
        let mut values = Vec::new();
        if let Some(Node::Array(defs)) = shape.traits.get("enum") {
            // `resolve_ty` refused entries without a value.
            for def in defs {
                let Some(value) = def.get("value").and_then(Node::as_str) else { continue };
                let tags = def.get("tags").and_then(Node::as_array);
                values.push(EnumValue {
                    name: def.get("name").and_then(Node::as_str).unwrap_or(value),
                    value,
                    docs: Docs { doc: def.get("documentation").and_then(Node::as_str), deprecated: None },
                    internal: tags.is_some_and(|tags| tags.iter().any(|tag| tag.as_str() == Some("internal"))),
                });
            }
        } else if shape.kind == "enum" {
            for (name, member) in shape.members.iter() {
                values.push(EnumValue {
                    name,
                    value: member.traits.get("enumValue").and_then(Node::as_str).unwrap_or(name),
                    docs: docs(&member.traits),
                    internal: member.traits.has("internal"),
                });
            }
        }
        values
    }

    /// A `@default` of a member targeting `target`, if the generator can hold it.
    fn typed_default(&self, target: &'m str, value: &'m Node) -> Option<DefaultValue<'m>> {
        let ty = self.resolve_ty(target).ok()?;
        Some(match (ty, value) {
            (Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String), Node::String(s)) => DefaultValue::String(s),
            (Ty::Prim(Prim::Bool), Node::Bool(b)) => DefaultValue::Bool(*b),
            (Ty::Prim(p) | Ty::Newtype(_, p), Node::Number(n)) if p.is_float() => DefaultValue::Float(n.as_f64()?),
            (Ty::Prim(p) | Ty::Newtype(_, p), Node::Number(n)) if p.is_number() => {
                let v = n.as_i64()?;
                let fits = match p {
                    Prim::Byte => i8::try_from(v).is_ok(),
                    Prim::Short => i16::try_from(v).is_ok(),
                    Prim::Int => i32::try_from(v).is_ok(),
                    _ => true,
                };
                fits.then_some(DefaultValue::Integer(v))?
            }
            (Ty::IntEnum, Node::Number(n)) => DefaultValue::Integer(i32::try_from(n.as_i64()?).ok()?.into()),
            (Ty::Prim(Prim::Timestamp), Node::Number(n)) => DefaultValue::Timestamp(n.as_f64()?),
            (Ty::Prim(Prim::Blob), Node::String(s)) if self.is_streaming(target) => {
                s.is_empty().then_some(DefaultValue::Blob(s))?
            }
            (Ty::Prim(Prim::Blob) | Ty::Newtype(_, Prim::Blob), Node::String(s)) => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.decode(s).ok()?;
                DefaultValue::Blob(s)
            }
            (Ty::Enum(id), Node::String(s)) => {
                self.enum_values(id).iter().any(|v| v.value == *s).then_some(DefaultValue::Enum(s))?
            }
            (Ty::List { .. }, Node::Array(a)) if a.is_empty() => DefaultValue::Empty,
            (Ty::Map { .. }, Node::Object(o)) if o.is_empty() => DefaultValue::Empty,
            (Ty::Document, value) => DefaultValue::Document(value),
            _ => return None,
        })
    }

    /// Collects every model shape reachable from `id`, checking each against the subset.
    fn walk(&self, id: &str, seen: &mut BTreeSet<String>) -> Result<(), Error> {
        if id == UNIT || prelude_kind(id).is_some() || seen.contains(id) {
            return Ok(());
        }
        seen.insert(id.to_owned());
        let shape = self.model.shape(id)?;
        check_traits(id, &shape.traits)?;
        self.resolve_ty(id)?;
        // Compiled once per shape here rather than each time its type is asked for.
        if let Some(pattern) = shape.traits.pattern() {
            regex::Regex::new(pattern).map_err(|e| {
                unsupported(id, format!("@pattern {pattern:?} is not supported by Rust's regex crate (no look-around or backreferences): {e}"))
            })?;
        }
        let mut members: Vec<&Member> = shape.members.iter().map(|(_, m)| m).collect();
        members.extend(shape.member.iter().chain(&shape.key).chain(&shape.value));
        for (name, member) in shape.members.iter() {
            let member_id = format!("{id}${name}");
            check_traits(&member_id, &member.traits)?;
            if let Some(value) = raw_default(self.model, member)
                && self.typed_default(&member.target, value).is_none()
            {
                return Err(unsupported(&member_id, format!("@default {value} is not supported for this member")));
            }
            for constraint in ["length", "range", "pattern"] {
                if member.traits.has(constraint) {
                    return Err(unsupported(
                        &member_id,
                        format!("@{constraint} on a member is not supported; put it on the target shape"),
                    ));
                }
            }
        }
        if matches!(shape.kind.as_str(), "enum" | "intEnum") {
            return Ok(());
        }
        for member in members {
            self.walk(&member.target, seen)?;
        }
        Ok(())
    }

    /// Collects the shapes that JSON values are read or written as, from `id` down (map keys
    /// are object keys, not values, so they are left out).
    fn walk_json(&self, id: &'m str, seen: &mut BTreeSet<String>) -> Result<(), Error> {
        if id == UNIT || prelude_kind(id).is_some() || !seen.insert(id.to_owned()) {
            return Ok(());
        }
        match self.resolve_ty(id)? {
            Ty::List { member, .. } => self.walk_json(member.target, seen),
            Ty::Map { value, .. } => self.walk_json(value.target, seen),
            Ty::Struct(_) | Ty::Union(_) => {
                for field in self.member_fields(id)? {
                    self.walk_json(field.target, seen)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The shapes inside the JSON of an event stream's messages: its events' implicit bodies and
    /// structure payloads, and its errors.
    fn walk_event_stream_json(&self, id: &'m str, seen: &mut BTreeSet<String>) -> Result<(), Error> {
        let stream = self.event_stream(id)?;
        for event in &stream.events {
            for field in event.payload.iter().chain(&event.body) {
                self.walk_json(field.target, seen)?;
            }
        }
        for (_, error) in stream.errors {
            self.walk_json(error, seen)?;
        }
        Ok(())
    }

    /// Whether `target` is a `@streaming` union: an event stream.
    fn is_event_stream(&self, target: &str) -> bool {
        self.model.kind(target).is_ok_and(|kind| kind == "union") && self.model.traits(target).has("streaming")
    }

    /// The events and errors of the event stream `id` (a `@streaming` union), each event's
    /// members sorted into headers, payload and body, and checked.
    fn event_stream(&self, id: &'m str) -> Result<EventStream<'m>, Error> {
        let (mut events, mut errors) = (Vec::new(), Vec::new());
        for member in self.fields_as(id, false)? {
            if self.model.traits(member.target).has("error") {
                errors.push((member.name, member.target));
                continue;
            }
            if self.model.kind(member.target)? != "structure" {
                return Err(unsupported(&format!("{id}${}", member.name), "an event must target a structure"));
            }
            let target = self.model.shape(member.target)?;
            let (mut headers, mut payload, mut body) = (Vec::new(), None, Vec::new());
            for field in self.fields_as(member.target, false)? {
                let traits = &target.members.iter().find(|(name, _)| *name == field.name).map(|(_, m)| &m.traits);
                let member_id = format!("{}${}", member.target, field.name);
                let has = |name: &str| traits.is_some_and(|t| t.has(name));
                if has("eventHeader") {
                    match self.resolve_ty(field.target)? {
                        Ty::Prim(prim) if !prim.is_float() => {}
                        Ty::Enum(_) | Ty::IntEnum => {}
                        _ => {
                            return Err(unsupported(
                                &member_id,
                                "@eventHeader is supported for unconstrained booleans, integers, strings, enums, blobs and timestamps",
                            ));
                        }
                    }
                    headers.push(field);
                } else if has("eventPayload") {
                    if !matches!(
                        self.resolve_ty(field.target)?,
                        Ty::Struct(_) | Ty::Union(_) | Ty::Prim(Prim::String | Prim::Blob)
                    ) {
                        return Err(unsupported(
                            &member_id,
                            "@eventPayload is supported for structures, unions, unconstrained strings and blobs",
                        ));
                    }
                    payload = Some(field);
                } else {
                    body.push(field);
                }
            }
            if payload.is_some() && !body.is_empty() {
                return Err(unsupported(
                    member.target,
                    "an @eventPayload member beside members that are neither it nor @eventHeader",
                ));
            }
            events.push(Event { member, headers, payload, body });
        }
        Ok(EventStream { events, errors })
    }

    /// Whether `target` is a `@streaming` blob: a payload held as a `ByteStream`.
    fn is_streaming(&self, target: &str) -> bool {
        self.model.kind(target).is_ok_and(|kind| kind == "blob") && self.model.traits(target).has("streaming")
    }

    /// Whether values of shape `target` are `@sensitive`: the shape has the trait, or it is a list
    /// or map that holds such values. (A structure or union redacts its own members.)
    fn is_sensitive(&self, target: &str) -> bool {
        let Some(shape) = self.model.shapes.get(target) else { return false };
        shape.traits.has("sensitive")
            || (matches!(shape.kind.as_str(), "list" | "set" | "map")
                && shape.member.iter().chain(&shape.value).any(|m| self.is_sensitive(&m.target)))
    }

    /// Whether a header of shape `target` is base64: a string with `@mediaType` (restJson1).
    fn is_base64_header(&self, target: &str) -> bool {
        self.model.traits(target).has("mediaType")
    }

    /// Whether a member must be boxed: its target leads back to its container through
    /// structures and unions alone (lists and maps are indirections already).
    fn is_boxed(&self, container: &str, target: &'m str) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![target];
        while let Some(id) = stack.pop() {
            if id == container {
                return true;
            }
            if !seen.insert(id) {
                continue;
            }
            if let Some(shape) = self.model.shapes.get(id)
                && matches!(shape.kind.as_str(), "structure" | "union")
            {
                stack.extend(shape.members.iter().map(|(_, m)| m.target.as_str()));
            }
        }
        false
    }

    /// The Rust type name of a shape: its name in UpperCamelCase, or the service's `rename`.
    fn type_name(&self, id: &str) -> String {
        let name = self.shape.rename.get(id).map_or_else(|| shape_name(id), String::as_str);
        crate::names::type_name(name)
    }

    /// The Rust shape of any target shape id, or why the generator cannot hold it.
    fn resolve_ty(&self, id: &'m str) -> Result<Ty<'m>, Error> {
        let kind = self.model.kind(id)?;
        let traits = self.model.traits(id);
        // As in smithy-rs, a directly constrained shape is a newtype wherever it is used, outputs
        // too (smithy-rs #2760), so a handler builds it with `try_from`; a server checks only what
        // it reads.
        let constrained = traits.has("length") || traits.has("range") || traits.has("pattern");
        let prim = match kind {
            "string" if traits.has("enum") => {
                let entries = traits.get("enum").and_then(Node::as_array).into_iter().flatten();
                if entries.into_iter().any(|entry| entry.get("value").and_then(Node::as_str).is_none()) {
                    return Err(unsupported(id, "@enum entry without a value"));
                }
                return Ok(Ty::Enum(id));
            }
            "string" => Prim::String,
            "boolean" => Prim::Bool,
            "byte" => Prim::Byte,
            "short" => Prim::Short,
            "integer" => Prim::Int,
            "long" => Prim::Long,
            "float" => Prim::Float,
            "double" => Prim::Double,
            "timestamp" => Prim::Timestamp,
            "blob" => Prim::Blob,
            "enum" => return Ok(Ty::Enum(id)),
            "intEnum" => return Ok(Ty::IntEnum),
            "structure" => return Ok(Ty::Struct(id)),
            "document" if self.protocol.is_cbor() => {
                return Err(unsupported(id, "documents have no CBOR form under rpcv2Cbor"));
            }
            "document" => return Ok(Ty::Document),
            "union" if traits.has("streaming") && self.protocol != Protocol::RestJson1 => {
                return Err(unsupported(
                    id,
                    format!(
                        "event streams (@streaming unions) are supported under restJson1 only, not {} yet",
                        self.protocol.name()
                    ),
                ));
            }
            "union" => return Ok(Ty::Union(id)),
            "list" | "set" => {
                let shape = self.model.shape(id)?;
                let member = shape.member.as_ref().ok_or_else(|| unsupported(id, "list without a member"))?;
                let newtype = traits.has("length") || traits.has("uniqueItems");
                return Ok(Ty::List { id, member: self.item(member), newtype, sparse: traits.has("sparse") });
            }
            "map" => {
                let shape = self.model.shape(id)?;
                let (key, value) = shape
                    .key
                    .as_ref()
                    .zip(shape.value.as_ref())
                    .ok_or_else(|| unsupported(id, "map without key or value"))?;
                if !matches!(
                    self.resolve_ty(&key.target)?,
                    Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String) | Ty::Enum(_)
                ) {
                    return Err(unsupported(id, "map keys must be strings"));
                }
                return Ok(Ty::Map {
                    id,
                    key: self.item(key),
                    value: self.item(value),
                    newtype: traits.has("length"),
                    sparse: traits.has("sparse"),
                });
            }
            other => return Err(unsupported(id, format!("shapes of type {other} are not supported"))),
        };
        if (traits.has("length") || traits.has("pattern")) && !matches!(prim, Prim::String | Prim::Blob) {
            return Err(unsupported(id, "@length and @pattern apply to strings and blobs only"));
        }
        if traits.has("pattern") && prim == Prim::Blob {
            return Err(unsupported(id, "@pattern applies to strings only"));
        }
        if traits.has("range") && !prim.is_number() {
            return Err(unsupported(id, "@range applies to numbers only"));
        }
        Ok(if constrained { Ty::Newtype(id, prim) } else { Ty::Prim(prim) })
    }

    /// The members of a structure or union, with their bindings (`Body` outside inputs,
    /// outputs and errors).
    fn fields(&self, id: &'m str) -> Result<Vec<Field<'m>>, Error> {
        self.fields_as(id, self.top_level.contains(id))
    }

    /// The members of a structure or union used as a member of another shape: all in the body.
    fn member_fields(&self, id: &'m str) -> Result<Vec<Field<'m>>, Error> {
        self.fields_as(id, false)
    }

    fn fields_as(&self, id: &'m str, top_level: bool) -> Result<Vec<Field<'m>>, Error> {
        // `smithy.api#Unit` (no input or output) has no members.
        let Some(shape) = self.model.shapes.get(id) else { return Ok(Vec::new()) };
        let mut fields = Vec::new();
        for (name, member) in shape.members.iter() {
            let t = &member.traits;
            let target = member.target.as_str();
            let scalars_only = || unsupported(&format!("{id}${name}"), SCALARS_ONLY);
            let binding = if !top_level || !self.protocol.has_http_bindings() {
                Binding::Body
            } else if t.has("httpLabel") {
                Binding::Label(Scalar::of(target, self.resolve_ty(target)?).ok_or_else(scalars_only)?)
            } else if let Some(query) = t.http_query() {
                match self.http_value(target)? {
                    Some(value) => Binding::Query(query, value),
                    // restJson1 ignores @httpQuery in responses: such a member goes in the body.
                    None if !self.inputs.contains(id) => Binding::Body,
                    None => return Err(scalars_only()),
                }
            } else if t.has("httpQueryParams") {
                Binding::QueryParams
            } else if let Some(header) = t.http_header() {
                Binding::Header(header, self.http_value(target)?.ok_or_else(scalars_only)?)
            } else if let Some(prefix) = t.get("httpPrefixHeaders").and_then(Node::as_str) {
                Binding::PrefixHeaders(prefix)
            } else if t.has("httpPayload") {
                Binding::Payload
            } else if t.has("httpResponseCode") {
                Binding::ResponseCode
            } else {
                Binding::Body
            };
            let default = raw_default(self.model, member).and_then(|value| self.typed_default(&member.target, value));
            let timestamp_format = t
                .timestamp_format()
                .or_else(|| self.model.traits(&member.target).timestamp_format())
                .unwrap_or(match binding {
                    Binding::Header(..) | Binding::PrefixHeaders(_) => TimestampFormat::HttpDate,
                    Binding::Label(_) | Binding::Query(..) | Binding::QueryParams => TimestampFormat::DateTime,
                    _ => TimestampFormat::EpochSeconds,
                });
            fields.push(Field {
                container: id,
                name,
                target,
                // The RPC protocols ignore `@jsonName`.
                json: if self.protocol.has_http_bindings() { t.json_name().unwrap_or(name) } else { name },
                // A stream member is held plain, as smithy-rs holds it: a request or response
                // always has its stream (an empty body is an empty one).
                required: (t.has("required") || self.is_event_stream(target)) && shape.kind == "structure",
                default,
                binding,
                timestamp_format,
                docs: docs(t),
                redacted: t.has("sensitive") || self.is_sensitive(target) || shape.traits.has("sensitive"),
                boxed: self.is_boxed(id, target),
                client_optional: t.has("clientOptional"),
                idempotency_token: t.has("idempotencyToken"),
                host_label: t.has("hostLabel"),
            });
        }
        Ok(fields)
    }

    /// What a query parameter or a header of shape `target` holds, if HTTP can carry it there.
    fn http_value(&self, target: &'m str) -> Result<Option<HttpValue<'m>>, Error> {
        Ok(match self.resolve_ty(target)? {
            Ty::List { member, sparse: false, .. } => {
                Scalar::of(member.target, self.resolve_ty(member.target)?).map(|item| HttpValue::List(item, member))
            }
            ty => Scalar::of(target, ty).map(HttpValue::One),
        })
    }

    /// Where each operation's input members can go, checked against the URI pattern.
    fn check_bindings(&self, op: &Operation<'m>) -> Result<(), Error> {
        let route = &self.routes[op.id];
        let labels: Vec<&str> = route.iter().filter_map(RawSegment::label).collect();
        let input = self.fields(op.input)?;
        for label in host_labels(op.host_prefix.unwrap_or_default()) {
            let bound = input.iter().find(|f| f.name == label && f.host_label);
            match bound {
                Some(field) if field.required && matches!(self.resolve_ty(field.target)?, Ty::Prim(Prim::String)) => {}
                _ => {
                    return Err(unsupported(
                        op.id,
                        format!("the host prefix's {{{label}}} needs a required string input member with @hostLabel"),
                    ));
                }
            }
        }
        for label in &labels {
            if !input.iter().any(|f| f.name == *label && matches!(f.binding, Binding::Label(_))) {
                return Err(unsupported(
                    op.id,
                    format!("the URI label {{{label}}} has no @httpLabel member in the input"),
                ));
            }
        }
        for (id, fields, is_input) in [(op.input, input, true), (op.output, self.fields(op.output)?, false)] {
            let payloads = fields.iter().filter(|f| f.binding == Binding::Payload).count();
            for field in &fields {
                let member_id = format!("{id}${}", field.name);
                let ty = self.resolve_ty(field.target)?;
                if self.is_event_stream(field.target) && field.binding != Binding::Payload {
                    return Err(unsupported(&member_id, "event streams are supported as @httpPayload only"));
                }
                if self.is_streaming(field.target) {
                    if field.binding != Binding::Payload {
                        return Err(unsupported(&member_id, "@streaming blobs are supported as @httpPayload only"));
                    }
                    if op.checksum_required {
                        return Err(unsupported(&member_id, "@httpChecksumRequired with a @streaming payload"));
                    }
                }
                match field.binding {
                    Binding::Label(_) if !is_input => return Err(unsupported(&member_id, "@httpLabel in an output")),
                    Binding::Label(_) if !labels.contains(&field.name) => {
                        return Err(unsupported(&member_id, "@httpLabel member without a label in the URI"));
                    }
                    Binding::Label(_) if !field.required => {
                        return Err(unsupported(&member_id, "@httpLabel members must be @required"));
                    }
                    Binding::Label(_)
                        if route.contains(&RawSegment::Greedy(field.name.to_owned()))
                            && !matches!(ty, Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String)) =>
                    {
                        return Err(unsupported(&member_id, "a greedy label must bind a string"));
                    }
                    // restJson1 ignores @httpQuery in outputs: such a member is not written at all.
                    Binding::Query(..) if !is_input => {}
                    Binding::ResponseCode if is_input => {
                        return Err(unsupported(&member_id, "@httpResponseCode in an input"));
                    }
                    Binding::ResponseCode if !matches!(ty, Ty::Prim(Prim::Int)) => {
                        return Err(unsupported(&member_id, "@httpResponseCode must target an unconstrained integer"));
                    }
                    Binding::Header(name, _) if !is_header_name(name) => {
                        return Err(unsupported(&member_id, format!("{name:?} is not a valid HTTP header name")));
                    }
                    Binding::Header(..)
                        if self.is_base64_header(field.target) && !matches!(ty, Ty::Prim(Prim::String)) =>
                    {
                        return Err(unsupported(
                            &member_id,
                            "@mediaType headers are supported for unconstrained strings only",
                        ));
                    }
                    Binding::Label(_) | Binding::Query(..) | Binding::Header(..) => {
                        self.check_scalar_binding(&member_id, ty, field.binding)?
                    }
                    Binding::QueryParams if !is_input => {
                        return Err(unsupported(&member_id, "@httpQueryParams in an output"));
                    }
                    Binding::QueryParams | Binding::PrefixHeaders(_) => self.check_map_binding(&member_id, field)?,
                    Binding::Payload if payloads > 1 => {
                        return Err(unsupported(&member_id, "more than one @httpPayload member"));
                    }
                    Binding::Payload => {
                        if fields.iter().any(|f| f.binding == Binding::Body) {
                            return Err(unsupported(&member_id, "@httpPayload beside body members"));
                        }
                        if !matches!(
                            ty,
                            Ty::Struct(_)
                                | Ty::Union(_)
                                | Ty::Document
                                | Ty::Enum(_)
                                | Ty::Prim(Prim::String | Prim::Blob)
                                | Ty::Newtype(_, Prim::String | Prim::Blob)
                        ) {
                            return Err(unsupported(
                                &member_id,
                                "@httpPayload is supported for structures, unions, documents, strings, enums and blobs only",
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// `@httpQueryParams` and `@httpPrefixHeaders` bind maps of strings to strings (and, for
    /// query parameters, to lists of strings), as Smithy requires; constraints on them are not
    /// supported.
    fn check_map_binding(&self, member_id: &str, field: &Field<'m>) -> Result<(), Error> {
        let string = |target: &'m str| Ok::<_, Error>(matches!(self.resolve_ty(target)?, Ty::Prim(Prim::String)));
        let supported = match self.resolve_ty(field.target)? {
            Ty::Map { key, value, newtype: false, sparse: false, .. } if string(key.target)? => {
                match self.resolve_ty(value.target)? {
                    Ty::Prim(Prim::String) => true,
                    Ty::List { member, newtype: false, sparse: false, .. } => {
                        field.binding == Binding::QueryParams && string(member.target)?
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if supported {
            Ok(())
        } else {
            Err(unsupported(
                member_id,
                "@httpQueryParams and @httpPrefixHeaders are supported on maps of unconstrained strings (to unconstrained strings, or for query parameters lists of them) only",
            ))
        }
    }

    fn check_scalar_binding(&self, member_id: &str, ty: Ty<'m>, binding: Binding<'m>) -> Result<(), Error> {
        let scalar = |ty: Ty<'m>| {
            matches!(ty, Ty::Prim(p) | Ty::Newtype(_, p) if p != Prim::Blob) || matches!(ty, Ty::Enum(_) | Ty::IntEnum)
        };
        match ty {
            _ if scalar(ty) => Ok(()),
            Ty::List { member, sparse: false, .. }
                if !matches!(binding, Binding::Label(_))
                    && scalar(self.resolve_ty(member.target)?)
                    && !self.is_base64_header(member.target) =>
            {
                Ok(())
            }
            _ => Err(unsupported(member_id, SCALARS_ONLY)),
        }
    }

    fn resolve_validation_exception(&self, id: &'m str) -> Result<ValidationException<'m>, Error> {
        let shape = self.model.shape(id)?;
        if shape.kind != "structure" || !shape.traits.has("error") {
            return Err(unsupported(id, "the validation exception must be an @error structure"));
        }
        let find = |shape: &'m AstShape, wanted: &str| {
            shape.members.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted))
        };
        let (message, message_member) = find(shape, "message")
            .ok_or_else(|| unsupported(id, "the validation exception needs a `message` string member"))?;
        if !matches!(self.resolve_ty(&message_member.target)?, Ty::Prim(Prim::String)) {
            return Err(unsupported(id, "the validation exception's message must be an unconstrained string"));
        }
        let mut field_list = None;
        if let Some((list_name, list_member)) = find(shape, "fieldList") {
            let item = match self.resolve_ty(&list_member.target)? {
                Ty::List { member, .. } => self.model.shape(member.target)?,
                _ => return Err(unsupported(id, "fieldList must be a list of structures with `path` and `message`")),
            };
            let path = find(item, "path").ok_or_else(|| unsupported(id, "fieldList items need a `path` member"))?;
            let item_message =
                find(item, "message").ok_or_else(|| unsupported(id, "fieldList items need a `message` member"))?;
            field_list = Some((
                json_name(list_name, list_member),
                json_name(path.0, path.1),
                json_name(item_message.0, item_message.1),
            ));
        }
        for (name, member) in shape.members.iter() {
            let known = name.eq_ignore_ascii_case("message") || name.eq_ignore_ascii_case("fieldList");
            if !known && member.traits.has("required") {
                return Err(unsupported(
                    &format!("{id}${name}"),
                    "the validation exception can have no required members besides message and fieldList",
                ));
            }
        }
        Ok(ValidationException {
            id,
            name: shape_name(id),
            status: shape.traits.http_error().unwrap_or(400),
            message: json_name(message, message_member),
            field_list,
        })
    }
}

/// A member's `@default`, or its target's (a `null` on the member removes the target's).
fn raw_default<'m>(model: &'m Ast, member: &'m Member) -> Option<&'m Node> {
    match member.traits.default_value().or_else(|| model.traits(&member.target).default_value()) {
        Some(Node::Null) | None => None,
        Some(value) => Some(value),
    }
}

fn json_name<'m>(name: &'m str, member: &'m Member) -> &'m str {
    member.traits.json_name().unwrap_or(name)
}

fn resolve_operation<'m>(
    model: &'m Ast,
    service_id: &str,
    id: &'m str,
    protocol: Protocol,
) -> Result<(Operation<'m>, Vec<RawSegment>), Error> {
    let shape = model.shape(id)?;
    check_traits(id, &shape.traits)?;
    // RPC protocols call every operation with `POST` (awsJson at `/`, rpcv2Cbor at
    // `/service/<service>/operation/<operation>`), whatever its `@http` says.
    let cbor_uri = format!("/service/{}/operation/{}", shape_name(service_id), shape_name(id));
    let (method, uri, code) = match shape.traits.http() {
        _ if protocol.is_cbor() => ("POST", cbor_uri.as_str(), 200),
        _ if !protocol.has_http_bindings() => ("POST", "/", 200),
        Some(http) => http,
        None => return Err(unsupported(id, "operations need an @http trait under restJson1")),
    };
    if !matches!(method, "GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS") {
        return Err(unsupported(id, format!("HTTP method {method} is not supported")));
    }
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut segments = Vec::new();
    for segment in path.trim_start_matches('/').split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(label) if label.ends_with('+') => {
                if segments.iter().any(|s| matches!(s, RawSegment::Greedy(_))) {
                    return Err(unsupported(id, "more than one greedy label in the URI"));
                }
                segments.push(RawSegment::Greedy(label.trim_end_matches('+').to_owned()));
            }
            Some(label) => segments.push(RawSegment::Label(label.to_owned())),
            None if segment.contains('{') => {
                return Err(unsupported(id, format!("URI segment {segment:?} mixes a label with text")));
            }
            None => segments.push(RawSegment::Literal(segment.to_owned())),
        }
    }
    let query_literals = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| match q.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (q.to_owned(), None),
        })
        .collect();
    let target = |t: &'m Option<crate::ast::Target>| t.as_ref().map_or(UNIT, |t| t.target.as_str());
    let operation = Operation {
        id,
        name: shape_name(id),
        method,
        segments: Vec::new(),
        query_literals,
        code,
        input: target(&shape.input),
        output: target(&shape.output),
        errors: shape.errors.iter().map(|e| e.target.as_str()).collect(),
        docs: docs(&shape.traits),
        host_prefix: shape.traits.get("endpoint").and_then(|e| e.get("hostPrefix")).and_then(Node::as_str),
        checksum_required: shape.traits.has("httpChecksumRequired"),
        paginated: None,
        validation: 0,
        input_stream: None,
        output_stream: None,
        auth: Vec::new(),
        optional_auth: shape.traits.has("optionalAuth"),
        tests: ProtocolTests {
            request: http_tests(&shape.traits, REQUEST_TESTS, protocol),
            response: http_tests(&shape.traits, RESPONSE_TESTS, protocol),
            malformed_request: malformed_tests(&shape.traits, protocol),
            event_stream: event_stream_tests(&shape.traits, protocol),
        },
        gzip_request: match shape.traits.get("requestCompression") {
            None => false,
            Some(compression) => {
                let encodings = compression.get("encodings").and_then(Node::as_array);
                if !encodings.is_some_and(|e| e.iter().any(|e| e.as_str() == Some("gzip"))) {
                    return Err(unsupported(id, "@requestCompression is supported with gzip only"));
                }
                true
            }
        },
    };
    Ok((operation, segments))
}

/// The service's auth schemes: its auth traits, in the order its `@auth` gives (which may leave
/// some out), else sorted by trait id, as Smithy's effective auth schemes are.
fn resolve_auth<'m>(id: &str, service: &'m AstShape) -> Result<Vec<AuthScheme<'m>>, Error> {
    let traits = &service.traits.0;
    let mut schemes = Vec::new();
    if let Some(sigv4) = traits.get("aws.auth#sigv4") {
        let name = sigv4.get("name").and_then(Node::as_str).unwrap_or_default();
        schemes.push(AuthScheme::SigV4 { name });
    }
    if traits.contains_key("smithy.api#httpBearerAuth") {
        schemes.push(AuthScheme::Bearer);
    }
    if let Some(api_key) = traits.get("smithy.api#httpApiKeyAuth") {
        let (Some(name), Some(place)) =
            (api_key.get("name").and_then(Node::as_str), api_key.get("in").and_then(Node::as_str))
        else {
            return Err(unsupported(id, "@httpApiKeyAuth needs `name` and `in`"));
        };
        let scheme = api_key.get("scheme").and_then(Node::as_str);
        schemes.push(AuthScheme::ApiKey { name, in_header: place == "header", scheme });
    }
    schemes.sort_by_key(|scheme| scheme.id());
    match traits.get("smithy.api#auth") {
        Some(order) => auth_order(id, &schemes, order),
        None => Ok(schemes),
    }
}

/// The schemes an `@auth` list names, in its order; each must be one of the service's.
fn auth_order<'m>(id: &str, schemes: &[AuthScheme<'m>], order: &Node) -> Result<Vec<AuthScheme<'m>>, Error> {
    let mut ordered = Vec::new();
    for name in order.as_array().into_iter().flatten().filter_map(Node::as_str) {
        match schemes.iter().find(|scheme| scheme.id() == name) {
            Some(scheme) => ordered.push(*scheme),
            None => return Err(unsupported(id, format!("@auth names {name}, which the service does not have"))),
        }
    }
    Ok(ordered)
}

/// An operation's `@paginated`, each of its values falling back on the service's; checked to
/// name top-level members of the right kinds.
fn resolve_paginated<'m>(
    model: &'m Ast,
    id: &'m str,
    service: &'m AstShape,
) -> Result<Option<PaginatedNames<'m>>, Error> {
    let shape = model.shape(id)?;
    let Some(own) = shape.traits.get("paginated") else { return Ok(None) };
    let value = |key: &str| {
        own.get(key).or_else(|| service.traits.get("paginated").and_then(|p| p.get(key))).and_then(Node::as_str)
    };
    let (Some(input_token), Some(output_token)) = (value("inputToken"), value("outputToken")) else {
        return Err(unsupported(id, "@paginated needs inputToken and outputToken (on the operation or the service)"));
    };
    let (page_size, items) = (value("pageSize"), value("items"));
    let member = |structure: Option<&'m crate::ast::Target>, name: &str| -> Result<&'m Member, Error> {
        if name.contains('.') {
            return Err(unsupported(id, format!("@paginated path {name:?}: nested paths are not supported")));
        }
        structure
            .and_then(|t| model.shapes.get(&t.target))
            .and_then(|s| s.members.get(name))
            .ok_or_else(|| unsupported(id, format!("@paginated names {name:?}, which is not a member")))
    };
    let string = |m: &Member| model.kind(&m.target).is_ok_and(|k| k == "string");
    if !string(member(shape.input.as_ref(), input_token)?) || !string(member(shape.output.as_ref(), output_token)?) {
        return Err(unsupported(id, "@paginated tokens are supported as string members only"));
    }
    if let Some(page_size) = page_size
        && !model.kind(&member(shape.input.as_ref(), page_size)?.target).is_ok_and(|k| k == "integer")
    {
        return Err(unsupported(id, "@paginated pageSize must be an integer member"));
    }
    if let Some(items) = items
        && !model.kind(&member(shape.output.as_ref(), items)?.target).is_ok_and(|k| matches!(k, "list" | "map"))
    {
        return Err(unsupported(id, "@paginated items must be a list or map member"));
    }
    Ok(Some(PaginatedNames { input_token, output_token, page_size, items }))
}

/// The member names of an operation's `@paginated`, checked against its input and output.
struct PaginatedNames<'m> {
    input_token: &'m str,
    output_token: &'m str,
    page_size: Option<&'m str>,
    items: Option<&'m str>,
}

/// An operation's `@paginated` members, resolved.
fn paginated<'m>(
    shapes: &BTreeMap<&'m str, Shape<'m>>,
    op: &Operation<'m>,
    names: PaginatedNames<'m>,
) -> Result<Paginated<'m>, Error> {
    let member = |id: &str, name: &str| {
        let field = shapes.get(id).and_then(|shape| shape.fields.iter().find(|f| f.name == name));
        field.copied().ok_or_else(|| unsupported(op.id, format!("@paginated names {name:?}, which is not a member")))
    };
    let items = match names.items {
        Some(name) => {
            let field = member(op.output, name)?;
            let collection = match shapes.get(field.target).map(|shape| shape.ty) {
                Some(Ty::List { member, sparse, .. }) => Collection::List { member, sparse },
                Some(Ty::Map { key, value, sparse, .. }) => Collection::Map { key, value, sparse },
                _ => return Err(unsupported(op.id, "@paginated items must be a list or map member")),
            };
            Some(PageItems { field, collection })
        }
        None => None,
    };
    Ok(Paginated {
        input_token: member(op.input, names.input_token)?,
        output_token: member(op.output, names.output_token)?,
        page_size: names.page_size.map(|name| member(op.input, name)).transpose()?,
        items,
    })
}

/// The error for a member bound to a label, a query parameter or a header that HTTP cannot carry.
const SCALARS_ONLY: &str = "HTTP labels, query parameters and headers support scalars (and, for query and headers, dense lists of scalars) only";

/// A segment of a URI pattern as the resolver first reads it: labels by name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RawSegment {
    Literal(String),
    Label(String),
    Greedy(String),
}

impl RawSegment {
    fn label(&self) -> Option<&str> {
        match self {
            RawSegment::Label(name) | RawSegment::Greedy(name) => Some(name),
            RawSegment::Literal(_) => None,
        }
    }
}

/// An operation's URI path, each label with the input member bound to it (checked by
/// `check_bindings`).
fn segments<'m>(
    shapes: &BTreeMap<&'m str, Shape<'m>>,
    op: &Operation<'m>,
    route: &[RawSegment],
) -> Result<Vec<Segment<'m>>, Error> {
    let input = shapes.get(op.input).map(|shape| shape.fields.as_slice()).unwrap_or_default();
    let label = |name: &str, greedy: bool| {
        let bound = input.iter().enumerate().find_map(|(member, field)| match field.binding {
            Binding::Label(scalar) if field.name == name => Some(Label { field: *field, scalar, greedy, member }),
            _ => None,
        });
        bound.ok_or_else(|| {
            unsupported(op.id, format!("the URI label {{{name}}} has no @httpLabel member in the input"))
        })
    };
    route
        .iter()
        .map(|segment| match segment {
            RawSegment::Literal(text) => Ok(Segment::Literal(text.clone())),
            RawSegment::Label(name) => label(name, false).map(|label| Segment::Label(Box::new(label))),
            RawSegment::Greedy(name) => label(name, true).map(|label| Segment::Label(Box::new(label))),
        })
        .collect()
}

/// An HTTP header name: a non-empty token (RFC 9110).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Refuses a shape or member that carries a trait the generator does not handle: every trait
/// either changes the generated code ([`IMPLEMENTED_TRAITS`]), or is known to have no effect on it
/// ([`NO_EFFECT_TRAITS`]); any other is an error naming the shape, so that none is ignored silently.
/// (smithy-build's `excludeTraits` transform removes a trait a user chooses to do without.)
fn check_traits(id: &str, traits: &Traits) -> Result<(), Error> {
    for name in traits.0.keys() {
        if !IMPLEMENTED_TRAITS.contains(&name.as_str()) && !NO_EFFECT_TRAITS.contains(&name.as_str()) {
            return Err(unsupported(id, format!("the @{name} trait is not supported by the generator")));
        }
    }
    Ok(())
}

fn check_unique_names(structs: &BTreeMap<String, (Module, String)>) -> Result<(), Error> {
    let mut seen: BTreeMap<(Module, &str), &str> = BTreeMap::new();
    for (id, (module, name)) in structs {
        let key = (*module, name.as_str());
        if let Some(other) = seen.insert(key, id) {
            return Err(unsupported(
                id,
                format!("its Rust name {name} clashes with {other} in module {}", module.name()),
            ));
        }
    }
    Ok(())
}

/// A shape's or member's `@documentation` and `@deprecated`.
fn docs(traits: &Traits) -> Docs<'_> {
    let deprecated = traits.get("deprecated").map(|value| {
        let text = |key: &str| value.get(key).and_then(Node::as_str);
        Deprecated { message: text("message"), since: text("since") }
    });
    Docs { doc: traits.documentation(), deprecated }
}
