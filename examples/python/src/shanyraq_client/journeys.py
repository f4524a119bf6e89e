"""Journeys through the suite as an agency's Python system makes them, in the dev profile
(identity by headers): the signing vectors checked; an enrolment whose digest is computed by
docs/SIGNING.md and compared with the service's, signed through the gateway, filed and placed
on the list; an error's google.rpc.Status details read; a rent subsidy from its application
to its first payment; a complaint against a refusal, extended and upheld, reopening the case;
a privatization filed at a State Corporation office, to the commission's decision and the
contract.

    shanyraq-journeys --target 127.0.0.1:50051 --vectors docs/signing-vectors.json
"""

import argparse
import base64
import hashlib
import json
import sys
import time
import uuid

import grpc
from google.protobuf import json_format
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from kz.egov.gateway.v1 import admin_pb2, admin_pb2_grpc, signature_pb2, signature_pb2_grpc
from kz.housing.complaints.v1 import complaints_pb2, complaints_pb2_grpc
from kz.housing.ops.v1 import clock_pb2, clock_pb2_grpc
from kz.housing.privatization.v1 import privatization_pb2, privatization_pb2_grpc
from kz.housing.registry.v1 import registry_pb2, registry_pb2_grpc
from kz.housing.subsidy.v1 import subsidy_pb2, subsidy_pb2_grpc

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


def load_records(channel, iin, records):
    """Test people and their records, through the gateway's administration (dev only)."""
    admin_pb2_grpc.AdminServiceStub(channel).LoadRecords(
        json_format.ParseDict(records, admin_pb2.LoadRecordsRequest()),
        metadata=gateway_headers(iin, "setup", "test data"),
    )


def set_time(channel, instant):
    """Sets the dev clock to `instant` (RFC 3339)."""
    clock_pb2_grpc.ClockServiceStub(channel).SetTime(
        json_format.ParseDict({"time": instant}, clock_pb2.SetTimeRequest())
    )


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


def signed(channel, iin, digest):
    """An EDS confirmation by `iin` over `digest` (dev: the gateway keeps test keys)."""
    eds = signature_pb2_grpc.SignatureServiceStub(channel).SignDigest(
        signature_pb2.SignDigestRequest(iin=iin, digest=digest),
        metadata=gateway_headers(iin, "new", "signing"),
    )
    return {
        "signer": {"iin": iin},
        "eds": json_format.MessageToDict(eds),
    }


def enrolment(channel):
    """An enrolment on the Astana list, signed by the specification's digest."""
    load_records(
        channel,
        APPLICANT,
        {
            "persons": [
                {
                    "iin": APPLICANT,
                    "last_name": "Қасымов",
                    "first_name": "Қайрат",
                    "citizenship": "CITIZENSHIP_KAZAKHSTAN",
                    "phone": "+77071234567",
                }
            ],
            "addresses": [
                {"iin": APPLICANT, "kato": ASTANA, "street": "Абай даңғылы", "building": "1", "from_date": "2000-01-01"}
            ],
            "consents": [{"iin": APPLICANT, "purpose": "registry"}],
        },
    )
    # A working morning on the dev clock: the application is accepted the same day.
    set_time(channel, "2026-04-15T05:00:00Z")
    portal = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", APPLICANT)]
    registry = registry_pb2_grpc.RegistryServiceStub(channel)
    form = {
        "applicant": {"iin": APPLICANT},
        "caseKind": "ENROLMENT_CASE_NO_DWELLING_5Y",
        "settlementKato": ASTANA,
        "listCategory": "GENERAL",
    }
    ours = signing.signing_digest("registry", form)
    preview = registry.CreateApplication(
        json_format.ParseDict({**form, "validateOnly": True}, registry_pb2.CreateApplicationRequest()),
        metadata=portal,
    )
    assert preview.signing_digest == ours, (preview.signing_digest, ours)
    request = json_format.ParseDict(
        {
            **form,
            "requestId": "7f3e2a10-5b6c-4d8e-9f01-23456789abcd",
            "confirmations": [signed(channel, APPLICANT, ours)],
        },
        registry_pb2.CreateApplicationRequest(),
    )
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


