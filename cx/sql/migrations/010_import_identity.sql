-- Real exports, part 2: one stored row per feedback_id enforced by the store, updates with an audit trail,
-- original answers of converted scales, and what each import assumed.

-- 2. The store enforces identity from now on.
CREATE UNIQUE INDEX feedback_id_key ON feedback (feedback_id);
CREATE UNIQUE INDEX kano_answer_id_key ON kano_answers (answer_id);

-- 3. Original answers of converted scales (CES 1–5 effort → canonical 1–7 ease, 10-point CSAT, ×10 stars).
ALTER TABLE feedback ADD COLUMN csat_raw DOUBLE;
ALTER TABLE feedback ADD COLUMN ces_raw DOUBLE;
ALTER TABLE feedback ADD COLUMN rating_raw DOUBLE;

-- 4. Previous versions of updated records (an edited review, an updated survey answer).
CREATE TABLE feedback_versions (
    feedback_id  VARCHAR NOT NULL,
    replaced_at  TIMESTAMP NOT NULL,
    replaced_by  VARCHAR,            -- import_id of the update
    import_id    VARCHAR,            -- import that had stored the old version
    source       VARCHAR,
    channel      VARCHAR,
    store_id     VARCHAR,
    created_at   TIMESTAMP,
    customer_key VARCHAR,
    segment      VARCHAR,
    nps          TINYINT,
    csat         TINYINT,
    ces          TINYINT,
    rating       DOUBLE,
    text         VARCHAR
);

-- 5. What an import did and assumed: mapping key (re-import after changing the mapping), profile,
--    updates, skipped header/description rows, per-sheet counts and the assumptions in words (JSON).
ALTER TABLE imports ADD COLUMN mapping_key VARCHAR;
ALTER TABLE imports ADD COLUMN profile VARCHAR;
ALTER TABLE imports ADD COLUMN rows_updated INTEGER DEFAULT 0;
ALTER TABLE imports ADD COLUMN rows_skipped INTEGER DEFAULT 0;
ALTER TABLE imports ADD COLUMN details VARCHAR;

-- 6. Rejected rows kept before masking existed: mask mainland mobile numbers and ID-card numbers in place.
UPDATE rejects SET raw = regexp_replace(
    regexp_replace(raw, '([1-9][0-9]{5})(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]', '\1************', 'g'),
    '(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})', '\1****\2', 'g');
