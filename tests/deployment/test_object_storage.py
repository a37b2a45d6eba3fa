"""Uploaded and generated files on S3-compatible object storage (django-storages), against a real
S3 server process: `.ci/run` starts moto_server and runs this file with S3_ENDPOINT_URL and
S3_BUCKET set. Without them the portal stores files on the file system and this file is skipped."""

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Role
from tests.credits.factories import approved_record, professional_of
from tests.factories import OrganisationFactory, user_with_role

pytestmark = [
    pytest.mark.objectstorage,
    pytest.mark.skipif(
        not settings.STORAGES["default"]["BACKEND"].endswith("S3Storage"),
        reason="S3_BUCKET/S3_ENDPOINT_URL are not set: files go to the file system here (.ci/run starts an S3 server)",
    ),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def bucket():
    """The bucket, read with a client of its own (not the portal's storage object)."""
    options = settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        region_name=options.get("region_name", "us-east-1"),
        aws_access_key_id=options.get("access_key"),
        aws_secret_access_key=options.get("secret_key"),
    )
    name = options["bucket_name"]
    if name not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=name)
    return client, name


def _object(bucket, key: str) -> bytes:
    client, name = bucket
    prefix = settings.STORAGES["default"]["OPTIONS"].get("location", "")
    return client.get_object(Bucket=name, Key=f"{prefix}/{key}" if prefix else key)["Body"].read()


def test_a_saved_file_lands_in_the_bucket_and_reads_back(bucket):
    name = default_storage.save("deployment-test/hello.txt", ContentFile("继续教育".encode()))
    try:
        assert _object(bucket, name) == "继续教育".encode()
        assert default_storage.exists(name)
        with default_storage.open(name, "rb") as handle:
            assert handle.read() == "继续教育".encode()
    finally:
        default_storage.delete(name)
    assert not default_storage.exists(name)


def test_files_are_private_in_the_bucket(bucket):
    name = default_storage.save("deployment-test/private.txt", ContentFile(b"x"))
    try:
        client, bucket_name = bucket
        prefix = settings.STORAGES["default"]["OPTIONS"].get("location", "")
        acl = client.get_object_acl(Bucket=bucket_name, Key=f"{prefix}/{name}" if prefix else name)
        assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"])
    finally:
        default_storage.delete(name)


@pytest.mark.django_db
def test_an_uploaded_proof_is_stored_in_the_bucket_and_downloaded_through_its_view(bucket, client, employer):
    person = professional_of(employer)
    record = approved_record(person, hours=2, proof=ContentFile(PDF, name="证明.pdf"))
    assert record.proof.name.startswith("hour-proofs/")
    assert _object(bucket, record.proof.name) == PDF

    client.force_login(person)
    response = client.get(f"/hours/records/{record.pk}/proof/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert int(response["Content-Length"]) == len(PDF)


@pytest.mark.django_db
def test_someone_else_cannot_download_the_proof(bucket, client, employer):
    record = approved_record(professional_of(employer), hours=2, proof=ContentFile(PDF, name="p.pdf"))
    outsider = user_with_role(Role.PROFESSIONAL, OrganisationFactory(name="别的单位"))
    client.force_login(outsider)
    assert client.get(f"/hours/records/{record.pk}/proof/").status_code == 404
