"""The signing digest of docs/SIGNING.md, from a request in proto JSON form (as
``google.protobuf.json_format.MessageToDict`` writes it, or as written by hand)."""

import hashlib
from datetime import date

HEADERS = {
    "registry": "kz.housing.registry.v1.CreateApplication/1",
    "privatization": "kz.housing.privatization.v1.CreateApplication/1",
    "subsidy": "kz.housing.subsidy.v1.CreateApplication/1",
}


def canonical(header, fields):
    """The canonical text: the version line, then ``name=length:value`` a line each, the
    length in UTF-8 bytes."""
    return header + "\n" + "".join(f"{n}={len(v.encode('utf-8'))}:{v}\n" for n, v in fields)


def digest(header, fields):
    """The lowercase hex SHA-256 of the canonical text."""
    return hashlib.sha256(canonical(header, fields).encode("utf-8")).hexdigest()


def _get(obj, *path, default=""):
    for key in path:
        if not isinstance(obj, dict):
            return default
        # proto JSON allows both the lowerCamel and the original field name
        camel = key.split("_")[0] + "".join(p.title() for p in key.split("_")[1:])
        obj = obj.get(camel, obj.get(key))
        if obj is None:
            return default
    return obj


def _documents(request):
    out = []
    for d in _get(request, "documents", default=[]):
        out += [("document_kind", _get(d, "kind")), ("document_sha256", _get(d, "sha256").strip().lower())]
    return out


def _strip(value, prefix):
    return value[len(prefix) :] if value.startswith(prefix) else value


def birth_date(iin):
    """The birth date an IIN carries: YYMMDD, the century from the 7th digit."""
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[iin[6]]
    return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))


def registry_fields(request):
    fields = [("applicant_iin", _get(request, "applicant", "iin"))]
    rep = _get(request, "representative", default=None)
    if rep:
        fields += [
            ("representative_iin", _get(rep, "person", "iin")),
            ("representative_basis", _strip(_get(rep, "basis"), "REPRESENTATION_BASIS_")),
            ("representative_reference", _get(rep, "basis_reference").strip()),
        ]
    fields += [
        ("case", _strip(_get(request, "case_kind"), "ENROLMENT_CASE_")),
        ("settlement_kato", _get(request, "settlement_kato")),
        ("list_category", _get(request, "list_category").strip()),
    ]
    return fields + _documents(request)


def privatization_fields(request):
    fields = [("applicant_iin", _get(request, "applicant", "iin"))]
    rep = _get(request, "representative", default=None)
    if rep:
        fields += [
            ("representative_iin", _get(rep, "person", "iin")),
            ("representative_reference", _get(rep, "basis_reference").strip()),
        ]
    channel = _strip(_get(request, "channel"), "CHANNEL_")
    fields += [
        ("channel", channel),
        ("office_id", _get(request, "office_id").strip() if channel == "STATE_CORPORATION" else ""),
        ("dwelling_id", _get(request, "dwelling_id").strip()),
        ("fund_kind", "FUND_" + _strip(_get(request, "fund_kind"), "FUND_KIND_")),
    ]
    for m in _get(request, "family", default=[]):
        relation = _get(m, "relation").strip()
        iin = _get(m, "person", "iin")
        dated = relation in ("SPOUSE", "DECEASED", "DIVORCED")
        on = _get(m, "registered_on") if dated else birth_date(iin).isoformat()
        fields += [("member_iin", iin), ("member_relation", relation.capitalize()), ("member_registered_on", on)]
    claims = _get(request, "claims", default={})
    for name in ("gratuitous", "free_of_charge_right", "service_dwelling", "cosmonaut"):
        fields.append((name, "1" if _get(claims, name, default=False) else "0"))
    return fields + _documents(request)


def subsidy_fields(request):
    lease = _get(request, "lease", default={})
    address = _get(lease, "address", default={})
    line = " ".join([_get(address, "street"), _get(address, "building"), _get(address, "apartment")]).strip()
    fields = [
        ("applicant_iin", _get(request, "applicant", "iin")),
        ("landlord_iin", _get(lease, "landlord_iin")),
        ("kato", _get(address, "kato_code")),
        ("address", line),
        ("area_decimetres", str(int(_get(lease, "area_m2_tenths", default=0)))),
        ("family_size", str(int(_get(lease, "family_size", default=0)))),
        ("monthly_rent_tiyn", str(int(_get(lease, "monthly_rent", "tiyn", default=0)))),
        ("start_date", _get(lease, "start_date")),
        ("end_date", _get(lease, "end_date")),
    ]
    iban = "".join(_get(lease, "landlord_iban").split()).upper()
    if iban:
        fields.append(("landlord_iban", iban))
    return fields


FIELDS = {"registry": registry_fields, "privatization": privatization_fields, "subsidy": subsidy_fields}


def signing_digest(service, request):
    """The digest a service's CreateApplication checks the confirmations against."""
    return digest(HEADERS[service], FIELDS[service](request))
