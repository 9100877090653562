-- Incidents (cx/incidents.py): a store × touchpoint (or × sensitive-word class) whose volume spiked
-- above the store's own baseline. One row per episode; kept current by cx.incidents.refresh.
CREATE TABLE incidents (
    incident_id      VARCHAR PRIMARY KEY,   -- stable hash of store, kind, key, first flagged day
    store_id         VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL CHECK (kind IN ('touchpoint', 'sensitive')),
    key              VARCHAR NOT NULL,      -- touchpoint id or sensitive class
    severity         VARCHAR NOT NULL,      -- low | medium | high
    start_at         DATE NOT NULL,         -- first day with more items than expected
    end_at           DATE,                  -- last such day once it subsided; NULL while ongoing
    first_flagged    DATE NOT NULL,         -- the day the detector first flagged it (alert date)
    last_flagged     DATE NOT NULL,
    observed         BIGINT NOT NULL,       -- items from start_at to end_at (or the last day of data)
    expected         DOUBLE NOT NULL,       -- … expected from the baseline over the same days
    peak_window_days INTEGER NOT NULL,      -- the most significant window: its length,
    peak_end         DATE NOT NULL,         -- last day,
    peak_observed    BIGINT NOT NULL,       -- count,
    peak_expected    DOUBLE NOT NULL,       -- expected count,
    p_value          DOUBLE NOT NULL,       -- p-value,
    q_value          DOUBLE NOT NULL,       -- and BH-adjusted p-value among that day's cells
    feedback_ids     VARCHAR[] NOT NULL,    -- verbatims (most recent first)
    ticket_id        VARCHAR NOT NULL,      -- the one ticket the alert rules open for it
    status           VARCHAR NOT NULL,      -- 进行中 | 已平息
    method           VARCHAR NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
