"""Validates the mesh kinds of rendered manifests (Istio, Linkerd) against the small JSON schemas
in deploy/schemas, kept from the CRDs' OpenAPI schemas; core kinds are kubernetes-validate's.
Usage: python3 deploy/check-mesh-kinds.py RENDERED.yaml..."""
import json
import pathlib
import sys

import jsonschema
from ruamel.yaml import YAML

SCHEMAS = pathlib.Path(__file__).parent / "schemas"
MESH_GROUPS = ("security.istio.io", "networking.istio.io", "policy.linkerd.io")

failed = 0
for path in sys.argv[1:]:
    checked = 0
    for doc in YAML(typ="safe").load_all(pathlib.Path(path).read_text()):
        if not doc:
            continue
        group = doc.get("apiVersion", "").split("/")[0]
        if group not in MESH_GROUPS:
            continue
        schema_file = SCHEMAS / f"{group}-{doc['kind']}.json"
        if not schema_file.exists():
            print(f"{path}: {group} {doc['kind']} has no schema in deploy/schemas")
            failed += 1
            continue
        try:
            jsonschema.validate(doc, json.loads(schema_file.read_text()))
            checked += 1
        except jsonschema.ValidationError as e:
            print(f"{path}: {doc['kind']} {doc.get('metadata', {}).get('name')}: {e.message}")
            failed += 1
    print(f"{path}: {checked} mesh objects valid")
sys.exit(1 if failed else 0)
