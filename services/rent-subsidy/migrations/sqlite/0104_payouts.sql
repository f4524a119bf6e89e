-- A month's subsidy paid out to the landlord's account: the day and the bank's reference
-- (NULL: not paid yet).
ALTER TABLE payments ADD COLUMN paid_on TEXT;
ALTER TABLE payments ADD COLUMN paid_reference TEXT;
