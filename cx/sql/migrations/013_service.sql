-- The service: notification outbox, audit log, job runs, lasting sign-in sessions.

-- Transactional outbox: written in the same transaction as the ticket / escalation / digest it announces.
-- notification_id = stable_id(event_key, channel, target): the idempotency key per event × recipient.
CREATE TABLE notifications (
    notification_id VARCHAR PRIMARY KEY,
    event_key       VARCHAR NOT NULL,      -- e.g. created:<ticket_id>, escalated:<ticket_id>:<n>, digest:<job>:<time>
    kind            VARCHAR NOT NULL,      -- ticket_created | escalated | digest
    channel         VARCHAR NOT NULL,      -- email | wecom | dingtalk | feishu
    target          VARCHAR NOT NULL,      -- an e-mail address, or the id of a webhook in recipients.yaml
    subject         VARCHAR NOT NULL,
    body            VARCHAR NOT NULL,
    attachment      VARCHAR,               -- a file to attach (digest deck), e-mail only
    status          VARCHAR NOT NULL DEFAULT 'pending',   -- pending | sending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      VARCHAR,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);

-- Who did what, in which scope, when: sign-ins (ok / failed / locked), exports, downloads, token use.
CREATE TABLE audit_log (
    logged_at TIMESTAMP NOT NULL,
    actor   VARCHAR NOT NULL,
    action  VARCHAR NOT NULL,
    scope   VARCHAR,
    detail  VARCHAR,
    address VARCHAR
);

-- Scheduled jobs: the last fire time handled, so a restart catches a missed run up once.
CREATE TABLE job_runs (
    job_id      VARCHAR PRIMARY KEY,
    last_fire   TIMESTAMP,
    last_run_at TIMESTAMP,
    outcome     VARCHAR
);

-- Sign-in sessions behind the signed cookie (only a hash of the session id is stored).
CREATE TABLE sessions (
    session_hash VARCHAR PRIMARY KEY,
    username     VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
