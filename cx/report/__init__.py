"""Upward reporting: chart images, Excel tables, the PPTX deck and the HTML one-pager."""
