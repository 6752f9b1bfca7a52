-- Look-alike names (shared/names.py): a nominee's name holds no control, bidirectional or
-- invisible character (the API refuses them naming the field; this is the last line of defence,
-- NOT VALID so rows from before are left as they are), and the once-a-year rule compares the
-- name's confusable skeleton (TS #39: NFKC, look-alike letters mapped, case folded), which the
-- service computes and stores beside the name. identity_key is built from the skeleton too.
ALTER TABLE nominees ADD CONSTRAINT nominees_name_visible
    CHECK (name !~ '[\x01-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]')
    NOT VALID;
ALTER TABLE nominees ADD COLUMN name_skeleton text;
-- Rows from before get the part of the skeleton SQL can compute (compatibility forms, case); the
-- service writes the whole one from now on.
UPDATE nominees SET name_skeleton = lower(normalize(name, NFKC));
ALTER TABLE nominees ALTER COLUMN name_skeleton SET NOT NULL,
    ADD CONSTRAINT nominees_name_skeleton_set CHECK (length(name_skeleton) > 0);
-- The same person (skeleton of the name, birth date) once per award form and year, whatever the
-- letters it is spelled with; a rejected nomination frees it, as nominees_once_per_form_year does.
CREATE UNIQUE INDEX nominees_person_once_per_form_year ON nominees (year, form_code, name_skeleton, birth_date)
    WHERE kind = 'individual' AND state <> 'rejected';
