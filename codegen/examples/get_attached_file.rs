//! Calls GetAttachedFile with the generated client, as your own program would: configure the
//! client, make the call, read the output or the error.
//!
//! ```sh
//! cargo run -p attached-files-codegen --example get_attached_file -- \
//!     ENDPOINT_URL INSTANCE_ID FILE_ID ASSOCIATED_RESOURCE_ARN
//! ```
//!
//! Requests are signed with SigV4 when `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are set
//! (region from `AWS_REGION`, default `us-east-1`), and sent unsigned otherwise.

use std::process::ExitCode;

use attached_files_client::config::Region;
use attached_files_client::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use attached_files_client::operation::get_attached_file::GetAttachedFileError;
use attached_files_client::types::CreatedByInfo;
use attached_files_client::{Client, Config};
use aws_config::environment::EnvironmentVariableCredentialsProvider;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint_url, instance_id, file_id, resource_arn] = args.as_slice() else {
        eprintln!("usage: get_attached_file ENDPOINT_URL INSTANCE_ID FILE_ID ASSOCIATED_RESOURCE_ARN");
        return ExitCode::from(2);
    };

    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
    let mut config = Config::builder().endpoint_url(endpoint_url).behavior_version_latest().region(Region::new(region));
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        config = config.credentials_provider(EnvironmentVariableCredentialsProvider::new());
    }
    let client = Client::from_conf(config.build());

    let result = client
        .get_attached_file()
        .instance_id(instance_id)
        .file_id(file_id)
        .associated_resource_arn(resource_arn)
        .url_expiry_in_seconds(60)
        .send()
        .await;
    match result {
        Ok(file) => {
            println!("{} ({} bytes)", file.file_name().unwrap_or("(no name)"), file.file_size_in_bytes());
            if let Some(status) = file.file_status() {
                println!("status: {status}");
            }
            match file.created_by() {
                Some(CreatedByInfo::ConnectUserArn(arn)) => println!("uploaded by Connect user {arn}"),
                Some(CreatedByInfo::AwsIdentityArn(arn)) => println!("uploaded by AWS identity {arn}"),
                _ => {}
            }
            for (key, value) in file.tags().into_iter().flatten() {
                println!("tag {key}={value}");
            }
            match file.download_url_metadata().and_then(|url| url.url()) {
                Some(url) => println!("download: {url}"),
                None => println!("no download URL (the file is not APPROVED)"),
            }
            ExitCode::SUCCESS
        }
        Err(SdkError::ServiceError(error)) => {
            match error.into_err() {
                GetAttachedFileError::ResourceNotFoundException(_) => eprintln!("no such file"),
                other => eprintln!("{}: {}", other.code().unwrap_or("error"), other.message().unwrap_or("")),
            }
            ExitCode::FAILURE
        }
        Err(other) => {
            eprintln!("the call failed: {}", DisplayErrorContext(&other));
            ExitCode::FAILURE
        }
    }
}
