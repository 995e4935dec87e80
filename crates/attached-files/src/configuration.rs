//! The attached-files configuration of an instance: for each attachment scope, how large a file
//! may be and which extensions its name may have. StartAttachedFileUpload obeys it.

use time::OffsetDateTime;

/// What an attached file is attached to; each scope of an instance has its own configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttachmentScope {
    Email,
    Chat,
    Case,
    Task,
}

impl AttachmentScope {
    /// Every scope, in the model's order: the order in which they are listed.
    pub const ALL: [AttachmentScope; 4] = [Self::Email, Self::Chat, Self::Case, Self::Task];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "EMAIL",
            Self::Chat => "CHAT",
            Self::Case => "CASE",
            Self::Task => "TASK",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == text)
    }

    /// The scope of a file attached to `associated_resource_arn`: CASE for a resource of
    /// Amazon Connect Cases (`arn:<partition>:cases:...`), EMAIL for any other. AWS accepts two
    /// kinds of resource for uploads, a case and an email contact of a Connect instance; this
    /// server accepts any well-formed ARN, and files what is not a case with the contacts.
    pub fn of_resource(associated_resource_arn: &str) -> Self {
        match associated_resource_arn.split(':').nth(2) {
            Some("cases") => Self::Case,
            _ => Self::Email,
        }
    }
}

/// What a scope allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeLimits {
    /// The largest file, in bytes.
    pub max_size_bytes: u64,
    /// The extensions a file's name may end in, compared without regard to case.
    pub allowed_extensions: Vec<String>,
}

/// The largest file of a scope without a configuration of its own: 20 MiB.
pub const DEFAULT_MAX_SIZE_BYTES: u64 = 20 * 1024 * 1024;

/// The extensions of a scope without a configuration of its own: the file types AWS lists as
/// supported for Amazon Connect attachments.
pub const DEFAULT_ALLOWED_EXTENSIONS: [&str; 18] = [
    "csv", "doc", "docx", "heic", "jfif", "jpeg", "jpg", "mov", "mp4", "pdf", "png", "ppt", "pptx", "rtf", "txt",
    "wav", "xls", "xlsx",
];

impl Default for ScopeLimits {
    fn default() -> Self {
        Self {
            max_size_bytes: DEFAULT_MAX_SIZE_BYTES,
            allowed_extensions: DEFAULT_ALLOWED_EXTENSIONS.map(str::to_owned).to_vec(),
        }
    }
}

impl ScopeLimits {
    /// Whether a file named `file_name` has an allowed extension: the text after its last dot.
    /// A name without a dot has none, and is refused.
    pub fn allows_name(&self, file_name: &str) -> bool {
        let Some((_, extension)) = file_name.rsplit_once('.') else { return false };
        self.allowed_extensions.iter().any(|allowed| allowed.eq_ignore_ascii_case(extension))
    }
}

/// A scope's configuration as stored: what an update named, the defaults for what it never did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConfiguration {
    pub scope: AttachmentScope,
    pub max_size_bytes: Option<u64>,
    pub allowed_extensions: Option<Vec<String>>,
    pub last_modified_time: OffsetDateTime,
}

/// What an update changes; a member it does not name keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigurationUpdate {
    pub max_size_bytes: Option<u64>,
    /// Replaces the whole list.
    pub allowed_extensions: Option<Vec<String>>,
}

/// A scope's configuration in effect: its own where set, the defaults elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configuration {
    pub instance_id: String,
    pub scope: AttachmentScope,
    pub limits: ScopeLimits,
    /// When it was last updated; none while the scope has only the defaults.
    pub last_modified_time: Option<OffsetDateTime>,
}

impl Configuration {
    /// The configuration of `scope` given what is stored for it, if anything.
    pub fn effective(
        instance_id: &str,
        scope: AttachmentScope,
        stored: Option<StoredConfiguration>,
        defaults: &ScopeLimits,
    ) -> Self {
        let (max_size_bytes, allowed_extensions, last_modified_time) = match stored {
            Some(stored) => (stored.max_size_bytes, stored.allowed_extensions, Some(stored.last_modified_time)),
            None => (None, None, None),
        };
        Self {
            instance_id: instance_id.to_owned(),
            scope,
            limits: ScopeLimits {
                max_size_bytes: max_size_bytes.unwrap_or(defaults.max_size_bytes),
                allowed_extensions: allowed_extensions.unwrap_or_else(|| defaults.allowed_extensions.clone()),
            },
            last_modified_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_follows_the_service_of_the_resource() {
        assert_eq!(
            AttachmentScope::of_resource("arn:aws:cases:us-east-1:111122223333:domain/d/case/c"),
            AttachmentScope::Case
        );
        let contact = "arn:aws:connect:us-east-1:111122223333:instance/i/contact/c";
        assert_eq!(AttachmentScope::of_resource(contact), AttachmentScope::Email);
        assert_eq!(AttachmentScope::of_resource("arn:aws-cn:s3:::bucket/cases"), AttachmentScope::Email);
    }

    #[test]
    fn extensions_are_the_text_after_the_last_dot_in_any_case() {
        let limits = ScopeLimits { max_size_bytes: 1, allowed_extensions: vec!["pdf".into(), "tar-gz".into()] };
        assert!(limits.allows_name("report.PDF"));
        assert!(limits.allows_name("a.b.pdf"));
        assert!(limits.allows_name(".pdf"));
        assert!(limits.allows_name("x.TAR-gz"));
        assert!(!limits.allows_name("report.pdf.exe"));
        assert!(!limits.allows_name("pdf"));
        assert!(!limits.allows_name("report."));
    }

    #[test]
    fn what_is_not_stored_comes_from_the_defaults() {
        let defaults = ScopeLimits::default();
        let plain = Configuration::effective("i", AttachmentScope::Chat, None, &defaults);
        assert_eq!((plain.limits, plain.last_modified_time), (defaults.clone(), None));
        let at = OffsetDateTime::UNIX_EPOCH;
        let stored = StoredConfiguration {
            scope: AttachmentScope::Chat,
            max_size_bytes: Some(5),
            allowed_extensions: None,
            last_modified_time: at,
        };
        let set = Configuration::effective("i", AttachmentScope::Chat, Some(stored), &defaults);
        assert_eq!(set.limits.max_size_bytes, 5);
        assert_eq!(set.limits.allowed_extensions, defaults.allowed_extensions);
        assert_eq!(set.last_modified_time, Some(at));
    }
}
