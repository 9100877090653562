-- Keyword table: how often each word appears, and how often in a negative clause.
, a AS (SELECT unnest(keywords) AS word FROM f WHERE keywords IS NOT NULL),
  n AS (SELECT unnest(neg_keywords) AS word FROM f WHERE neg_keywords IS NOT NULL),
  ca AS (SELECT word, count(*) AS total FROM a GROUP BY 1),
  cn AS (SELECT word, count(*) AS negative FROM n GROUP BY 1)
SELECT ca.word, ca.total, coalesce(cn.negative, 0) AS negative
FROM ca LEFT JOIN cn USING (word)
ORDER BY coalesce(cn.negative, 0) DESC, ca.total DESC, ca.word
LIMIT $limit
