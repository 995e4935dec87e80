//! The Smithy JSON AST (what `smithy ast --flatten` and the `run` plugin write), with typed
//! accessors for the traits the generator understands.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::Error;
pub use crate::names::shape_name;

/// A whole model as the AST holds it: every shape by absolute shape id (`ns#Name`). Prelude shapes are absent.
#[derive(Debug, Deserialize)]
pub struct Ast {
    #[serde(default)]
    pub shapes: BTreeMap<String, Shape>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: String,
    /// Structure, union, enum and intEnum members, in model order.
    #[serde(default)]
    pub members: indexmap_lite::OrderedMap<Member>,
    pub member: Option<Member>,
    pub key: Option<Member>,
    pub value: Option<Member>,
    pub input: Option<Target>,
    pub output: Option<Target>,
    #[serde(default)]
    pub errors: Vec<Target>,
    #[serde(default)]
    pub operations: Vec<Target>,
    /// A service's or resource's resources.
    #[serde(default)]
    pub resources: Vec<Target>,
    /// A resource's lifecycle operations.
    pub create: Option<Target>,
    pub put: Option<Target>,
    pub read: Option<Target>,
    pub update: Option<Target>,
    pub delete: Option<Target>,
    pub list: Option<Target>,
    /// A resource's operations on a collection of its instances (`operations` holds those on
    /// one instance).
    #[serde(default, rename = "collectionOperations")]
    pub collection_operations: Vec<Target>,
    pub version: Option<String>,
    /// A service's renames of shapes whose names clash across namespaces.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    #[serde(default)]
    pub traits: Traits,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Target {
    pub target: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    pub target: String,
    #[serde(default)]
    pub traits: Traits,
}

/// Trait values by absolute trait id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Traits(pub BTreeMap<String, Node>);

/// `@length` / `@range` bounds, kept as the model wrote them (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    pub min: Option<serde_json::Number>,
    pub max: Option<serde_json::Number>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

/// A trait's value (Smithy's node value): JSON, read once from the AST. Objects are ordered by
/// key, as `serde_json`'s map orders them.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(BTreeMap<String, Node>),
}

impl Node {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members) => members.get(key),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        if let Node::String(s) = self { Some(s) } else { None }
    }
    pub fn as_bool(&self) -> Option<bool> {
        if let Node::Bool(b) = self { Some(*b) } else { None }
    }
    pub fn as_u64(&self) -> Option<u64> {
        if let Node::Number(n) = self { n.as_u64() } else { None }
    }
    pub fn as_i64(&self) -> Option<i64> {
        if let Node::Number(n) = self { n.as_i64() } else { None }
    }
    pub fn as_f64(&self) -> Option<f64> {
        if let Node::Number(n) = self { n.as_f64() } else { None }
    }
    pub fn as_number(&self) -> Option<&serde_json::Number> {
        if let Node::Number(n) = self { Some(n) } else { None }
    }
    pub fn as_array(&self) -> Option<&[Node]> {
        if let Node::Array(items) = self { Some(items) } else { None }
    }
    pub fn as_object(&self) -> Option<&BTreeMap<String, Node>> {
        if let Node::Object(members) = self { Some(members) } else { None }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }
    /// Parses JSON text (a protocol test after its parameters are substituted).
    pub fn parse(json: &str) -> Option<Node> {
        serde_json::from_str::<Value>(json).ok().map(Node::from)
    }
}

impl From<Value> for Node {
    fn from(value: Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(b),
            Value::Number(n) => Node::Number(n),
            Value::String(s) => Node::String(s),
            Value::Array(items) => Node::Array(items.into_iter().map(Node::from).collect()),
            Value::Object(members) => Node::Object(members.into_iter().map(|(k, v)| (k, Node::from(v))).collect()),
        }
    }
}

impl From<&Node> for Value {
    fn from(node: &Node) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.clone()),
            Node::Array(items) => Value::Array(items.iter().map(Value::from).collect()),
            Node::Object(members) => Value::Object(members.iter().map(|(k, v)| (k.clone(), Value::from(v))).collect()),
        }
    }
}

/// The node as compact JSON.
impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Value::from(self))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        Value::deserialize(deserializer).map(Node::from)
    }
}

