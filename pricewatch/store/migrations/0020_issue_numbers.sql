-- 期号: the issue numbers of the bureau's numbered publications (价格监测周报, 旬报, 月报 ...).
-- One row per (series, period): the period's 第X期 within its year and 总第Y期 over the
-- series' life. A number is assigned in the same transaction as the write that creates or
-- publishes the publication, and never reused: rows are only ever added.
CREATE TABLE issue_numbers (
    series VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    total INTEGER NOT NULL,
    assigned_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    assigned_by VARCHAR NOT NULL,
    PRIMARY KEY (series, period),
    UNIQUE (series, year, number),
    UNIQUE (series, total)
);
