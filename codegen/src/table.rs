//! A generated crate as a table: one row per file, naming its path, what writes it, when the crate
//! has it and the crates its code uses. Each side's `generate` resolves the model, then walks its
//! table; the crate's `Cargo.toml` lists what the rows present use ([`crate::manifest`]).

use proc_macro2::TokenStream;

use crate::ir::Operation;
use crate::render::{rust_file, rust_source};
use crate::{Error, File, Settings, names};

/// What writes a file.
pub(crate) enum Emit<'m, G> {
    /// An emitter.
    Tokens(fn(&G) -> TokenStream),
    /// An emitter that can fail.
    Fallible(fn(&G) -> Result<TokenStream, Error>),
    /// An emitter run once per operation: one file each, `<op>` in the path standing for the
    /// operation's name in snake case.
    PerOperation(fn(&G, &Operation<'m>) -> TokenStream),
    /// A support template (`codegen/support/`), copied verbatim.
    Template(&'static str),
}

/// Crates a file's code uses (a name, or `name/feature`), and when it uses them.
pub(crate) type Uses<G> = (fn(&G) -> bool, &'static [&'static str]);

/// One file of a generated crate (or one per operation).
pub(crate) struct Row<'m, G> {
    pub path: &'static str,
    pub emit: Emit<'m, G>,
    /// Whether the crate has the file.
    pub when: fn(&G) -> bool,
    /// The crates its code uses beyond those every crate of the side uses (a name, or
    /// `name/feature` for a feature it needs, as in Cargo), each group with when its code uses
    /// them: some code is only there for some models.
    pub uses: Vec<Uses<G>>,
    /// The crates its tests use (`[dev-dependencies]`), the same way.
    pub dev_uses: &'static [&'static str],
    /// The crates its tests use only for some models, each group with when.
    pub dev_uses_when: Vec<Uses<G>>,
}

fn always<G>(_: &G) -> bool {
    true
}

impl<'m, G> Row<'m, G> {
    /// A file every crate of the side has.
    pub fn new(path: &'static str, emit: Emit<'m, G>) -> Self {
        Row { path, emit, when: always, uses: Vec::new(), dev_uses: &[], dev_uses_when: Vec::new() }
    }

    /// Only in crates for which `when` holds.
    pub fn when(self, when: fn(&G) -> bool) -> Self {
        Row { when, ..self }
    }

    pub fn uses(self, uses: &'static [&'static str]) -> Self {
        self.uses_if(always, uses)
    }

    /// Uses `uses` only when `when` holds, e.g. `regex` when the model has `@pattern`.
    pub fn uses_if(mut self, when: fn(&G) -> bool, uses: &'static [&'static str]) -> Self {
        self.uses.push((when, uses));
        self
    }

    pub fn dev_uses(self, dev_uses: &'static [&'static str]) -> Self {
        Row { dev_uses, ..self }
    }

    /// Its tests use `dev_uses` only when `when` holds.
    pub fn dev_uses_if(mut self, when: fn(&G) -> bool, dev_uses: &'static [&'static str]) -> Self {
        self.dev_uses_when.push((when, dev_uses));
        self
    }
}

/// The rows a crate has, for `g`.
pub(crate) fn present<'r, 'm, G>(rows: &'r [Row<'m, G>], g: &G) -> Vec<&'r Row<'m, G>> {
    rows.iter().filter(|row| (row.when)(g)).collect()
}

/// What the rows a crate has use: `[dependencies]`, then `[dev-dependencies]`.
pub(crate) fn uses<G>(rows: &[&Row<'_, G>], g: &G) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut uses = Vec::new();
    let mut dev_uses = Vec::new();
    for row in rows {
        for (when, crates) in &row.uses {
            if when(g) {
                uses.extend(*crates);
            }
        }
        dev_uses.extend(row.dev_uses);
        for (when, crates) in &row.dev_uses_when {
            if when(g) {
                dev_uses.extend(*crates);
            }
        }
    }
    (uses, dev_uses)
}

/// The files of the rows a crate has.
pub(crate) fn write<'m, G>(
    rows: &[&Row<'m, G>],
    g: &G,
    operations: &[Operation<'m>],
    settings: &Settings,
) -> Result<Vec<File>, Error> {
    let mut files = Vec::new();
    for row in rows {
        match row.emit {
            Emit::Tokens(emit) => files.push(rust_file(row.path, emit(g), settings)?),
            Emit::Fallible(emit) => files.push(rust_file(row.path, emit(g)?, settings)?),
            Emit::Template(source) => files.push(rust_source(row.path, source, settings)?),
            Emit::PerOperation(emit) => {
                for op in operations {
                    let path = row.path.replace("<op>", &names::snake(op.name));
                    files.push(rust_file(&path, emit(g, op), settings)?);
                }
            }
        }
    }
    Ok(files)
}

/// The files a side's module docs list in their table (`//! | `path` ...`), in order.
#[cfg(test)]
pub(crate) fn documented(source: &str) -> Vec<&str> {
    source.lines().filter_map(|line| line.strip_prefix("//! | `")).filter_map(|line| line.split('`').next()).collect()
}