def subsidy(channel):
    """A large family renting from the private fund: on the waiting list, the subsidy filed with
    the lease as data, an official's review, and the first month accrued to the landlord."""
    applicant, landlord = "900101400013", "600101300014"
    load_records(
        channel,
        applicant,
        {
            "persons": [
                {
                    "iin": applicant,
                    "last_name": "Омарова",
                    "first_name": "Айгүл",
                    "citizenship": "CITIZENSHIP_KAZAKHSTAN",
                },
                {
                    "iin": landlord,
                    "last_name": "Сейітов",
                    "first_name": "Бауыржан",
                    "citizenship": "CITIZENSHIP_KAZAKHSTAN",
                },
            ],
            "addresses": [
                {
                    "iin": applicant,
                    "kato": "751110000",
                    "street": "Абай даңғылы",
                    "building": "1",
                    "from_date": "2000-01-01",
                }
            ],
            "consents": [{"iin": applicant, "purpose": "registry"}, {"iin": applicant, "purpose": "rent-subsidy"}],
            "social_groups": [{"iin": applicant, "code": "LARGE_FAMILY", "since": "2015-01-01"}],
        },
    )
    set_time(channel, "2026-04-15T05:00:00Z")
    portal = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", applicant)]
    # On the waiting list first (Annex 3 row 4).
    enrol = {
        "applicant": {"iin": applicant},
        "caseKind": "ENROLMENT_CASE_NO_DWELLING_5Y",
        "settlementKato": "751110000",
        "listCategory": "GENERAL",
    }
    registry_pb2_grpc.RegistryServiceStub(channel).CreateApplication(
        json_format.ParseDict(
            {
                **enrol,
                "requestId": "5b6c7d8e-9f01-4a2b-8c3d-4e5f6a7b8c9d",
                "confirmations": [signed(channel, applicant, signing.signing_digest("registry", enrol))],
            },
            registry_pb2.CreateApplicationRequest(),
        ),
        metadata=portal,
    )
    # The subsidy, the lease as data; the digest by the specification, checked by the service.
    form = {
        "applicant": {"iin": applicant},
        "caseKind": "SUBSIDY_CASE_RENT_PRIVATE_FUND",
        "lease": {
            "landlordIin": landlord,
            "address": {"katoCode": "751110000", "street": "Абай даңғылы", "building": "10", "apartment": "5"},
            "areaM2Tenths": 540,
            "familySize": 4,
            "monthlyRent": {"tiyn": "12000000"},
            "startDate": "2026-03-10",
            "endDate": "2027-03-09",
        },
    }
    service = subsidy_pb2_grpc.RentSubsidyServiceStub(channel)
    ours = signing.signing_digest("subsidy", form)
    preview = service.CreateApplication(
        json_format.ParseDict({**form, "validateOnly": True}, subsidy_pb2.CreateApplicationRequest()), metadata=portal
    )
    assert preview.signing_digest == ours, (preview.signing_digest, ours)
    filed = service.CreateApplication(
        json_format.ParseDict(
            {
                **form,
                "requestId": "6c7d8e9f-0a12-4b3c-9d4e-5f6a7b8c9d0e",
                "confirmations": [signed(channel, applicant, ours)],
            },
            subsidy_pb2.CreateApplicationRequest(),
        ),
        metadata=portal,
    ).application
    # An official of the bank claims the review and confirms the lease.
    official = [
        ("x-caller-subsystem", "otbasy-portal"),
        ("x-official-id", "official-9"),
        ("x-official-role", "otbasy-official"),
    ]
    service.ClaimReviewTask(
        subsidy_pb2.ClaimReviewTaskRequest(request_id="7d8e9f0a-1b23-4c4d-8e5f-6a7b8c9d0e1f", name=filed.name),
        metadata=official,
    )
    service.RecordReview(
        subsidy_pb2.RecordReviewRequest(
            request_id="8e9f0a1b-2c34-4d5e-9f6a-7b8c9d0e1f2a",
            name=filed.name,
            approve=True,
            reason="the lease agrees with the sources",
        ),
        metadata=official,
    )
    # The clock reaches 10 May: the first month is accrued, payable to the landlord.
    set_time(channel, "2026-05-10T05:00:00Z")
    for _ in range(30):
        payments = service.ListPayments(subsidy_pb2.ListPaymentsRequest(name=filed.name), metadata=portal).payments
        if payments:
            break
        time.sleep(0.5)
    assert payments, "no payment accrued"
    first = payments[0]
    assert first.payee_iin == landlord and first.amount.tiyn > 0, first
    print(f"subsidy: {filed.name}, first payment {first.month}: {first.amount.tiyn / 100:,.2f} KZT to the landlord")


