-- A movement's documents: the launch document's file (kế hoạch, quyết định phát động) and its
-- attachments, stored as the models' evidence (bytea, read back in slices), sniffed and limited
-- as the commendations' attachments. Public once the movement is launched.
CREATE TABLE movement_documents (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    movement_id   uuid NOT NULL REFERENCES movements (id),
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type  text NOT NULL,
    size_bytes    integer NOT NULL CHECK (size_bytes > 0),
    sha256        text NOT NULL,
    content       bytea NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE movement_documents ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX movement_documents_movement ON movement_documents (movement_id, created_at);
