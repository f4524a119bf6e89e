-- The residents of a dwelling are read by its address (IdentityService/ListResidents, for
-- every household a decision reads): without this index each read scanned every address.
CREATE INDEX addresses_dwelling ON addresses (kato, street, building, apartment);
