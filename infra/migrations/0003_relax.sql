-- Staff can relax a request that finds nobody: any district of the centre, no language requirement.
ALTER TABLE help_requests ADD COLUMN area_relaxed boolean NOT NULL DEFAULT false;
