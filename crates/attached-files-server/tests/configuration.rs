//! Proves the attached-files configuration through our generated client: Describe answers the
//! defaults until an Update, an Update changes only the members it names, List pages through the
//! four scopes with the generated paginator, each constraint violation and a forged NextToken
//! arrive as the operation's InvalidParameterException, and StartAttachedFileUpload obeys the
//! configuration of its own instance and scope only (case-insensitive extensions, files uploaded
//! before a change kept), and the server's defaults (`AttachedFiles::with_default_limits`) fill
//! what no Update set. Also: the creator of a file started without CreatedBy is the signing key's
//! identity, and a key limited to Describe cannot Update.

mod common;

use std::time::{Duration, SystemTime};

use attached_files::ScopeLimits;
use attached_files_client::error::{ProvideErrorMetadata, SdkError};
use attached_files_client::operation::start_attached_file_upload::builders::StartAttachedFileUploadFluentBuilder;
use attached_files_client::operation::start_attached_file_upload::{
    StartAttachedFileUploadError, StartAttachedFileUploadOutput,
};
use attached_files_client::primitives::DateTime;
use attached_files_client::types::{
    AllowedExtension, AttachedFileInvalidRequestExceptionReason, AttachedFilesConfiguration, AttachmentScope,
    CreatedByInfo, ExtensionConfiguration, FileStatusType, FileUseCaseType, InvalidRequestExceptionReason,
};
use attached_files_server::access::{ANY, AccessKey};
use aws_smithy_runtime_api::client::result::CreateUnhandledError;
use common::*;

/// The limit of a scope nobody configured: 20 MiB.
const DEFAULT_MAX_BYTES: i64 = 20 * 1024 * 1024;
/// The extensions of a scope nobody configured, in the order the server lists them.
const DEFAULT_EXTENSIONS: [&str; 18] = [
    "csv", "doc", "docx", "heic", "jfif", "jpeg", "jpg", "mov", "mp4", "pdf", "png", "ppt", "pptx", "rtf", "txt",
    "wav", "xls", "xlsx",
];
/// An Amazon Connect contact: files attached to it fall in the EMAIL scope (any ARN not of Cases).
const CONTACT_ARN: &str = "arn:aws:connect:us-east-1:111122223333:instance/inst-1/contact/c-1";

/// The generated client for `url`, signing with `key` (id, secret), without retries.
fn client_with(url: &str, key: (&str, &str)) -> attached_files_client::Client {
    use attached_files_client::config::{Credentials, Region};
    let config = attached_files_client::Config::builder()
        .endpoint_url(url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key.0, key.1, None, None, "test"))
        .behavior_version_latest()
        .build();
    attached_files_client::Client::from_conf(config)
}

fn client(server: &TestServer) -> attached_files_client::Client {
    client_with(&server.url, (KEY_ID, SECRET))
}

fn extensions(names: &[&str]) -> ExtensionConfiguration {
    let allowed = names.iter().map(|name| AllowedExtension::builder().extension(*name).build().unwrap());
    ExtensionConfiguration::builder().set_allowed_extensions(Some(allowed.collect())).build().unwrap()
}

fn names(configuration: Option<&ExtensionConfiguration>) -> Vec<&str> {
    let allowed = configuration.map(ExtensionConfiguration::allowed_extensions).unwrap_or_default();
    allowed.iter().map(AllowedExtension::extension).collect()
}

/// What a configuration says, comparable at once: instance, scope, size limit, extensions, and
/// whether it has a LastModifiedTime.
fn summary(configuration: &AttachedFilesConfiguration) -> (&str, &AttachmentScope, Option<i64>, Vec<&str>, bool) {
    (
        configuration.instance_id(),
        configuration.attachment_scope(),
        configuration.maximum_size_limit_in_bytes(),
        names(configuration.extension_configuration()),
        configuration.last_modified_time().is_some(),
    )
}

/// Checks that `time` is now, give or take a minute (the clocks are one machine's).
fn assert_recent(time: Option<&DateTime>) {
    let time = SystemTime::try_from(*time.expect("a LastModifiedTime")).unwrap();
    let now = SystemTime::now();
    assert!(time > now - Duration::from_secs(60) && time < now + Duration::from_secs(60), "{time:?}");
}

