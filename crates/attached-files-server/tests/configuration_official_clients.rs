//! Proves that the official AWS clients use the attached-files configuration operations with
//! nothing changed but the endpoint URL: aws-sdk-connect (Rust), boto3 (Python) and the AWS CLI
//! Describe, Update partially, List through their own paginators, and get a constraint
//! violation as their own InvalidParameterException. (The same through our generated client, in
//! more detail, is in `tests/configuration.rs`.)

mod common;

use std::process::Command;

use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::start_attached_file_upload::StartAttachedFileUploadError;
use aws_sdk_connect::types::{
    AllowedExtension, AttachedFileInvalidRequestExceptionReason, AttachmentScope, CreatedByInfo,
    ExtensionConfiguration, FileUseCaseType, InvalidRequestExceptionReason,
};
use common::*;
use serde_json::{Value, json};

const DEFAULT_MAX_BYTES: i64 = 20 * 1024 * 1024;
const DEFAULT_EXTENSIONS: [&str; 18] = [
    "csv", "doc", "docx", "heic", "jfif", "jpeg", "jpg", "mov", "mp4", "pdf", "png", "ppt", "pptx", "rtf", "txt",
    "wav", "xls", "xlsx",
];

fn extensions(names: &[&str]) -> ExtensionConfiguration {
    let allowed = names.iter().map(|name| AllowedExtension::builder().extension(*name).build().unwrap());
    ExtensionConfiguration::builder().set_allowed_extensions(Some(allowed.collect())).build().unwrap()
}

fn names(configuration: Option<&ExtensionConfiguration>) -> Vec<&str> {
    let allowed = configuration.map(ExtensionConfiguration::allowed_extensions).unwrap_or_default();
    allowed.iter().map(AllowedExtension::extension).collect()
}

