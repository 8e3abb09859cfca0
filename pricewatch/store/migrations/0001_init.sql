-- The first schema: catalog, uploads, observations with revisions, releases, audit, users.
-- Observations are never updated in value: a correction is a new row with revision + 1.
-- Two flags say which revision each audience sees:
--   is_current: the newest revision of a (commodity, market, date, price_type) key (staff);
--   is_public:  the newest revision among released uploads (the public).
CREATE SEQUENCE seq_commodity START 1;
CREATE SEQUENCE seq_market START 1;
CREATE SEQUENCE seq_upload START 1;
CREATE SEQUENCE seq_observation START 1;
CREATE SEQUENCE seq_release START 1;
CREATE SEQUENCE seq_audit START 1;

CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
INSERT INTO meta VALUES ('data_version', '0');

CREATE TABLE categories (
    name VARCHAR PRIMARY KEY,
    name_en VARCHAR,
    sort INTEGER NOT NULL DEFAULT 0,
    jump_threshold_pct DOUBLE
);

CREATE TABLE commodities (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_commodity'),
    name VARCHAR NOT NULL UNIQUE,
    category VARCHAR NOT NULL,
    spec VARCHAR,
    unit VARCHAR NOT NULL DEFAULT '元/公斤',
    weight DOUBLE NOT NULL DEFAULT 1.0,
    name_en VARCHAR,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    created_by VARCHAR
);

CREATE TABLE commodity_aliases (
    alias VARCHAR PRIMARY KEY,
    commodity_id INTEGER NOT NULL
);

CREATE TABLE markets (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_market'),
    name VARCHAR NOT NULL UNIQUE,
    kind VARCHAR NOT NULL DEFAULT '农贸市场',
    name_en VARCHAR,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    created_by VARCHAR
);

CREATE TABLE market_aliases (
    alias VARCHAR PRIMARY KEY,
    market_id INTEGER NOT NULL
);

CREATE TABLE uploads (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_upload'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    uploaded_by VARCHAR NOT NULL,
    uploaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    status VARCHAR NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'released', 'superseded')),
    layout VARCHAR,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_loaded INTEGER NOT NULL DEFAULT 0,
    rows_revised INTEGER NOT NULL DEFAULT 0,
    date_min DATE,
    date_max DATE,
    report JSON,
    released_at TIMESTAMP,
    release_id INTEGER
);

CREATE TABLE observations (
    id BIGINT NOT NULL DEFAULT nextval('seq_observation'),  -- no index: bulk loads stay fast
    commodity_id INTEGER NOT NULL,
    market_id INTEGER NOT NULL,
    obs_date DATE NOT NULL,
    price DOUBLE NOT NULL CHECK (price > 0),
    price_type VARCHAR NOT NULL DEFAULT 'retail' CHECK (price_type IN ('retail', 'wholesale')),
    upload_id INTEGER NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    is_current BOOLEAN NOT NULL DEFAULT true,
    is_public BOOLEAN NOT NULL DEFAULT false,
    orig_price DOUBLE,
    orig_unit VARCHAR,
    source VARCHAR
);

CREATE TABLE releases (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_release'),
    released_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    released_by VARCHAR NOT NULL,
    through_date DATE,
    upload_ids INTEGER[] NOT NULL,
    comment VARCHAR
);

-- Append-only: the store offers no update or delete for this table.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_audit'),
    at_time TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target VARCHAR,
    detail JSON
);

CREATE TABLE users (
    name VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL CHECK (role IN ('editor', 'reviewer', 'leader', 'admin')),
    password_hash VARCHAR NOT NULL,
    display_name VARCHAR,
    active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    failed_count INTEGER NOT NULL DEFAULT 0,
    last_failed_at TIMESTAMP,
    locked_until TIMESTAMP
);

-- The staff see the newest revision of everything, released or not.
CREATE VIEW obs_staff AS
SELECT o.id, o.obs_date, o.commodity_id, c.name AS commodity, c.category, c.unit, c.spec,
       o.market_id, m.name AS market, m.kind AS market_kind,
       o.price, o.price_type, o.upload_id, o.revision, o.is_public AS released
FROM observations o
JOIN commodities c ON c.id = o.commodity_id
JOIN markets m ON m.id = o.market_id
WHERE o.is_current;

-- The one view every public page, chart, download and export reads (invariant 1).
CREATE VIEW obs_public AS
SELECT o.id, o.obs_date, o.commodity_id, c.name AS commodity, c.category, c.unit, c.spec,
       o.market_id, m.name AS market, m.kind AS market_kind,
       o.price, o.price_type, o.upload_id, o.revision, true AS released
FROM observations o
JOIN commodities c ON c.id = o.commodity_id
JOIN markets m ON m.id = o.market_id
WHERE o.is_public;
