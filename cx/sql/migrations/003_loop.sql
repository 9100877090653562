-- Closed loop: tickets from alert rules, their append-only audit trail, and improvement actions.
CREATE TABLE tickets (
    ticket_id    VARCHAR PRIMARY KEY,         -- stable hash of rule + dedup key: re-running rules adds nothing
    rule_id      VARCHAR NOT NULL,
    feedback_id  VARCHAR,                     -- the feedback that triggered it (NULL for aggregate rules)
    store_id     VARCHAR,
    touchpoint   VARCHAR,
    severity     VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    owner_level  VARCHAR NOT NULL,            -- store | region | hq (moves up on escalation)
    status       VARCHAR NOT NULL,            -- 待处理 | 处理中 | 已升级 | 已解决 | 已关闭
    sla_hours    INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    sla_due_at   TIMESTAMP NOT NULL,          -- the original promise (for "closed within SLA")
    due_at       TIMESTAMP NOT NULL,          -- current deadline at the current level
    resolved_at  TIMESTAMP,
    closed_at    TIMESTAMP,
    root_cause   VARCHAR,
    escalations  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ticket_events (
    ticket_id VARCHAR NOT NULL,
    event_at  TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    event     VARCHAR NOT NULL,   -- created assigned commented root_cause resolved reopened escalated closed
    detail    VARCHAR
);

CREATE TABLE actions (
    action_id   VARCHAR PRIMARY KEY,
    store_id    VARCHAR,              -- a store action, or
    region      VARCHAR,              -- a region-wide action
    touchpoint  VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    start_date  DATE NOT NULL,
    owner       VARCHAR,
    created_at  TIMESTAMP NOT NULL DEFAULT now()
);
