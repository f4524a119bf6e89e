"""Journeys through the suite as an agency's Python system makes them, in the dev profile
(identity by headers): the digest computed by docs/SIGNING.md and compared with the
service's, signed through the gateway, the application filed and its place on the list
read; an error's google.rpc.Status details read; the signing vectors checked.

    shanyraq-journeys --target 127.0.0.1:50051 --vectors docs/signing-vectors.json
"""

import argparse
import json
import sys
import uuid

import grpc
from google.protobuf import json_format
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from kz.egov.gateway.v1 import admin_pb2, admin_pb2_grpc, signature_pb2, signature_pb2_grpc
from kz.housing.ops.v1 import clock_pb2, clock_pb2_grpc
from kz.housing.registry.v1 import registry_pb2, registry_pb2_grpc

from . import signing

APPLICANT = "791028302728"
ASTANA = "711210000"


def check_vectors(path):
    """Every vector's request gives its fields, its canonical text and its digest."""
    by_header = {h: s for s, h in signing.HEADERS.items()}
    vectors = json.load(open(path, encoding="utf-8"))["vectors"]
    for v in vectors:
        fields = signing.FIELDS[by_header[v["header"]]](v["request"])
        assert [list(f) for f in fields] == v["fields"], v["name"]
        assert signing.canonical(v["header"], fields) == v["canonical"], v["name"]
        assert signing.digest(v["header"], fields) == v["digest"], v["name"]
    print(f"signing vectors: {len(vectors)} ok")


def gateway_headers(iin, case, purpose):
    """The gateway's exchange envelope (README "The e-government gateway")."""
    return [
        ("x-egov-client", "dev"),
        ("x-egov-message-id", str(uuid.uuid4())),
        ("x-egov-user-iin", iin),
        ("x-egov-case", case),
        ("x-egov-purpose", purpose),
    ]


def error_details(error):
    """The ErrorInfo reason and the field violations of a failed call."""
    status = rpc_status.from_call(error)
    reason, fields = None, []
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return reason, fields


def enrolment(channel):
    """An enrolment on the Astana list, signed by the specification's digest."""
    admin_pb2_grpc.AdminServiceStub(channel).LoadRecords(
        json_format.ParseDict(
            {
                "persons": [{"iin": APPLICANT, "last_name": "Қасымов", "first_name": "Қайрат",
                             "citizenship": "CITIZENSHIP_KAZAKHSTAN", "phone": "+77071234567"}],
                "addresses": [{"iin": APPLICANT, "kato": ASTANA, "street": "Абай даңғылы", "building": "1",
                               "from_date": "2000-01-01"}],
                "consents": [{"iin": APPLICANT, "purpose": "registry"}],
            },
            admin_pb2.LoadRecordsRequest(),
        ),
        metadata=gateway_headers(APPLICANT, "registry/setup", "test data"),
    )
    # A working morning on the dev clock: the application is accepted the same day.
    clock_pb2_grpc.ClockServiceStub(channel).SetTime(
        json_format.ParseDict({"time": "2026-04-15T05:00:00Z"}, clock_pb2.SetTimeRequest())
    )
    portal = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", APPLICANT)]
    registry = registry_pb2_grpc.RegistryServiceStub(channel)
    form = {"applicant": {"iin": APPLICANT}, "caseKind": "ENROLMENT_CASE_NO_DWELLING_5Y",
            "settlementKato": ASTANA, "listCategory": "GENERAL"}
    ours = signing.signing_digest("registry", form)
    preview = registry.CreateApplication(
        json_format.ParseDict({**form, "validateOnly": True}, registry_pb2.CreateApplicationRequest()),
        metadata=portal,
    )
    assert preview.signing_digest == ours, (preview.signing_digest, ours)
    eds = signature_pb2_grpc.SignatureServiceStub(channel).SignDigest(
        signature_pb2.SignDigestRequest(iin=APPLICANT, digest=ours),
        metadata=gateway_headers(APPLICANT, "registry/applications/new", "signing"),
    )
    request = json_format.ParseDict(
        {**form, "requestId": "7f3e2a10-5b6c-4d8e-9f01-23456789abcd"}, registry_pb2.CreateApplicationRequest()
    )
    confirmation = request.confirmations.add()
    confirmation.signer.iin = APPLICANT
    confirmation.eds.certificate = eds.certificate
    confirmation.eds.signature = eds.signature
    filed = registry.CreateApplication(request, metadata=portal).application
    stage = registry_pb2.ApplicationStage.Name(filed.stage)
    assert stage == "APPLICATION_STAGE_ENROLLED", stage
    # A retry with the same request id is answered from the first commit.
    again = registry.CreateApplication(request, metadata=portal).application
    assert again.name == filed.name
    place = registry.GetQueuePosition(
        registry_pb2.GetQueuePositionRequest(iin=APPLICANT, settlement_kato=ASTANA, list_category="GENERAL"),
        metadata=portal,
    )
    assert place.entry.position >= 1
    print(f"registry: {filed.name} {stage}, place {place.entry.position} of {place.list_size}")

    # An error carries google.rpc.Status details: a stable reason and the field at fault.
    try:
        registry.GetApplication(registry_pb2.GetApplicationRequest(name="registry/applications/x"), metadata=portal)
        raise AssertionError("a malformed name was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.code()
        reason, fields = error_details(error)
        assert reason == "NAME_INVALID" and "name" in fields, (reason, fields)
        print(f"errors: INVALID_ARGUMENT {reason} on {fields}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--vectors", default="docs/signing-vectors.json")
    args = parser.parse_args(argv)
    check_vectors(args.vectors)
    with grpc.insecure_channel(args.target) as channel:
        enrolment(channel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
