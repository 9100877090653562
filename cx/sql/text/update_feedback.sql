UPDATE feedback SET sentiment = s.sentiment, sentiment_label = s.sentiment_label,
                    keywords = s.keywords, neg_keywords = s.neg_keywords
FROM staged_text s WHERE feedback.feedback_id = s.feedback_id
