SELECT DISTINCT source, channel FROM feedback WHERE channel IS NOT NULL ORDER BY 1, 2
