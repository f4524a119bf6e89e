-- One-time passwords issued per person and digest in the current window: at most a few per
-- window (the gateway's OTP_ISSUES_PER_WINDOW), counted in the same statement that issues.
-- The window's start is whole Unix seconds, compared as numbers on both backends.
ALTER TABLE otps ADD COLUMN window_started_s BIGINT NOT NULL DEFAULT 0;
ALTER TABLE otps ADD COLUMN issued_in_window BIGINT NOT NULL DEFAULT 0;
