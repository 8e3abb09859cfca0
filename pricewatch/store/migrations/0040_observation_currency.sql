-- Every observation says which currency its price is in. A price in another currency
-- (a WFP export in KES or BDT) is stored as written, in the commodity's canonical unit,
-- which names that currency ("KES/公斤"); nothing converts it into 元 and no 元 price is
-- averaged with it (a commodity's prices are in one currency: ingest refuses the others).
ALTER TABLE observations ADD COLUMN currency VARCHAR DEFAULT 'CNY';
UPDATE observations o SET currency = upper(split_part(c.unit, '/', 1))
FROM commodities c
WHERE c.id = o.commodity_id AND split_part(c.unit, '/', 1) NOT IN ('元', '') AND contains(c.unit, '/')
  AND length(split_part(c.unit, '/', 1)) = 3 AND regexp_full_match(split_part(c.unit, '/', 1), '[A-Za-z]{3}');
