-- One clock: every stamp the store takes by itself is UTC, whatever the server's time zone.
-- DuckDB's current_timestamp is a TIMESTAMPTZ; stored into a TIMESTAMP column it is cast
-- into the process's local zone (a server set to Asia/Shanghai stored Beijing time, 8 hours
-- off the UTC stamps taken elsewhere), and the TimeZone setting needs the ICU extension,
-- which cannot be installed offline. epoch_us() of the instant is zone-free, and
-- make_timestamp() of it is the UTC wall time. Pages convert to the bureau's zone to show.
ALTER TABLE commodities ALTER COLUMN created_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE markets ALTER COLUMN created_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE uploads ALTER COLUMN uploaded_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE releases ALTER COLUMN released_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE audit_log ALTER COLUMN at_time SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE users ALTER COLUMN created_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE briefings ALTER COLUMN created_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
ALTER TABLE issue_numbers ALTER COLUMN assigned_at SET DEFAULT make_timestamp(epoch_us(current_timestamp));
