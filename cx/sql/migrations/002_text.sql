-- Text analytics results: document sentiment and keywords on feedback; touchpoint mentions; sensitive hits.
ALTER TABLE feedback ADD COLUMN sentiment DOUBLE;            -- P(positive) in [0, 1]
ALTER TABLE feedback ADD COLUMN sentiment_label TINYINT;     -- −1 / 0 / +1
ALTER TABLE feedback ADD COLUMN keywords VARCHAR[];
ALTER TABLE feedback ADD COLUMN neg_keywords VARCHAR[];      -- words from negative clauses

CREATE TABLE mentions (
    feedback_id VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    touchpoint  VARCHAR NOT NULL,
    polarity    TINYINT NOT NULL CHECK (polarity BETWEEN -1 AND 1),
    clause      VARCHAR,
    keyword     VARCHAR
);

CREATE TABLE sensitive_hits (
    feedback_id VARCHAR NOT NULL,
    class       VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    word        VARCHAR NOT NULL
);