impl Traits {
    pub fn get(&self, id: &str) -> Option<&Node> {
        self.0.get(&format!("smithy.api#{id}"))
    }
    pub fn has(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
    fn str(&self, id: &str) -> Option<&str> {
        self.get(id).and_then(Node::as_str)
    }
    pub fn documentation(&self) -> Option<&str> {
        self.str("documentation")
    }
    pub fn json_name(&self) -> Option<&str> {
        self.str("jsonName")
    }
    pub fn http_header(&self) -> Option<&str> {
        self.str("httpHeader")
    }
    pub fn http_query(&self) -> Option<&str> {
        self.str("httpQuery")
    }
    pub fn pattern(&self) -> Option<&str> {
        self.str("pattern")
    }
    pub fn http_error(&self) -> Option<u16> {
        self.get("httpError").and_then(Node::as_u64).map(|c| c as u16)
    }
    /// `client` or `server` for an `@error` structure.
    pub fn error(&self) -> Option<&str> {
        self.str("error")
    }
    pub fn length(&self) -> Option<Bounds> {
        self.bounds("length")
    }
    pub fn range(&self) -> Option<Bounds> {
        self.bounds("range")
    }
    fn bounds(&self, id: &str) -> Option<Bounds> {
        let v = self.get(id)?;
        let n = |k: &str| v.get(k).and_then(|n| n.as_number().cloned());
        Some(Bounds { min: n("min"), max: n("max") })
    }
    pub fn timestamp_format(&self) -> Option<TimestampFormat> {
        match self.str("timestampFormat")? {
            "date-time" => Some(TimestampFormat::DateTime),
            "http-date" => Some(TimestampFormat::HttpDate),
            "epoch-seconds" => Some(TimestampFormat::EpochSeconds),
            _ => None,
        }
    }
    pub fn default_value(&self) -> Option<&Node> {
        self.get("default")
    }
    /// `@http(method, uri, code)` of an operation.
    pub fn http(&self) -> Option<(&str, &str, u16)> {
        let v = self.get("http")?;
        let code = v.get("code").and_then(Node::as_u64).unwrap_or(200) as u16;
        Some((v.get("method")?.as_str()?, v.get("uri")?.as_str()?, code))
    }
}

impl Ast {
    pub fn parse(json: &str) -> Result<Ast, Error> {
        let mut model: Ast =
            serde_json::from_str(json).map_err(|e| Error(format!("the input is not a Smithy JSON AST: {e}")))?;
        model.hoist_member_constraints()?;
        Ok(model)
    }

    /// Removes operations from a service (by shape name or absolute id), e.g. those outside the
    /// generator's subset; fails on a name the service does not have.
    pub fn exclude_operations(&mut self, service: &str, names: &[String]) -> Result<(), Error> {
        let shape =
            self.shapes.get_mut(service).ok_or_else(|| Error(format!("{service}: shape not found in the model")))?;
        for name in names {
            let before = shape.operations.len();
            shape.operations.retain(|op| op.target != *name && shape_name(&op.target) != name);
            if shape.operations.len() == before {
                return Err(Error(format!("{service}: has no operation {name} to exclude")));
            }
        }
        Ok(())
    }

    /// Gives each member that carries its own `@length`, `@range` or `@pattern` a shape of its
    /// own (the target with the member's constraints), named `<Container><Member>`, so that the
    /// rest of the generator only meets constraints on shapes.
    fn hoist_member_constraints(&mut self) -> Result<(), Error> {
        const CONSTRAINTS: [&str; 3] = ["smithy.api#length", "smithy.api#range", "smithy.api#pattern"];
        let mut new_shapes = Vec::new();
        for (container_id, container) in &self.shapes {
            let (namespace, container_name) = container_id.split_once('#').unwrap_or(("", container_id));
            let collection = [("member", &container.member), ("key", &container.key), ("value", &container.value)];
            let members =
                container.members.iter().chain(collection.iter().filter_map(|(n, m)| Some((*n, m.as_ref()?))));
            for (member_name, member) in members {
                if !CONSTRAINTS.iter().any(|c| member.traits.0.contains_key(*c)) {
                    continue;
                }
                let mut shape = match self.shapes.get(&member.target) {
                    Some(target) => target.clone(),
                    None => Shape::prelude(&member.target).ok_or_else(|| {
                        Error(format!("{container_id}${member_name}: unknown target {}", member.target))
                    })?,
                };
                for constraint in CONSTRAINTS {
                    if let Some(value) = member.traits.0.get(constraint) {
                        shape.traits.0.insert(constraint.to_owned(), value.clone());
                    }
                }
                // The shape's documentation would describe the target, not this member.
                shape.traits.0.remove("smithy.api#documentation");
                let name = format!(
                    "{}{}",
                    heck::ToUpperCamelCase::to_upper_camel_case(container_name),
                    heck::ToUpperCamelCase::to_upper_camel_case(member_name)
                );
                let id = format!("{namespace}#{name}");
                if self.shapes.contains_key(&id) {
                    return Err(Error(format!(
                        "{container_id}${member_name}: its constraints need a shape named {id}, which the model already has"
                    )));
                }
                new_shapes.push((container_id.clone(), member_name.to_owned(), id, shape));
            }
        }
        for (container_id, member_name, id, shape) in new_shapes {
            if let Some(container) = self.shapes.get_mut(&container_id) {
                let collection =
                    [("member", &mut container.member), ("key", &mut container.key), ("value", &mut container.value)];
                let collection = collection.into_iter().filter_map(|(n, m)| Some((n, m.as_mut()?)));
                let members = container.members.0.iter_mut().map(|(n, m)| (n.as_str(), m)).chain(collection);
                for (name, member) in members {
                    if name == member_name {
                        member.target = id.clone();
                        for constraint in CONSTRAINTS {
                            member.traits.0.remove(constraint);
                        }
                    }
                }
            }
            self.shapes.insert(id, shape);
        }
        Ok(())
    }

