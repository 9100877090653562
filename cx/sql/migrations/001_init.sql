-- Core store: stores, feedback from every source, KANO answers, external ratings, import audit.
CREATE TABLE stores (
    store_id   VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    region     VARCHAR NOT NULL,
    city       VARCHAR NOT NULL,
    district   VARCHAR,
    format     VARCHAR,
    opened_on  DATE,
    status     VARCHAR DEFAULT '营业中'
);

CREATE TABLE imports (
    import_id      VARCHAR PRIMARY KEY,
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    rows_in        INTEGER NOT NULL DEFAULT 0,
    rows_ok        INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    status         VARCHAR NOT NULL,
    imported_by    VARCHAR
);

CREATE TABLE rejects (
    import_id  VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    raw        VARCHAR NOT NULL,   -- the original row as JSON
    reason     VARCHAR NOT NULL    -- Chinese, shown to users
);

-- No primary key on purpose: an ART index over 10 M VARCHAR ids costs memory and insert time;
-- ingestion de-duplicates by anti-join instead.
CREATE TABLE feedback (
    feedback_id  VARCHAR NOT NULL,
    source       VARCHAR NOT NULL CHECK (source IN ('survey', 'service', 'review', 'opinion')),
    channel      VARCHAR,
    store_id     VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    customer_key VARCHAR,
    segment      VARCHAR,
    nps          TINYINT CHECK (nps BETWEEN 0 AND 10),
    csat         TINYINT CHECK (csat BETWEEN 1 AND 5),
    ces          TINYINT CHECK (ces BETWEEN 1 AND 7),
    rating       DOUBLE  CHECK (rating BETWEEN 1 AND 5),
    text         VARCHAR,
    import_id    VARCHAR
);

CREATE TABLE kano_answers (
    answer_id     VARCHAR NOT NULL,
    respondent    VARCHAR NOT NULL,
    feature       VARCHAR NOT NULL,
    functional    TINYINT NOT NULL CHECK (functional BETWEEN 1 AND 5),
    dysfunctional TINYINT NOT NULL CHECK (dysfunctional BETWEEN 1 AND 5),
    created_at    TIMESTAMP NOT NULL,
    store_id      VARCHAR,
    import_id     VARCHAR
);

CREATE TABLE external_ratings (
    store_id VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    period   DATE NOT NULL,          -- first day of the month rated
    rating   DOUBLE NOT NULL CHECK (rating BETWEEN 0 AND 5),
    PRIMARY KEY (store_id, platform, period)
);

-- Key/value facts about the store, e.g. data_version (bumped by every write so caches can key on it).
CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
INSERT INTO meta VALUES ('data_version', '0');