#[tokio::test]
async fn aws_sdk_connect() {
    let server = TestServer::start().await;
    let client = connect_client(&server.url);
    let describe = async |scope| {
        let call = client.describe_attached_files_configuration().instance_id("inst-1").attachment_scope(scope);
        call.send().await.unwrap().attached_files_configuration.unwrap()
    };
    let case = describe(AttachmentScope::Case).await;
    assert_eq!((case.instance_id(), case.attachment_scope()), ("inst-1", &AttachmentScope::Case));
    assert_eq!(case.maximum_size_limit_in_bytes(), Some(DEFAULT_MAX_BYTES));
    assert_eq!(names(case.extension_configuration()), DEFAULT_EXTENSIONS);
    assert_eq!(case.last_modified_time(), None, "no change yet");

    let update =
        || client.update_attached_files_configuration().instance_id("inst-1").attachment_scope(AttachmentScope::Case);
    let sized = update().maximum_size_limit_in_bytes(1000).send().await.unwrap();
    assert_eq!(
        (sized.maximum_size_limit_in_bytes(), names(sized.extension_configuration())),
        (Some(1000), DEFAULT_EXTENSIONS.to_vec())
    );
    assert!(sized.last_modified_time().is_some());
    let listed = update().extension_configuration(extensions(&["pdf", "png"])).send().await.unwrap();
    assert_eq!(
        (listed.maximum_size_limit_in_bytes(), names(listed.extension_configuration())),
        (Some(1000), vec!["pdf", "png"])
    );
    let case = describe(AttachmentScope::Case).await;
    assert_eq!(
        (case.maximum_size_limit_in_bytes(), names(case.extension_configuration())),
        (Some(1000), vec!["pdf", "png"])
    );
    assert_eq!(case.last_modified_time(), listed.last_modified_time());

    let list = || client.list_attached_files_configurations().instance_id("inst-1").max_results(1).into_paginator();
    let items = list().items().send().try_collect().await.unwrap();
    let scopes: Vec<_> = items.iter().map(|c| c.attachment_scope().as_str()).collect();
    assert_eq!(scopes, ["EMAIL", "CHAT", "CASE", "TASK"]);
    let sizes: Vec<_> = items.iter().map(|c| c.maximum_size_limit_in_bytes().unwrap()).collect();
    assert_eq!(sizes, [DEFAULT_MAX_BYTES, DEFAULT_MAX_BYTES, 1000, DEFAULT_MAX_BYTES]);
    assert_eq!(names(items[2].extension_configuration()), ["pdf", "png"]);
    assert!(items.iter().all(|c| c.instance_id() == "inst-1"));
    let pages = list().send().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.attached_files_configurations().len()).collect::<Vec<_>>(), [1, 1, 1, 1]);

    // aws-sdk-connect checks no range nor pattern: each violation reaches the server.
    let list = || client.list_attached_files_configurations().instance_id("inst-1");
    for call in [list().max_results(0), list().max_results(101), list().next_token("forged")] {
        let error = call.send().await.unwrap_err().into_service_error();
        assert!(error.is_invalid_parameter_exception(), "{error:?}");
    }
    for call in [update().maximum_size_limit_in_bytes(0), update().extension_configuration(extensions(&["a.b"]))] {
        let error = call.send().await.unwrap_err().into_service_error();
        assert!(error.is_invalid_parameter_exception(), "{error:?}");
    }
    let describe = client.describe_attached_files_configuration().instance_id("inst-1");
    let error = describe.attachment_scope(AttachmentScope::from("FOO")).send().await.unwrap_err().into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    let violation = list().max_results(0).send().await.unwrap_err().into_service_error();
    assert_eq!(violation.code(), Some("InvalidParameterException"));
    assert!(violation.message().is_some_and(|m| m.contains("MaxResults")), "{violation:?}");

    // Start obeys the configuration, and the Reason arrives as aws-sdk-connect's own type.
    let start = |name: &str, size: i64| {
        client
            .start_attached_file_upload()
            .instance_id("inst-1")
            .associated_resource_arn(CASE_ARN)
            .file_name(name)
            .file_size_in_bytes(size)
            .file_use_case_type(FileUseCaseType::Attachment)
    };
    let reason = |error: StartAttachedFileUploadError| match error {
        StartAttachedFileUploadError::InvalidRequestException(e) => match e.reason() {
            Some(InvalidRequestExceptionReason::AttachedFileInvalidRequestExceptionReason(reason)) => reason.clone(),
            other => panic!("no reason: {other:?}"),
        },
        other => panic!("not an InvalidRequestException: {other:?}"),
    };
    let too_big = start("a.pdf", 1001).send().await.unwrap_err().into_service_error();
    assert!(too_big.message().is_some_and(|m| m.contains("1000")), "{too_big:?}");
    assert_eq!(reason(too_big), AttachedFileInvalidRequestExceptionReason::InvalidFileSize);
    let wrong_type = start("a.txt", 10).send().await.unwrap_err().into_service_error();
    assert_eq!(reason(wrong_type), AttachedFileInvalidRequestExceptionReason::InvalidFileType);
    let started = start("A.Png", 1000).send().await.unwrap();
    let identity = format!("arn:aws:iam::000000000000:user/{KEY_ID}");
    assert_eq!(started.created_by(), Some(&CreatedByInfo::AwsIdentityArn(identity)));
}

#[tokio::test]
async fn boto3() {
    let server = TestServer::start().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/boto3_configuration.py");
    let url = server.url.clone();
    let status = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(url)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .status()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(status.success(), "boto3 saw differences (above); if it is not installed, run the tests with scripts/test");
}

