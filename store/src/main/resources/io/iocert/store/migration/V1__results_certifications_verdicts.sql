-- iocert store, schema version 1 (docs/history.md). One file for SQLite and PostgreSQL:
-- ${binary} is BLOB (SQLite) or BYTEA (PostgreSQL). Times are milliseconds since the epoch, UTC.

-- One result document: what one run measured on one node. result_id is the SHA-256 of the
-- document as stored, so recording the same result twice keeps one row.
CREATE TABLE iocert_result (
    result_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    hostname       VARCHAR(255) NOT NULL,
    instance_type  VARCHAR(255),
    node_json      TEXT         NOT NULL,
    spec_name      VARCHAR(255),
    spec_sha256    VARCHAR(64),
    tool_version   VARCHAR(64)  NOT NULL,
    started_at_ms  BIGINT       NOT NULL,
    ended_at_ms    BIGINT       NOT NULL,
    recorded_at_ms BIGINT       NOT NULL,
    source         VARCHAR(16)  NOT NULL,
    document_gz    ${binary}    NOT NULL
);
CREATE INDEX iocert_result_by_host ON iocert_result (hostname, started_at_ms);
CREATE INDEX iocert_result_by_type ON iocert_result (instance_type, started_at_ms);

-- Each measurement of a result, its distribution whole: the histogram in HdrHistogram's
-- compressed encoding, or the interval values as big-endian IEEE doubles.
CREATE TABLE iocert_measurement (
    result_id      VARCHAR(64)  NOT NULL REFERENCES iocert_result (result_id),
    seq            INTEGER      NOT NULL,
    requirement_id VARCHAR(255) NOT NULL,
    probe          VARCHAR(64)  NOT NULL,
    metric         VARCHAR(64)  NOT NULL,
    unit           VARCHAR(32)  NOT NULL,
    variant        VARCHAR(255),
    samples        BIGINT       NOT NULL,
    histogram      ${binary},
    interval_ns    BIGINT,
    intervals      ${binary},
    error          TEXT,
    PRIMARY KEY (result_id, seq)
);

-- A certification of a result against a spec: the report, and the signed certificate if one was issued.
CREATE TABLE iocert_certification (
    cert_id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    result_id        VARCHAR(64)  NOT NULL REFERENCES iocert_result (result_id),
    spec_name        VARCHAR(255) NOT NULL,
    spec_sha256      VARCHAR(64)  NOT NULL,
    verdict          VARCHAR(16)  NOT NULL,
    certified_at_ms  BIGINT       NOT NULL,
    report_json      TEXT         NOT NULL,
    certificate_json TEXT
);
CREATE INDEX iocert_certification_by_result ON iocert_certification (result_id, spec_name);
CREATE INDEX iocert_certification_by_spec ON iocert_certification (spec_name);

-- One row per judged statistic, as the report JSON carries it.
CREATE TABLE iocert_verdict (
    cert_id        VARCHAR(64)  NOT NULL REFERENCES iocert_certification (cert_id),
    seq            INTEGER      NOT NULL,
    requirement_id VARCHAR(255) NOT NULL,
    variant        VARCHAR(255),
    probe          VARCHAR(64),
    metric         VARCHAR(64),
    statistic      VARCHAR(32),
    comparator     VARCHAR(4),
    threshold      DOUBLE PRECISION,
    unit           VARCHAR(32),
    measured       DOUBLE PRECISION,
    ci_low         DOUBLE PRECISION,
    ci_high        DOUBLE PRECISION,
    confidence     DOUBLE PRECISION,
    samples        BIGINT,
    verdict        VARCHAR(16)  NOT NULL,
    reason         TEXT         NOT NULL,
    PRIMARY KEY (cert_id, seq)
);
