"""Python client of the shanyraq housing services: the signing digest (docs/SIGNING.md) and
example journeys; the contract's generated code is the package ``kz``."""
