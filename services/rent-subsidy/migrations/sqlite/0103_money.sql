-- The landlord's account the subsidy is paid to (a Kazakh IBAN, checked), when the lease names it.
ALTER TABLE applications ADD COLUMN landlord_iban TEXT;
-- A month accrued for after the lease's end, once the end is known: to be recovered from the
-- payee, with why (NULL: payable).
ALTER TABLE payments ADD COLUMN recovery TEXT;
