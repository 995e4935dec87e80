"""boto3 against a server that verifies signatures: the valid key reads its file, in a signed call
and through a pre-signed URL (botocore's `generate_presigned_url`); each refusal arrives as
botocore's usual ClientError with AWS's code: unsigned, unknown key, wrong secret, another
instance, an altered query byte of a pre-signed URL, an expired pre-signed URL. Run by
tests/signatures.rs with the endpoint, the key (id and secret), a FileId of inst-1, and the ARN;
exits 1 on any mismatch.
"""

import json
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore
import botocore.config


def client(endpoint, key_id, secret, **config):
    return boto3.client(
        "connect",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def expect_error(name, call, **params):
    try:
        call(**params)
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert (code, status) == (name, 403), f"expected {name}, got {code} ({status})"
        return
    raise AssertionError(f"the call succeeded; expected {name}")


def fetch(url):
    """GETs `url`: its status and the error type or the body."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("x-amzn-ErrorType")


def main():
    endpoint, key_id, secret, file_id, arn = sys.argv[1:6]
    file = {"InstanceId": "inst-1", "FileId": file_id, "AssociatedResourceArn": arn}
    valid = client(endpoint, key_id, secret)
    assert valid.get_attached_file(**file)["FileId"] == file_id

    unsigned = client(endpoint, key_id, secret, signature_version=botocore.UNSIGNED)
    expect_error("MissingAuthenticationTokenException", unsigned.get_attached_file, **file)
    unknown = client(endpoint, "AKIDUNKNOWN", secret)
    expect_error("UnrecognizedClientException", unknown.get_attached_file, **file)
    wrong = client(endpoint, key_id, secret + "x")
    expect_error("InvalidSignatureException", wrong.get_attached_file, **file)
    expect_error("AccessDeniedException", valid.get_attached_file, **dict(file, InstanceId="inst-2"))
    expect_error("AccessDeniedException", valid.start_attached_file_upload, InstanceId="inst-2",
                 FileName="a.txt", FileSizeInBytes=1, FileUseCaseType="ATTACHMENT", AssociatedResourceArn=arn)

    # Pre-signed URLs: query auth.
    url = valid.generate_presigned_url("get_attached_file", Params=file, ExpiresIn=60)
    assert "X-Amz-Signature=" in url, url
    status, body = fetch(url)
    assert status == 200 and body["FileId"] == file_id, (status, body)
    altered = url.replace("urlExpiryInSeconds", "urlExpiryInSecondz") if "urlExpiryInSeconds" in url else \
        url.replace("associatedResourceArn=arn", "associatedResourceArn=arm")
    assert altered != url
    assert fetch(altered) == (403, "InvalidSignatureException"), fetch(altered)
    short = valid.generate_presigned_url("get_attached_file", Params=file, ExpiresIn=1)
    time.sleep(2.1)
    assert fetch(short) == (403, "InvalidSignatureException"), fetch(short)
    print("boto3: all signature cases as expected")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"boto3 mismatch: {e}", file=sys.stderr)
        sys.exit(1)
