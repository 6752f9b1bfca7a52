-- The register searched at national scale (two million awards over ten years, bench/national.py):
-- a name anywhere in name_search (LIKE '%...%', with or without diacritics: the column is already
-- folded) through a trigram index, and each filter alone or with others in register order (id)
-- without reading the years, provinces or forms before the one asked. awards_year (year, form,
-- province, id) keeps answering the three together; awards_holder a holder's history.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX awards_name_search_trgm ON awards USING gin (name_search public.gin_trgm_ops);
CREATE INDEX awards_year_id ON awards (year, id);
CREATE INDEX awards_province_id ON awards (province_code, id);
CREATE INDEX awards_form_id ON awards (form_code, id);