async fn describe(
    client: &attached_files_client::Client,
    instance: &str,
    scope: AttachmentScope,
) -> AttachedFilesConfiguration {
    let call = client.describe_attached_files_configuration().instance_id(instance).attachment_scope(scope);
    call.send().await.unwrap().attached_files_configuration().clone()
}

/// A Start of `name`, `size` bytes, on inst-1's case CASE_ARN.
fn start(client: &attached_files_client::Client, name: &str, size: i64) -> StartAttachedFileUploadFluentBuilder {
    client
        .start_attached_file_upload()
        .instance_id("inst-1")
        .associated_resource_arn(CASE_ARN)
        .file_name(name)
        .file_size_in_bytes(size)
        .file_use_case_type(FileUseCaseType::Attachment)
}

/// The Reason and message of a Start refused with InvalidRequestException (checking HTTP 400).
fn refusal(
    result: Result<StartAttachedFileUploadOutput, SdkError<StartAttachedFileUploadError>>,
) -> (AttachedFileInvalidRequestExceptionReason, String) {
    let error = result.expect_err("the Start is refused");
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(400), "{error:?}");
    match error.into_service_error() {
        StartAttachedFileUploadError::InvalidRequestException(e) => match e.reason() {
            Some(InvalidRequestExceptionReason::AttachedFileInvalidRequestExceptionReason(reason)) => {
                (reason.clone(), e.message().unwrap_or_default().to_owned())
            }
            other => panic!("no reason: {other:?} in {e:?}"),
        },
        other => panic!("not an InvalidRequestException: {other:?}"),
    }
}

#[tokio::test]
async fn describe_answers_the_defaults_until_an_update_which_changes_only_what_it_names() {
    let server = TestServer::start().await;
    let client = client(&server);
    let case = describe(&client, "inst-1", AttachmentScope::Case).await;
    let defaults = DEFAULT_EXTENSIONS.to_vec();
    assert_eq!(summary(&case), ("inst-1", &AttachmentScope::Case, Some(DEFAULT_MAX_BYTES), defaults.clone(), false));

    // The size alone: the extensions stay the defaults.
    let update = || client.update_attached_files_configuration().instance_id("inst-1");
    let sized =
        update().attachment_scope(AttachmentScope::Case).maximum_size_limit_in_bytes(1000).send().await.unwrap();
    assert_eq!(
        (sized.instance_id(), sized.attachment_scope(), sized.maximum_size_limit_in_bytes()),
        ("inst-1", &AttachmentScope::Case, Some(1000))
    );
    assert_eq!(names(sized.extension_configuration()), defaults);
    assert_recent(sized.last_modified_time());
    let case = describe(&client, "inst-1", AttachmentScope::Case).await;
    assert_eq!(summary(&case), ("inst-1", &AttachmentScope::Case, Some(1000), defaults.clone(), true));
    assert_eq!(case.last_modified_time(), sized.last_modified_time());

    // The extensions alone: the size stays, and the list is replaced whole.
    let listed = update().attachment_scope(AttachmentScope::Case).extension_configuration(extensions(&["pdf", "png"]));
    let listed = listed.send().await.unwrap();
    assert_eq!(listed.maximum_size_limit_in_bytes(), Some(1000));
    assert_eq!(names(listed.extension_configuration()), ["pdf", "png"]);
    assert_recent(listed.last_modified_time());
    assert!(listed.last_modified_time() >= sized.last_modified_time());
    let case = describe(&client, "inst-1", AttachmentScope::Case).await;
    assert_eq!(summary(&case), ("inst-1", &AttachmentScope::Case, Some(1000), vec!["pdf", "png"], true));
    assert_eq!(case.last_modified_time(), listed.last_modified_time());

    // Nothing else changed: the instance's other scopes, and the same scope of another instance.
    for (instance, scope) in [("inst-1", AttachmentScope::Email), ("inst-2", AttachmentScope::Case)] {
        let other = describe(&client, instance, scope.clone()).await;
        assert_eq!(summary(&other), (instance, &scope, Some(DEFAULT_MAX_BYTES), defaults.clone(), false));
    }
}