    /// The shape behind `id`, or an error naming it. Prelude shapes (`smithy.api#String`, ...)
    /// are not in the AST; callers resolve them with [`prelude_kind`] first.
    pub fn shape(&self, id: &str) -> Result<&Shape, Error> {
        self.shapes.get(id).ok_or_else(|| Error(format!("{id}: shape not found in the model")))
    }

    /// The shape type of any target: a model shape or a prelude simple shape.
    pub fn kind<'a>(&'a self, id: &'a str) -> Result<&'a str, Error> {
        match prelude_kind(id) {
            Some(kind) => Ok(kind),
            None => Ok(&self.shape(id)?.kind),
        }
    }

    /// The traits of a target shape (none for prelude shapes).
    pub fn traits(&self, id: &str) -> &Traits {
        static NONE: std::sync::OnceLock<Traits> = std::sync::OnceLock::new();
        match self.shapes.get(id) {
            Some(shape) => &shape.traits,
            None => NONE.get_or_init(Traits::default),
        }
    }
}

impl Shape {
    /// A model shape standing for a prelude simple shape (for constrained members that target one).
    fn prelude(id: &str) -> Option<Shape> {
        let kind = prelude_kind(id)?;
        Some(Shape {
            kind: kind.to_owned(),
            members: Default::default(),
            member: None,
            key: None,
            value: None,
            input: None,
            output: None,
            errors: Vec::new(),
            operations: Vec::new(),
            resources: Vec::new(),
            create: None,
            put: None,
            read: None,
            update: None,
            delete: None,
            list: None,
            collection_operations: Vec::new(),
            version: None,
            rename: BTreeMap::new(),
            traits: Traits::default(),
        })
    }
}

/// The shape type of a prelude shape id, e.g. `smithy.api#String` -> `string`.
pub fn prelude_kind(id: &str) -> Option<&'static str> {
    Some(match id.strip_prefix("smithy.api#")? {
        "String" => "string",
        "Blob" => "blob",
        "Boolean" | "PrimitiveBoolean" => "boolean",
        "Byte" | "PrimitiveByte" => "byte",
        "Short" | "PrimitiveShort" => "short",
        "Integer" | "PrimitiveInteger" => "integer",
        "Long" | "PrimitiveLong" => "long",
        "Float" | "PrimitiveFloat" => "float",
        "Double" | "PrimitiveDouble" => "double",
        "BigInteger" => "bigInteger",
        "BigDecimal" => "bigDecimal",
        "Timestamp" => "timestamp",
        "Document" => "document",
        "Unit" => "structure",
        _ => return None,
    })
}

/// A JSON object whose key order is kept (Smithy members are ordered), without a dependency.
pub mod indexmap_lite {
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

    #[derive(Debug, Clone)]
    pub struct OrderedMap<V>(pub Vec<(String, V)>);

    impl<V> Default for OrderedMap<V> {
        fn default() -> Self {
            OrderedMap(Vec::new())
        }
    }

    impl<V> OrderedMap<V> {
        pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
            self.0.iter().map(|(k, v)| (k.as_str(), v))
        }
        pub fn get(&self, key: &str) -> Option<&V> {
            self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
        }
        pub fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }

    impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Ordered<V>(std::marker::PhantomData<V>);
            impl<'de, V: Deserialize<'de>> Visitor<'de> for Ordered<V> {
                type Value = OrderedMap<V>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut entries = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        entries.push(entry);
                    }
                    Ok(OrderedMap(entries))
                }
            }
            deserializer.deserialize_map(Ordered(std::marker::PhantomData))
        }
    }
}
