//! The dependencies in a generated crate's `Cargo.toml`: each crate a side's code may use is
//! declared once (name, version, features), and listed when a file of the crate uses it.

use crate::Error;

/// A crate generated code may depend on.
pub(crate) struct Dep {
    pub name: &'static str,
    /// The version the workspace's Cargo.lock pins, which the generated crates are tested with.
    pub version: &'static str,
    pub default_features: bool,
    /// The features every use needs.
    pub features: &'static [&'static str],
}

impl Dep {
    pub const fn new(name: &'static str, version: &'static str) -> Self {
        Dep { name, version, default_features: true, features: &[] }
    }

    pub const fn features(self, features: &'static [&'static str]) -> Self {
        Dep { features, ..self }
    }

    pub const fn no_default_features(self) -> Self {
        Dep { default_features: false, ..self }
    }

    /// Its line in a manifest, with `more` features after its own.
    fn line(&self, more: &[&str]) -> String {
        let mut features = self.features.to_vec();
        for feature in more {
            if !features.contains(feature) {
                features.push(feature);
            }
        }
        if self.default_features && features.is_empty() {
            return format!("{} = \"{}\"\n", self.name, self.version);
        }
        let mut fields = vec![format!("version = \"{}\"", self.version)];
        if !self.default_features {
            fields.push("default-features = false".to_owned());
        }
        if !features.is_empty() {
            let quoted: Vec<String> = features.iter().map(|feature| format!("\"{feature}\"")).collect();
            fields.push(format!("features = [{}]", quoted.join(", ")));
        }
        format!("{} = {{ {} }}\n", self.name, fields.join(", "))
    }
}

/// `[dependencies]`, and `[dev-dependencies]` if anything is used in tests: the crates of
/// `declared` (in its order) that `uses` and `dev_uses` name. A use is a crate's name, or
/// `name/feature` for a feature beyond the declared ones, as in Cargo.
pub(crate) fn dependencies(declared: &[Dep], uses: &[&str], dev_uses: &[&str]) -> Result<String, Error> {
    let mut tables = format!("[dependencies]\n{}", table(declared, uses)?);
    if !dev_uses.is_empty() {
        tables.push_str(&format!("\n[dev-dependencies]\n{}", table(declared, dev_uses)?));
    }
    Ok(tables)
}

fn table(declared: &[Dep], uses: &[&str]) -> Result<String, Error> {
    let uses: Vec<(&str, Option<&str>)> = uses
        .iter()
        .map(|used| match used.split_once('/') {
            Some((name, feature)) => (name, Some(feature)),
            None => (*used, None),
        })
        .collect();
    if let Some((name, _)) = uses.iter().find(|(name, _)| !declared.iter().any(|dep| dep.name == *name)) {
        return Err(Error(format!("internal error: generated code uses `{name}`, which is not a declared dependency")));
    }
    let mut lines = String::new();
    for dep in declared.iter().filter(|dep| uses.iter().any(|(name, _)| *name == dep.name)) {
        let more: Vec<&str> =
            uses.iter().filter(|(name, _)| *name == dep.name).filter_map(|(_, feature)| *feature).collect();
        lines.push_str(&dep.line(&more));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    /// A crate both sides use is pinned to one version.
    #[test]
    fn both_sides_pin_the_same_versions() {
        for server in crate::server::DEPENDENCIES {
            for client in crate::client::DEPENDENCIES.iter().filter(|client| client.name == server.name) {
                assert_eq!(server.version, client.version, "{}", server.name);
            }
        }
    }
}