#[tokio::test]
async fn list_pages_through_the_four_scopes_with_the_generated_paginator() {
    let server = TestServer::start().await;
    let client = client(&server);
    let update =
        client.update_attached_files_configuration().instance_id("inst-1").attachment_scope(AttachmentScope::Chat);
    update.maximum_size_limit_in_bytes(5000).extension_configuration(extensions(&["txt"])).send().await.unwrap();

    let list = || client.list_attached_files_configurations().instance_id("inst-1");
    let pages: Vec<_> = list().max_results(1).into_paginator().send().try_collect().await.unwrap();
    let sizes: Vec<_> = pages.iter().map(|page| page.attached_files_configurations().len()).collect();
    assert_eq!(sizes, [1, 1, 1, 1]);
    let tokens: Vec<_> = pages.iter().map(|page| page.next_token().is_some()).collect();
    assert_eq!(tokens, [true, true, true, false], "the last page has no NextToken");

    let items = list().max_results(1).into_paginator().items().send().try_collect().await.unwrap();
    let listed: Vec<_> = items
        .iter()
        .map(|c| {
            let scope = c.attachment_scope().clone();
            (c.instance_id(), scope, c.maximum_size_limit_in_bytes(), names(c.extension_configuration()))
        })
        .collect();
    let default = |scope| ("inst-1", scope, Some(DEFAULT_MAX_BYTES), DEFAULT_EXTENSIONS.to_vec());
    assert_eq!(
        listed,
        [
            default(AttachmentScope::Email),
            ("inst-1", AttachmentScope::Chat, Some(5000), vec!["txt"]),
            default(AttachmentScope::Case),
            default(AttachmentScope::Task),
        ]
    );

    // Without MaxResults, one page of all four; with 3, a page of 3 and one of 1.
    let all = list().send().await.unwrap();
    assert_eq!((all.attached_files_configurations().len(), all.next_token()), (4, None));
    let pages: Vec<_> = list().max_results(3).into_paginator().send().try_collect().await.unwrap();
    let sizes: Vec<_> = pages.iter().map(|page| page.attached_files_configurations().len()).collect();
    assert_eq!(sizes, [3, 1]);
    let flattened: Vec<_> = pages.iter().flat_map(|page| page.attached_files_configurations().to_vec()).collect();
    assert_eq!(flattened, items, "the same items, whatever the page size");
}

