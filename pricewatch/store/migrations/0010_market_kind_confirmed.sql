-- Outlet types (农贸市场, 超市, 批发市场, 社区菜店): a market's kind is guessed from its name
-- when it is first seen; kind_confirmed records that a person set or confirmed it. The
-- seeded catalog's kinds were written by people, so they count as confirmed.
ALTER TABLE markets ADD COLUMN kind_confirmed BOOLEAN NOT NULL DEFAULT false;
UPDATE markets SET kind_confirmed = true WHERE created_by = 'seed';
