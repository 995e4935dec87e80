"""Drives the attached-files configuration with boto3 (botocore's own `connect` model): Describe's
defaults, a partial Update (the size, then the extensions, each keeping the other), List through
botocore's paginator with MaxResults=1 (four pages, EMAIL, CHAT, CASE, TASK), each constraint
violation and a forged NextToken answered InvalidParameterException (botocore's own class; its
parameter validation is turned off so that the server sees them), and Start refused with
INVALID_FILE_SIZE and INVALID_FILE_TYPE in the Reason, or answered with the signing key's identity
as CreatedBy. Run by tests/configuration_official_clients.rs with the endpoint as argument on a
server of its own; exits 1 on any mismatch.
"""

import datetime
import sys

import boto3
import botocore.config

CASE_ARN = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-1"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_EXTENSIONS = [
    "csv", "doc", "docx", "heic", "jfif", "jpeg", "jpg", "mov", "mp4", "pdf", "png", "ppt", "pptx", "rtf", "txt",
    "wav", "xls", "xlsx",
]  # fmt: skip


def client(endpoint, **config):
    return boto3.client(
        "connect",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="test-secret",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def expect_error(name, call, **params):
    """Calls `call`, which must fail with botocore's class for `name` and HTTP 400; returns the
    error's response."""
    try:
        call(**params)
    except Exception as e:  # botocore makes one class per modeled error
        response = getattr(e, "response", {})
        code = response.get("Error", {}).get("Code")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        assert (type(e).__name__, code, status) == (name, name, 400), f"{call.__name__}{params}: {e!r} {status}"
        return response
    raise AssertionError(f"{call.__name__}{params} succeeded; expected {name}")


def extensions(configuration):
    return [e["Extension"] for e in configuration["ExtensionConfiguration"]["AllowedExtensions"]]


def without_metadata(answer):
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def main():
    connect = client(sys.argv[1])
    case = dict(InstanceId="inst-1", AttachmentScope="CASE")

    described = connect.describe_attached_files_configuration(**case)["AttachedFilesConfiguration"]
    assert without_metadata(described) == dict(
        case,
        MaximumSizeLimitInBytes=DEFAULT_MAX_BYTES,
        ExtensionConfiguration={"AllowedExtensions": [{"Extension": e} for e in DEFAULT_EXTENSIONS]},
    ), described

    sized = connect.update_attached_files_configuration(MaximumSizeLimitInBytes=1000, **case)
    assert (sized["InstanceId"], sized["AttachmentScope"]) == ("inst-1", "CASE"), sized
    assert (sized["MaximumSizeLimitInBytes"], extensions(sized)) == (1000, DEFAULT_EXTENSIONS), sized
    assert isinstance(sized["LastModifiedTime"], datetime.datetime), sized
    age = datetime.datetime.now(datetime.timezone.utc) - sized["LastModifiedTime"]
    assert abs(age.total_seconds()) < 60, sized
    listed = connect.update_attached_files_configuration(
        ExtensionConfiguration={"AllowedExtensions": [{"Extension": "pdf"}]}, **case
    )
    assert (listed["MaximumSizeLimitInBytes"], extensions(listed)) == (1000, ["pdf"]), listed
    described = connect.describe_attached_files_configuration(**case)["AttachedFilesConfiguration"]
    assert described == without_metadata(listed), (described, listed)

    paginator = connect.get_paginator("list_attached_files_configurations")
    pages = list(paginator.paginate(InstanceId="inst-1", PaginationConfig={"PageSize": 1}))
    assert [len(p["AttachedFilesConfigurations"]) for p in pages] == [1, 1, 1, 1], pages
    assert ["NextToken" in p for p in pages] == [True, True, True, False], pages
    items = [item for page in pages for item in page["AttachedFilesConfigurations"]]
    assert [i["AttachmentScope"] for i in items] == ["EMAIL", "CHAT", "CASE", "TASK"], items
    assert [i["MaximumSizeLimitInBytes"] for i in items] == [DEFAULT_MAX_BYTES, DEFAULT_MAX_BYTES, 1000, DEFAULT_MAX_BYTES]
    assert [extensions(i) for i in items] == [DEFAULT_EXTENSIONS, DEFAULT_EXTENSIONS, ["pdf"], DEFAULT_EXTENSIONS]
    assert all(set(i) == {"InstanceId", "AttachmentScope", "MaximumSizeLimitInBytes", "ExtensionConfiguration"} for i in items)
    # MaxItems stops after two and gives a token that resumes where it stopped.
    first = paginator.paginate(InstanceId="inst-1", PaginationConfig={"PageSize": 1, "MaxItems": 2}).build_full_result()
    rest = paginator.paginate(
        InstanceId="inst-1", PaginationConfig={"PageSize": 1, "StartingToken": first["NextToken"]}
    ).build_full_result()
    resumed = first["AttachedFilesConfigurations"] + rest["AttachedFilesConfigurations"]
    assert resumed == items and "NextToken" not in rest, (first, rest)

    unchecked = client(sys.argv[1], parameter_validation=False)
    invalid = "InvalidParameterException"
    for params in [dict(MaxResults=0), dict(MaxResults=101), dict(NextToken="not-a-token-the-server-made")]:
        expect_error(invalid, unchecked.list_attached_files_configurations, InstanceId="inst-1", **params)
    for params in [
        dict(MaximumSizeLimitInBytes=0),
        dict(MaximumSizeLimitInBytes=104857601),
        dict(ExtensionConfiguration={"AllowedExtensions": [{"Extension": "a.b"}]}),
        dict(ExtensionConfiguration={"AllowedExtensions": [{"Extension": "abcdefghijk"}]}),
    ]:
        response = expect_error(invalid, unchecked.update_attached_files_configuration, **case, **params)
        assert next(iter(params)) in response["Error"]["Message"], response
    expect_error(invalid, unchecked.describe_attached_files_configuration, InstanceId="inst-1", AttachmentScope="FOO")
    expect_error(
        invalid, unchecked.update_attached_files_configuration, InstanceId="inst-1", AttachmentScope="FOO",
        MaximumSizeLimitInBytes=1000,
    )  # fmt: skip

    start = dict(InstanceId="inst-1", AssociatedResourceArn=CASE_ARN, FileUseCaseType="ATTACHMENT")
    for name, size, reason in [("a.pdf", 1001, "INVALID_FILE_SIZE"), ("a.png", 10, "INVALID_FILE_TYPE")]:
        response = expect_error(
            "InvalidRequestException", connect.start_attached_file_upload, FileName=name, FileSizeInBytes=size, **start
        )
        assert response.get("Reason") == {"AttachedFileInvalidRequestExceptionReason": reason}, response
    response = expect_error(
        "InvalidRequestException", connect.start_attached_file_upload, FileName="a.pdf", FileSizeInBytes=1001, **start
    )
    assert "1000" in response["Error"]["Message"], response
    started = connect.start_attached_file_upload(FileName="A.PDF", FileSizeInBytes=1000, **start)
    assert started["CreatedBy"] == {"AWSIdentityArn": "arn:aws:iam::000000000000:user/AKIDTEST"}, started
    print("boto3: the attached-files configuration passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"boto3 configuration: {e}", file=sys.stderr)
        sys.exit(1)