#[tokio::test]
async fn constraint_violations_and_a_forged_next_token_are_invalid_parameter_exceptions() {
    let server = TestServer::start().await;
    let client = client(&server);
    /// The HTTP status, the error type header's code and the message of a refused call.
    fn refused<
        O: std::fmt::Debug,
        E: ProvideErrorMetadata + std::error::Error + CreateUnhandledError + Send + Sync + 'static,
    >(
        result: Result<O, SdkError<E>>,
    ) -> (Option<u16>, Option<String>, E) {
        let error = result.expect_err("the call is refused");
        let status = error.raw_response().map(|r| r.status().as_u16());
        let error = error.into_service_error();
        (status, error.code().map(str::to_owned), error)
    }
    let invalid_parameter = Some("InvalidParameterException".to_owned());

    let list = || client.list_attached_files_configurations().instance_id("inst-1");
    for (call, member) in [
        (list().max_results(0), "MaxResults"),
        (list().max_results(101), "MaxResults"),
        (list().next_token("not-a-token-the-server-made"), "NextToken"),
    ] {
        let (status, code, error) = refused(call.send().await);
        assert!(error.is_invalid_parameter_exception(), "{member}: {error:?}");
        assert_eq!((status, &code), (Some(400), &invalid_parameter), "{member}");
        if member != "NextToken" {
            assert!(error.message().is_some_and(|m| m.contains(member)), "{error:?}");
        }
    }
    assert_eq!(list().max_results(100).send().await.unwrap().attached_files_configurations().len(), 4);

    let update = |scope: &str| {
        let call = client.update_attached_files_configuration().instance_id("inst-1");
        call.attachment_scope(AttachmentScope::from(scope))
    };
    for (call, member) in [
        (update("CASE").extension_configuration(extensions(&["a.b"])), "Extension"),
        (update("CASE").extension_configuration(extensions(&["abcdefghijk"])), "Extension"),
        (update("CASE").extension_configuration(extensions(&[""])), "Extension"),
        (update("CASE").maximum_size_limit_in_bytes(0), "MaximumSizeLimitInBytes"),
        (update("CASE").maximum_size_limit_in_bytes(104_857_601), "MaximumSizeLimitInBytes"),
        (update("FOO").maximum_size_limit_in_bytes(1000), "AttachmentScope"),
    ] {
        let (status, code, error) = refused(call.send().await);
        assert!(error.is_invalid_parameter_exception(), "{member}: {error:?}");
        assert_eq!((status, &code), (Some(400), &invalid_parameter), "{member}");
        assert!(error.message().is_some_and(|m| m.contains(member)), "{error:?}");
    }
    let describe_foo = client.describe_attached_files_configuration().instance_id("inst-1");
    let (status, code, error) = refused(describe_foo.attachment_scope(AttachmentScope::from("FOO")).send().await);
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    assert_eq!((status, code), (Some(400), invalid_parameter.clone()));

    // The bounds themselves are accepted; the refused updates changed nothing before them.
    let case = describe(&client, "inst-1", AttachmentScope::Case).await;
    assert_eq!(
        summary(&case),
        ("inst-1", &AttachmentScope::Case, Some(DEFAULT_MAX_BYTES), DEFAULT_EXTENSIONS.to_vec(), false)
    );
    for size in [1, 104_857_600] {
        let accepted = update("CASE").maximum_size_limit_in_bytes(size).send().await.unwrap();
        assert_eq!(accepted.maximum_size_limit_in_bytes(), Some(size));
    }
    let accepted = update("CASE").extension_configuration(extensions(&["abcdefghij", "A-b_9"])).send().await.unwrap();
    assert_eq!(names(accepted.extension_configuration()), ["abcdefghij", "A-b_9"]);

    // The file operations keep InvalidRequestException for their own violations.
    let (status, code, error) = refused(start(&client, "a.txt", 0).send().await);
    assert!(error.is_invalid_request_exception(), "{error:?}");
    assert_eq!((status, code.as_deref()), (Some(400), Some("InvalidRequestException")));
}

#[tokio::test]
async fn start_obeys_the_configuration_of_its_own_instance_and_scope() {
    let server = TestServer::start().await;
    let client = client(&server);
    let update = |scope| client.update_attached_files_configuration().instance_id("inst-1").attachment_scope(scope);
    let case = update(AttachmentScope::Case).maximum_size_limit_in_bytes(1000);
    case.extension_configuration(extensions(&["pdf", "TXT"])).send().await.unwrap();

    // inst-1's cases: at most 1000 bytes, .pdf or .txt in any case.
    for (name, size) in [("a.pdf", 1000), ("REPORT.PDF", 1), ("Notes.Txt", 10), ("v1.2.pdf", 10)] {
        start(&client, name, size).send().await.unwrap_or_else(|e| panic!("{name} ({size} bytes): {e:?}"));
    }
    let (reason, message) = refusal(start(&client, "a.pdf", 1001).send().await);
    assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileSize);
    assert!(message.contains("1000"), "the message tells the limit: {message}");
    for name in ["a.png", "a.pdf.png", "pdf", "a.pdfx"] {
        let (reason, message) = refusal(start(&client, name, 10).send().await);
        assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileType, "{name}: {message}");
    }

    // The same file elsewhere is accepted: another instance's cases, and inst-1's emails (a
    // Connect contact's ARN), which keep the defaults.
    let elsewhere = |name: &str, size| start(&client, name, size).instance_id("inst-2");
    elsewhere("a.png", 1001).send().await.expect("inst-2's cases keep the defaults");
    let email = |name: &str, size| start(&client, name, size).associated_resource_arn(CONTACT_ARN);
    email("a.png", 1001).send().await.expect("inst-1's emails keep the defaults");
    let (reason, _) = refusal(email("a.png", DEFAULT_MAX_BYTES + 1).send().await);
    assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileSize, "the default limit holds");
    let (reason, _) = refusal(email("a.exe", 10).send().await);
    assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileType, "the default list holds");

    // Emails get their own limit; cases keep theirs.
    update(AttachmentScope::Email).maximum_size_limit_in_bytes(10).send().await.unwrap();
    let (reason, message) = refusal(email("a.png", 11).send().await);
    assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileSize);
    assert!(message.contains("10"), "{message}");
    start(&client, "a.pdf", 11).send().await.expect("cases keep their limit of 1000 bytes");
    start(&client, "a.pdf", 11).associated_resource_arn(OTHER_CASE_ARN).send().await.expect("any case of the instance");
}

