-- The caregiver who asked can confirm, from the day-before reminder, that the visit still suits them.
ALTER TABLE assignments ADD COLUMN caregiver_confirmed_at timestamptz;
