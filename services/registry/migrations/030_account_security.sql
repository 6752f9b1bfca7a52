-- Account security: a token version every token carries (bumped when the account is disabled or
-- its password changes, so older tokens stop verifying everywhere), who disabled it and when, and
-- a mark on the demo seed's accounts so a production start can refuse them.
ALTER TABLE accounts
    ADD COLUMN token_version        integer NOT NULL DEFAULT 0 CHECK (token_version >= 0),
    ADD COLUMN password_changed_at  timestamptz,
    ADD COLUMN disabled_at          timestamptz,
    ADD COLUMN disabled_by          text,
    ADD COLUMN demo                 boolean NOT NULL DEFAULT false,
    -- A disabled account says when and by whom; an active one carries neither.
    ADD CONSTRAINT accounts_disabled_consistent
        CHECK ((active AND disabled_at IS NULL AND disabled_by IS NULL)
               OR (NOT active AND disabled_at IS NOT NULL AND disabled_by IS NOT NULL)) NOT VALID;
