-- Addresses of units of any kind (province:<unit code>, a province's two digits or an office's code)
-- and of an organiser's emulation office other than the ministry's (staff:<organiser code>).
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_address_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_address_check CHECK (
    address = 'ministry' OR address ~ '^province:[0-9A-Z][0-9A-Z-]{1,15}$' OR address ~ '^staff:[A-Z][A-Z0-9-]{1,15}$');
