-- People behind accounts and a unit's first password without a password in an e-mail:
-- the person's position (printed under their name on the documents they sign, beside
-- display_name), the last sign-in (the ministry's list shows it), and a one-time setup code
-- (only its SHA-256 is kept, with its expiry) with which the person sets their own password.
-- An account created without a password, or reset, has none until the code is used.
ALTER TABLE accounts
    ADD COLUMN position               text CHECK (position IS NULL OR length(position) BETWEEN 1 AND 200),
    ADD COLUMN last_signed_in_at      timestamptz,
    ADD COLUMN setup_code_hash        text CHECK (setup_code_hash IS NULL OR setup_code_hash ~ '^[0-9a-f]{64}$'),
    ADD COLUMN setup_code_expires_at  timestamptz,
    ALTER COLUMN password_hash DROP NOT NULL,
    -- a code always has its expiry, and an account without a password is waiting for its code
    ADD CONSTRAINT accounts_setup_code_consistent
        CHECK ((setup_code_hash IS NULL) = (setup_code_expires_at IS NULL));