#[tokio::test]
async fn a_file_uploaded_before_the_limits_are_lowered_is_still_served() {
    let server = TestServer::start().await;
    let client = client(&server);
    let bytes = sample_bytes(1234);
    let started = start(&client, "kept.pdf", bytes.len() as i64).send().await.unwrap();
    let file_id = started.file_id().unwrap().to_owned();
    let upload = started.upload_url_metadata().unwrap();
    let mut put = reqwest::Client::new().put(upload.url().unwrap()).body(bytes.clone());
    for (name, value) in upload.headers_to_include().unwrap() {
        put = put.header(name, value);
    }
    assert_eq!(put.send().await.unwrap().status(), 200);
    let complete = client.complete_attached_file_upload().instance_id("inst-1").file_id(&file_id);
    complete.associated_resource_arn(CASE_ARN).send().await.unwrap();

    let update =
        client.update_attached_files_configuration().instance_id("inst-1").attachment_scope(AttachmentScope::Case);
    update.maximum_size_limit_in_bytes(100).extension_configuration(extensions(&["txt"])).send().await.unwrap();
    let (reason, _) = refusal(start(&client, "kept.pdf", bytes.len() as i64).send().await);
    assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileSize, "a new one is refused");

    let get = client.get_attached_file().instance_id("inst-1").file_id(&file_id).associated_resource_arn(CASE_ARN);
    let got = get.send().await.unwrap();
    assert_eq!((got.file_status(), got.file_size_in_bytes()), (Some(&FileStatusType::Approved), bytes.len() as i64));
    let url = got.download_url_metadata().unwrap().url().unwrap();
    assert!(reqwest::get(url).await.unwrap().bytes().await.unwrap() == bytes, "the file downloads whole");
    let batch = client.batch_get_attached_file_metadata().instance_id("inst-1").associated_resource_arn(CASE_ARN);
    let batch = batch.file_ids(&file_id).send().await.unwrap();
    assert_eq!(batch.files().iter().map(|f| f.file_id()).collect::<Vec<_>>(), [file_id.as_str()]);
}

#[tokio::test]
async fn a_file_started_without_created_by_is_created_by_the_signing_keys_identity() {
    let server = TestServer::start().await;
    let client = client(&server);
    let identity = CreatedByInfo::AwsIdentityArn(format!("arn:aws:iam::000000000000:user/{KEY_ID}"));
    let started = start(&client, "mine.txt", 5).send().await.unwrap();
    assert_eq!(started.created_by(), Some(&identity), "Start answers the creator");
    let file_id = started.file_id().unwrap();
    let get = client.get_attached_file().instance_id("inst-1").file_id(file_id).associated_resource_arn(CASE_ARN);
    assert_eq!(get.send().await.unwrap().created_by(), Some(&identity), "Get answers it");
    let batch = client.batch_get_attached_file_metadata().instance_id("inst-1").associated_resource_arn(CASE_ARN);
    let batch = batch.file_ids(file_id).send().await.unwrap();
    assert_eq!(batch.files()[0].created_by(), Some(&identity), "BatchGet answers it");

    // A ConnectUserArn given is kept.
    let agent = CreatedByInfo::ConnectUserArn(AGENT_ARN.into());
    let started = start(&client, "theirs.txt", 5).created_by(agent.clone()).send().await.unwrap();
    assert_eq!(started.created_by(), Some(&agent));

    // A key with an identity of its own.
    let uploader = "arn:aws:iam::111122223333:role/uploader";
    let key = AccessKey::generate(vec![ANY.into()], vec![ANY.into()]).unwrap();
    let key = AccessKey { identity_arn: Some(uploader.into()), ..key };
    server.add_key(key.clone()).await;
    let client = client_with(&server.url, (&key.access_key_id, &key.secret_access_key));
    let started = start(&client, "role.txt", 5).send().await.unwrap();
    assert_eq!(started.created_by(), Some(&CreatedByInfo::AwsIdentityArn(uploader.into())));
}

