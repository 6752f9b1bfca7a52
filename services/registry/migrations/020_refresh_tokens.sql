-- Refresh tokens: long-lived, single-use, rotating. Only a SHA-256 of each token is stored. Every
-- token descends from one password sign-in (its family); a token presented after it was already
-- exchanged means someone kept a copy, and the whole family is revoked.
CREATE TABLE refresh_tokens (
    id                uuid PRIMARY KEY,
    family_id         uuid NOT NULL,
    parent_id         uuid REFERENCES refresh_tokens (id) ON DELETE CASCADE,
    account_id        integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The account's token version when the family began: a password change or a disabled
    -- account (which bump the version) ends every refresh token issued before.
    token_version     integer NOT NULL DEFAULT 0,
    token_hash        bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    issued_at         timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    -- No rotation extends a family past the end of its first token's sign-in session.
    family_expires_at timestamptz NOT NULL,
    used_at           timestamptz,
    revoked_at        timestamptz,
    CHECK (expires_at > issued_at AND expires_at <= family_expires_at),
    CHECK (used_at IS NULL OR used_at >= issued_at),
    -- A root token starts its family (its id is the family id); every other one has a parent.
    CHECK ((parent_id IS NULL) = (id = family_id))
);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (family_expires_at);