def complaint(channel):
    """A registry refusal for want of consent (Annex 2 row 10(4)), a complaint to the provider,
    an extension for additional information, the complaint upheld: the case reopens and, the
    consent now on record, is enrolled."""
    applicant = "850215300604"
    load_records(
        channel,
        applicant,
        {
            "persons": [
                {
                    "iin": applicant,
                    "last_name": "Нұрланова",
                    "first_name": "Әсел",
                    "citizenship": "CITIZENSHIP_KAZAKHSTAN",
                }
            ],
            "addresses": [
                {"iin": applicant, "kato": ASTANA, "street": "Абай даңғылы", "building": "1", "from_date": "2000-01-01"}
            ],
        },
    )
    set_time(channel, "2026-04-01T05:00:00Z")
    portal = [("x-caller-subsystem", "otbasy-portal"), ("x-user-iin", applicant)]
    registry = registry_pb2_grpc.RegistryServiceStub(channel)
    form = {
        "applicant": {"iin": applicant},
        "caseKind": "ENROLMENT_CASE_NO_DWELLING_5Y",
        "settlementKato": ASTANA,
        "listCategory": "GENERAL",
    }
    case = registry.CreateApplication(
        json_format.ParseDict(
            {
                **form,
                "requestId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                "confirmations": [signed(channel, applicant, signing.signing_digest("registry", form))],
            },
            registry_pb2.CreateApplicationRequest(),
        ),
        metadata=portal,
    ).application
    complaints = complaints_pb2_grpc.ComplaintServiceStub(channel)
    filed = complaints.CreateComplaint(
        json_format.ParseDict(
            {
                "requestId": "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
                "complainant": {"iin": applicant},
                "application": case.name,
                "reviewerKind": "REVIEWER_KIND_PROVIDER",
                "reviewerId": "OTBASY-COMPLAINTS",
                "filedChannel": "FILED_CHANNEL_ELECTRONIC",
                "subject": "SUBJECT_REFUSAL",
                "text": "I gave my consent on egov.kz before filing",
            },
            complaints_pb2.CreateComplaintRequest(),
        ),
        metadata=[("x-caller-subsystem", "egov-portal"), ("x-user-iin", applicant)],
    ).complaint
    reviewer = [
        ("x-caller-subsystem", "complaints"),
        ("x-official-id", "reviewer-1"),
        ("x-official-role", "complaint-reviewer"),
        ("x-official-jurisdiction", "OTBASY-COMPLAINTS"),
    ]
    complaints.ExtendReview(
        json_format.ParseDict(
            {
                "requestId": "2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f",
                "name": filed.name,
                "extraDays": 5,
                "reasons": ["EXTENSION_REASON_ADDITIONAL_INFORMATION"],
                "explanation": "the consent record is asked of the gateway",
            },
            complaints_pb2.ExtendReviewRequest(),
        ),
        metadata=reviewer,
    )
    load_records(channel, applicant, {"consents": [{"iin": applicant, "purpose": "registry"}]})
    decided = complaints.RecordComplaintDecision(
        json_format.ParseDict(
            {
                "requestId": "3d4e5f6a-7b8c-4d9e-9f0a-2b3c4d5e6f7a",
                "name": filed.name,
                "uphold": True,
                "reason": "the consent was on record",
            },
            complaints_pb2.RecordComplaintDecisionRequest(),
        ),
        metadata=reviewer,
    ).complaint
    # The reopened case is decided again by the registry within a few seconds.
    stage = None
    for _ in range(40):
        app = registry.GetApplication(registry_pb2.GetApplicationRequest(name=case.name), metadata=portal).application
        stage = registry_pb2.ApplicationStage.Name(app.stage)
        if stage == "APPLICATION_STAGE_ENROLLED":
            break
        time.sleep(0.5)
    assert stage == "APPLICATION_STAGE_ENROLLED", stage
    print(
        f"complaints: {filed.name} {complaints_pb2.ComplaintStage.Name(decided.stage)}; {case.name} reopened, {stage}"
    )


def document(kind, content):
    """A document as the contract carries it: its bytes and their SHA-256."""
    return {
        "kind": kind,
        "mediaType": "application/pdf",
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": base64.b64encode(content).decode(),
    }