#[tokio::test]
async fn the_defaults_are_the_servers_to_set() {
    let defaults = ScopeLimits { max_size_bytes: 5000, allowed_extensions: vec!["pdf".into(), "txt".into()] };
    let server = TestServer::start_configured(LIMITS, |config| config.storage.default_limits = defaults).await;
    let client = client(&server);
    let list = client.list_attached_files_configurations().instance_id("inst-1").send().await.unwrap();
    for listed in list.attached_files_configurations() {
        let limits = (listed.maximum_size_limit_in_bytes(), names(listed.extension_configuration()));
        assert_eq!(limits, (Some(5000), vec!["pdf", "txt"]), "{listed:?}");
    }

    // What an update does not name comes from the server's defaults.
    let update =
        client.update_attached_files_configuration().instance_id("inst-1").attachment_scope(AttachmentScope::Case);
    let updated = update.extension_configuration(extensions(&["png"])).send().await.unwrap();
    assert_eq!(
        (updated.maximum_size_limit_in_bytes(), names(updated.extension_configuration())),
        (Some(5000), vec!["png"])
    );
    start(&client, "a.png", 5000).send().await.unwrap();
    let (reason, message) = refusal(start(&client, "a.png", 5001).send().await);
    assert_eq!(reason, AttachedFileInvalidRequestExceptionReason::InvalidFileSize);
    assert!(message.contains("5000"), "{message}");
    let (reason, _) = refusal(start(&client, "a.png", 10).associated_resource_arn(CONTACT_ARN).send().await);
    assert_eq!(
        reason,
        AttachedFileInvalidRequestExceptionReason::InvalidFileType,
        "emails keep the defaults: pdf, txt"
    );
}

#[tokio::test]
async fn a_key_limited_to_describe_can_describe_but_not_update_or_list() {
    let server = TestServer::start().await;
    let operations = vec!["DescribeAttachedFilesConfiguration".to_owned()];
    let key = AccessKey::generate(vec!["inst-1".into()], operations).unwrap();
    server.add_key(key.clone()).await;
    let reader = client_with(&server.url, (&key.access_key_id, &key.secret_access_key));

    let case = describe(&reader, "inst-1", AttachmentScope::Case).await;
    assert_eq!(case.maximum_size_limit_in_bytes(), Some(DEFAULT_MAX_BYTES));
    let update =
        reader.update_attached_files_configuration().instance_id("inst-1").attachment_scope(AttachmentScope::Case);
    let denied = update.maximum_size_limit_in_bytes(1).send().await.unwrap_err();
    assert_eq!(denied.raw_response().map(|r| r.status().as_u16()), Some(403));
    let denied = denied.into_service_error();
    assert!(denied.is_access_denied_exception(), "{denied:?}");
    assert!(denied.message().is_some_and(|m| m.contains("UpdateAttachedFilesConfiguration")), "{denied:?}");
    let list = reader.list_attached_files_configurations().instance_id("inst-1").send().await.unwrap_err();
    assert!(list.into_service_error().is_access_denied_exception());
    let other =
        reader.describe_attached_files_configuration().instance_id("inst-2").attachment_scope(AttachmentScope::Case);
    assert!(other.send().await.unwrap_err().into_service_error().is_access_denied_exception(), "inst-1 only");
    let start = start(&reader, "a.txt", 1).send().await.unwrap_err();
    assert!(start.into_service_error().is_access_denied_exception());

    // The refused Update changed nothing.
    let case = describe(&client(&server), "inst-1", AttachmentScope::Case).await;
    assert_eq!((case.maximum_size_limit_in_bytes(), case.last_modified_time()), (Some(DEFAULT_MAX_BYTES), None));
}
