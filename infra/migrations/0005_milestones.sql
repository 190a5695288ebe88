-- Volunteers can switch off the thank-you messages at milestones (first task, 10 tasks, …).
ALTER TABLE volunteers ADD COLUMN milestone_messages boolean NOT NULL DEFAULT true;