def privatization(channel):
    """A tenant of a communal dwelling files at a State Corporation office; the commission
    approves with a price; the akimat signs the contract: the service is rendered."""
    tenant = "850215300005"
    load_records(
        channel,
        tenant,
        {
            "persons": [
                {"iin": tenant, "last_name": "Әлиев", "first_name": "Нұрлан", "citizenship": "CITIZENSHIP_KAZAKHSTAN"}
            ],
            "tenancies": [
                {
                    "iin": tenant,
                    "dwelling_id": "AST-0042",
                    "kato": ASTANA,
                    "fund_kind": "FUND_KIND_COMMUNAL",
                    "document": "TENANCY_DOCUMENT_AGREEMENT",
                    "document_number": "T-42",
                }
            ],
            "consents": [{"iin": tenant, "purpose": "privatization"}],
        },
    )
    set_time(channel, "2026-04-13T05:00:00Z")
    operator = [
        ("x-caller-subsystem", "state-corporation"),
        ("x-official-id", "operator-3"),
        ("x-official-role", "state-corporation-operator"),
    ]
    service = privatization_pb2_grpc.PrivatizationServiceStub(channel)
    form = {
        "applicant": {"iin": tenant},
        "channel": "CHANNEL_STATE_CORPORATION",
        "officeId": "SC-ASTANA-1",
        "dwellingId": "AST-0042",
        "fundKind": "FUND_KIND_COMMUNAL",
        "documents": [document("TENANCY_AGREEMENT", b"lease"), document("NO_DEBT_CERTIFICATE", b"no debt")],
    }
    ours = signing.signing_digest("privatization", form)
    plan = service.CreateApplication(
        json_format.ParseDict({**form, "validateOnly": True}, privatization_pb2.CreateApplicationRequest()),
        metadata=operator,
    )
    assert plan.signing_digest == ours, (plan.signing_digest, ours)
    assert [c.iin for c in plan.confirmers] == [tenant], plan.confirmers
    app = service.CreateApplication(
        json_format.ParseDict(
            {
                **form,
                "requestId": "4e5f6a7b-8c9d-4e0f-8a1b-3c4d5e6f7a8b",
                "confirmations": [signed(channel, tenant, ours)],
            },
            privatization_pb2.CreateApplicationRequest(),
        ),
        metadata=operator,
    ).application
    set_time(channel, "2026-05-13T05:00:00Z")
    commission = [
        ("x-caller-subsystem", "privatization"),
        ("x-official-id", "commission-1"),
        ("x-official-role", "housing-commission"),
        ("x-official-jurisdiction", ASTANA),
    ]
    service.RecordCommissionDecision(
        json_format.ParseDict(
            {
                "requestId": "5f6a7b8c-9d0e-4f1a-9b2c-4d5e6f7a8b9c",
                "name": app.name,
                "approve": True,
                "reason": "the tenant and the dwelling meet the rules",
                "decisionNumber": "HC-17",
                "price": {"tiyn": "1250000000"},
            },
            privatization_pb2.RecordCommissionDecisionRequest(),
        ),
        metadata=commission,
    )
    akimat = [
        ("x-caller-subsystem", "privatization"),
        ("x-official-id", "akimat-1"),
        ("x-official-role", "akimat-official"),
        ("x-official-jurisdiction", ASTANA),
    ]
    signed_contract = service.SignContract(
        privatization_pb2.SignContractRequest(
            request_id="6a7b8c9d-0e1f-4a2b-8c3d-5e6f7a8b9c0d", name=app.name, contract_number="PC-9"
        ),
        metadata=akimat,
    ).application
    stage = privatization_pb2.ApplicationStage.Name(signed_contract.stage)
    assert stage == "APPLICATION_STAGE_COMPLETED", stage
    print(f"privatization: {app.name} {stage}, contract PC-9")


def prod(target, tls_dir, token, iin):
    """The suite in `prod` with `mtls`: the agency's system presents its certificate (SPIFFE id
    of the otbasy-portal) and the person's token; headers alone prove nobody."""
    read = lambda name: open(f"{tls_dir}/{name}", "rb").read()  # noqa: E731
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read("ca.pem"),
        private_key=read("otbasy-portal.key"),
        certificate_chain=read("otbasy-portal.pem"),
    )
    # The server's certificate names localhost; the address is an IP.
    options = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(target, credentials, options=options) as channel:
        registry = registry_pb2_grpc.RegistryServiceStub(channel)
        bearer = [("authorization", f"Bearer {token}")]
        standard = registry.GetServiceStandard(registry_pb2.GetServiceStandardRequest(), metadata=bearer).standard
        mine = registry.ListApplications(registry_pb2.ListApplicationsRequest(), metadata=bearer)
        print(
            f"prod: mtls + token: the standard of {standard.in_force_from}, {len(mine.applications)} application(s) of {iin}"
        )
        # A header naming a person proves nothing outside dev.
        try:
            registry.ListApplications(registry_pb2.ListApplicationsRequest(), metadata=[("x-user-iin", iin)])
            raise AssertionError("a header was believed in prod")
        except grpc.RpcError as error:
            reason, _ = error_details(error)
            assert reason == "PERSON_NOT_PROVEN", (error.code(), reason)
            print(f"prod: x-user-iin without a token: {error.code().name} {reason}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--vectors", default="docs/signing-vectors.json")
    parser.add_argument(
        "--prod-tls-dir", help="run the prod journey: the folder of `suite certs` (with otbasy-portal.pem)"
    )
    parser.add_argument("--token", help="the prod journey's bearer token (`suite token mint --aud registry --sub IIN`)")
    parser.add_argument("--iin", default=APPLICANT, help="the person the token names")
    args = parser.parse_args(argv)
    if args.prod_tls_dir:
        prod(args.target, args.prod_tls_dir, args.token, args.iin)
        return 0
    check_vectors(args.vectors)
    with grpc.insecure_channel(args.target) as channel:
        enrolment(channel)
        subsidy(channel)
        complaint(channel)
        privatization(channel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