/// `aws connect <args>` against `endpoint`, in a blocking task: the JSON it printed, or its stderr.
async fn aws(endpoint: &str, args: &[&str]) -> Result<Value, String> {
    let endpoint = endpoint.to_owned();
    let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    let (ok, stdout, stderr) = tokio::task::spawn_blocking(move || {
        aws_connect(&endpoint, (KEY_ID, SECRET), &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    match ok {
        true => Ok(serde_json::from_str(&stdout).unwrap()),
        false => Err(stderr),
    }
}

#[tokio::test]
async fn aws_cli() {
    let server = TestServer::start().await;
    let url = server.url.as_str();
    let case = ["--instance-id", "inst-1", "--attachment-scope", "CASE"];
    let default_extensions: Vec<Value> = DEFAULT_EXTENSIONS.iter().map(|e| json!({ "Extension": e })).collect();

    let described = aws(url, &[&["describe-attached-files-configuration"][..], &case].concat()).await.unwrap();
    let expected = json!({
        "InstanceId": "inst-1",
        "AttachmentScope": "CASE",
        "MaximumSizeLimitInBytes": DEFAULT_MAX_BYTES,
        "ExtensionConfiguration": { "AllowedExtensions": default_extensions },
    });
    assert_eq!(described, json!({ "AttachedFilesConfiguration": expected }));

    let update = |extra: &[&'static str]| [&["update-attached-files-configuration"][..], &case, extra].concat();
    let sized = aws(url, &update(&["--maximum-size-limit-in-bytes", "1000"])).await.unwrap();
    assert_eq!(
        (&sized["MaximumSizeLimitInBytes"], &sized["ExtensionConfiguration"]),
        (&json!(1000), &expected["ExtensionConfiguration"])
    );
    assert!(sized["LastModifiedTime"].is_string() || sized["LastModifiedTime"].is_number(), "{sized}");
    let listed = aws(url, &update(&["--extension-configuration", r#"{"AllowedExtensions": [{"Extension": "pdf"}]}"#]))
        .await
        .unwrap();
    assert_eq!(listed["MaximumSizeLimitInBytes"], 1000, "{listed}");
    assert_eq!(listed["ExtensionConfiguration"], json!({ "AllowedExtensions": [{ "Extension": "pdf" }] }));
    let described = aws(url, &[&["describe-attached-files-configuration"][..], &case].concat()).await.unwrap();
    assert_eq!(described["AttachedFilesConfiguration"], listed, "Describe answers what Update did");

    // A page of one at a time, all gathered by the CLI; then two items and a token to resume.
    let list = |extra: &[&'static str]| {
        [&["list-attached-files-configurations", "--instance-id", "inst-1"][..], extra].concat()
    };
    let all = aws(url, &list(&["--page-size", "1"])).await.unwrap();
    let scopes: Vec<&str> = all["AttachedFilesConfigurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["AttachmentScope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["EMAIL", "CHAT", "CASE", "TASK"], "{all}");
    assert_eq!(all["AttachedFilesConfigurations"][2]["MaximumSizeLimitInBytes"], 1000, "{all}");
    assert!(all.get("NextToken").is_none(), "{all}");
    let first = aws(url, &list(&["--page-size", "1", "--max-items", "2"])).await.unwrap();
    assert_eq!(first["AttachedFilesConfigurations"].as_array().unwrap().len(), 2, "{first}");
    let token = first["NextToken"].as_str().expect("a token to resume with").to_owned();
    let args = [
        &["list-attached-files-configurations", "--instance-id", "inst-1", "--page-size", "1", "--starting-token"][..],
        &[token.as_str()],
    ]
    .concat();
    let rest = aws(url, &args).await.unwrap();
    let mut resumed = first["AttachedFilesConfigurations"].as_array().unwrap().clone();
    resumed.extend(rest["AttachedFilesConfigurations"].as_array().unwrap().iter().cloned());
    assert_eq!(Value::from(resumed), all["AttachedFilesConfigurations"]);

    // botocore checks minimums, not maximums: this one reaches the server.
    let refused = aws(url, &update(&["--maximum-size-limit-in-bytes", "104857601"])).await.unwrap_err();
    assert!(
        refused.contains("(InvalidParameterException)") && refused.contains("MaximumSizeLimitInBytes"),
        "{refused}"
    );
    let refused = aws(url, &list(&["--max-items", "5", "--page-size", "101"])).await.unwrap_err();
    assert!(refused.contains("(InvalidParameterException)"), "{refused}");
}
