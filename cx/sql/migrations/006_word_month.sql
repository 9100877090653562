-- Chain-level month × source × channel × word counts behind the keyword table and the negative word cloud
-- (cx/rollup.py keeps them in step with feedback). Without a store key the table stays small (~75 k rows a
-- year at 10 M feedback, vs ~30 M words to unnest), so it answers only filters that do not narrow by store,
-- region, format or scope — the HQ view; narrower filters read their (fewer) rows.
CREATE TABLE word_month (
    month    DATE NOT NULL,
    source   VARCHAR NOT NULL,
    channel  VARCHAR,
    word     VARCHAR NOT NULL,
    total    BIGINT NOT NULL,     -- occurrences in feedback keywords
    negative BIGINT NOT NULL      -- occurrences in the keywords of negative clauses
);
-- The one definition of those counts, for feedback created in [a, b): used here and by every refresh.
CREATE MACRO word_month_counts(a, b) AS TABLE
    SELECT CAST(date_trunc('month', created_at) AS DATE) AS month, source, channel, word,
           sum(total) AS total, sum(negative) AS negative
    FROM (SELECT created_at, source, channel, unnest(keywords) AS word, 1 AS total, 0 AS negative
          FROM feedback WHERE keywords IS NOT NULL AND created_at >= a AND created_at < b
          UNION ALL
          SELECT created_at, source, channel, unnest(neg_keywords) AS word, 0 AS total, 1 AS negative
          FROM feedback WHERE neg_keywords IS NOT NULL AND created_at >= a AND created_at < b)
    GROUP BY 1, 2, 3, 4;
INSERT INTO word_month SELECT * FROM word_month_counts(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01');
