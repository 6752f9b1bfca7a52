-- Cluster names and organisers are shown publicly: no control, bidirectional or invisible
-- characters (shared/names.py; the API refuses them naming the field, this is the last line of
-- defence). NOT VALID: rows from before are left as they are.
ALTER TABLE clusters
    ADD CONSTRAINT clusters_name_visible
        CHECK (name !~ '[\x01-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]')
        NOT VALID,
    ADD CONSTRAINT clusters_organizer_visible
        CHECK (organizer !~ '[\x01-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]')
        NOT VALID;
