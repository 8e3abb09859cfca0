-- Import profiles: a named mapping of a sheet layout that automatic detection cannot read
-- (or reads wrongly), with a fingerprint of that layout (header cells or column kinds,
-- sheet name). A file whose fingerprint matches is read with the profile. Rows change only
-- through pricewatch.store.profiles, each change with an audit line.
CREATE TABLE import_profiles (
    name VARCHAR PRIMARY KEY,
    mapping JSON NOT NULL,
    fingerprint JSON NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by VARCHAR,
    updated_at TIMESTAMP,
    used_count INTEGER NOT NULL DEFAULT 0
);
