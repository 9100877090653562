-- Rejected API items stored before commit 5514b04 kept the item as sent in `raw`: personal phone (and ID-card)
-- numbers and the customer key in clear. Mask every stored reject the way the importer masks one today
-- (cx.ingest.validate.masked_raw: personal numbers masked, the `customer_key` field hashed), through
-- cx_mask_reject_raw, which this migration's Python step (017_mask_reject_raw.py) registers for its run. Rows
-- already masked come back unchanged and are not rewritten.
UPDATE rejects SET raw = cx_mask_reject_raw(raw)
WHERE raw IS DISTINCT FROM cx_mask_reject_raw(raw);
