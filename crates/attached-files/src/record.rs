//! The metadata kept for each attached file, and its wire formats.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// One attached file: what GetAttachedFile reports, and where its bytes are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FileRecord {
    pub instance_id: String,
    pub file_id: String,
    pub file_arn: String,
    pub file_name: String,
    pub file_size_in_bytes: u64,
    pub file_status: FileStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_use_case_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<CreatedBy>,
    #[serde(with = "iso_millis")]
    pub creation_time: OffsetDateTime,
    pub associated_resource_arn: String,
    pub tags: BTreeMap<String, String>,
    pub object: ObjectLocation,
    /// The idempotency key of the StartAttachedFileUpload that made the file, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    /// The lifetime of the upload URL that StartAttachedFileUpload answered (absent for files
    /// stored before uploads went through the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_url_expiry_in_seconds: Option<u64>,
    /// Where the file is in its life. Kept by the metadata store beside the record, not in it.
    #[serde(skip)]
    pub phase: Phase,
}

/// Where a file is in its life; callers see `Uploading` and `Scanning` as PROCESSING, and
/// nothing of a file that is `Deleting`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// Started: the upload URL is out, the bytes are not confirmed.
    Uploading,
    /// Completed, waiting for the scan's verdict.
    Scanning,
    /// The verdict is in its FileStatus.
    #[default]
    Complete,
    /// Being deleted: the bytes go, then the record.
    Deleting,
}

impl Phase {
    pub const ALL: [Phase; 4] = [Self::Uploading, Self::Scanning, Self::Complete, Self::Deleting];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploading => "UPLOADING",
            Self::Scanning => "SCANNING",
            Self::Complete => "COMPLETE",
            Self::Deleting => "DELETING",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|phase| phase.as_str() == text)
    }
}

/// Where a file's bytes live in the object store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectLocation {
    pub bucket: String,
    pub key: String,
}

/// The attachment-scan verdict; only `Approved` files can be downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FileStatus {
    Approved,
    Rejected,
    Processing,
    Failed,
}

impl FileRecord {
    /// The status callers see: PROCESSING until the scan's verdict is in.
    pub fn reported_status(&self) -> FileStatus {
        match self.phase {
            Phase::Uploading | Phase::Scanning => FileStatus::Processing,
            Phase::Complete | Phase::Deleting => self.file_status,
        }
    }
}

impl FileStatus {
    pub const ALL: [FileStatus; 4] = [Self::Approved, Self::Rejected, Self::Processing, Self::Failed];

    /// The name on the wire, as in the API reference.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
            Self::Processing => "PROCESSING",
            Self::Failed => "FAILED",
        }
    }
}

impl fmt::Display for FileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FileStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown file status {s:?}: expected one of APPROVED, REJECTED, PROCESSING, FAILED"))
    }
}

/// Who created the file: exactly one of the two identities, as the API's union says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreatedBy {
    ConnectUserArn(String),
    #[serde(rename = "AWSIdentityArn")]
    AwsIdentityArn(String),
}

impl CreatedBy {
    pub fn arn(&self) -> &str {
        match self {
            Self::ConnectUserArn(arn) | Self::AwsIdentityArn(arn) => arn,
        }
    }
}

/// `yyyy-MM-ddThh:mm:ss.SSSZ`, the format of CreationTime and UrlExpiry.
const ISO_MILLIS: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats a time as the API does: UTC, milliseconds, a literal `Z`. (By hand: it is on every
/// answer's path, and `time`'s interpreted formats, or `format!`'s padding, cost several times
/// more.) Years are those of this era (0 to 9999), as creation and expiry times are.
pub fn format_iso_millis(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let mut out = String::with_capacity(24);
    push_digits(&mut out, at.year().unsigned_abs(), 4);
    out.push('-');
    push_digits(&mut out, u8::from(at.month()).into(), 2);
    out.push('-');
    push_digits(&mut out, at.day().into(), 2);
    out.push('T');
    push_digits(&mut out, at.hour().into(), 2);
    out.push(':');
    push_digits(&mut out, at.minute().into(), 2);
    out.push(':');
    push_digits(&mut out, at.second().into(), 2);
    out.push('.');
    push_digits(&mut out, at.millisecond().into(), 3);
    out.push('Z');
    out
}

/// Appends the last `width` decimal digits of `value`, zero-padded.
pub(crate) fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
    }
}

/// Parses [`format_iso_millis`]'s output.
pub fn parse_iso_millis(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    time::PrimitiveDateTime::parse(text, ISO_MILLIS).map(|at| at.assume_utc())
}

/// Serde adapter for times kept in the API's own format.
mod iso_millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_iso_millis(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_iso_millis(&text).map_err(serde::de::Error::custom)
    }
}

/// Whether `text` has the shape of an ARN: `arn:partition:service:region:account:resource`,
/// with a partition, a service and a resource (region and account may be empty, as for S3).
pub fn is_valid_arn(text: &str) -> bool {
    let mut parts = text.splitn(6, ':');
    let mut next = || parts.next();
    matches!(
        (next(), next(), next(), next(), next(), next()),
        (Some("arn"), Some(partition), Some(service), Some(_region), Some(_account), Some(resource))
            if !partition.is_empty() && !service.is_empty() && !resource.is_empty()
    ) && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_have_milliseconds_and_a_z() {
        let at = datetime!(2024-05-03 02:41:28.172_999 UTC);
        assert_eq!(format_iso_millis(at), "2024-05-03T02:41:28.172Z");
        assert_eq!(parse_iso_millis("2024-05-03T02:41:28.172Z").unwrap(), datetime!(2024-05-03 02:41:28.172 UTC));
        let east = datetime!(2024-05-03 04:41:28.000 +2);
        assert_eq!(format_iso_millis(east), "2024-05-03T02:41:28.000Z");
        let first = datetime!(0987-01-02 03:04:05.006 UTC);
        assert_eq!(format_iso_millis(first), "0987-01-02T03:04:05.006Z");
        assert_eq!(format_iso_millis(datetime!(9999-12-31 23:59:59.999 UTC)), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn arns_are_recognised() {
        for good in [
            "arn:aws:connect:us-west-2:123456789012:instance/abc/case/def",
            "arn:aws:s3:::bucket/key",
            "arn:aws-cn:cases:cn-north-1:1:domain/x/case/y:with:colons",
        ] {
            assert!(is_valid_arn(good), "{good}");
        }
        for bad in [
            "",
            "arn",
            "not-an-arn",
            "arn:aws:connect:us-west-2:123456789012",
            "arn:aws:connect:us-west-2:123456789012:",
            "arn::connect:r:a:res",
            "arn:aws::r:a:res",
            "urn:aws:connect:r:a:res",
            "arn:aws:connect:r:a:res\n",
        ] {
            assert!(!is_valid_arn(bad), "{bad:?}");
        }
    }

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for status in FileStatus::ALL {
            assert_eq!(status.as_str().parse::<FileStatus>(), Ok(status));
        }
        assert!("approved".parse::<FileStatus>().is_err());
    }
}
