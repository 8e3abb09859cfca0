-- The briefing archive: every generated leadership briefing (PDF or DOCX), with the period,
-- the audience and the data version it was made from. The file itself lives under
-- Settings.archive_dir; file_name is relative to that folder. Rows are only ever added.
CREATE SEQUENCE seq_briefing START 1;

CREATE TABLE briefings (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_briefing'),
    period VARCHAR NOT NULL,
    public BOOLEAN NOT NULL,
    format VARCHAR NOT NULL CHECK (format IN ('pdf', 'docx')),
    data_version INTEGER NOT NULL,
    has_unreleased BOOLEAN NOT NULL DEFAULT false,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    created_by VARCHAR NOT NULL
);
