// A volunteer as one row reads them (the profile, their standing per centre): the mapping shared by the
// volunteer store and the matching pool, apart from both so neither imports the other for it.
import { CENTRE_STANDING } from './centre-standing.ts';
import type { AvailabilityWindow, TaskComfort, Volunteer, VolunteerStatus } from '../domain/types.ts';

export interface VolunteerProfile extends Volunteer {
  name: string;
  phone: string;
  email: string | null;
  /** Caregivers who asked for a task this volunteer took may see their phone. */
  sharePhone: boolean;
  /** Their standing at each centre they belong to (approval is per centre). */
  standing: Array<{ centreId: string; status: VolunteerStatus }>;
}

/** Overall: approved somewhere wins, then waiting, then paused; removed only when removed everywhere. */
const STATUS_RANK: readonly VolunteerStatus[] = ['approved', 'pending', 'paused', 'removed'];
function overallStatus(standing: ReadonlyArray<{ status: VolunteerStatus }>, fallback: VolunteerStatus): VolunteerStatus {
  return STATUS_RANK.find((s) => standing.some((c) => c.status === s)) ?? fallback;
}

export interface VolunteerRow {
  member_id: string;
  status: VolunteerStatus;
  district: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  groups: string[];
  languages: string[];
  availability: AvailabilityWindow[];
  weekly_cap: number;
  comfort: TaskComfort;
  police_certificate_checked_on: string | null;
  paused_until: Date | null;
  centres: string[] | null;
  signed_version: number | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  share_phone?: boolean;
  standing?: Array<{ centre: string; status: VolunteerStatus }> | null;
}

export const SELECT_VOLUNTEER = `
  SELECT v.*, m.name, m.phone, m.email,
         (SELECT array_agg(centre_id ORDER BY centre_id) FROM volunteer_centres vc WHERE vc.member_id = v.member_id) AS centres,
         (SELECT json_agg(json_build_object('centre', vc.centre_id, 'status', ${CENTRE_STANDING}) ORDER BY vc.centre_id)
            FROM volunteer_centres vc WHERE vc.member_id = v.member_id) AS standing,
         (SELECT max(version) FROM declaration_signatures s WHERE s.member_id = v.member_id) AS signed_version
    FROM volunteers v JOIN members m ON m.id = v.member_id`;

export function toVolunteer(r: VolunteerRow): VolunteerProfile {
  const standing = (r.standing ?? []).map((c) => ({ centreId: c.centre, status: c.status }));
  return {
    id: r.member_id,
    centreIds: r.centres ?? [],
    status: r.standing ? overallStatus(standing, r.status) : r.status,
    standing,
    district: r.district,
    postcode: r.postcode,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    groups: r.groups,
    languages: r.languages,
    availability: r.availability,
    weeklyCap: r.weekly_cap,
    comfort: r.comfort,
    signedDeclarationVersion: r.signed_version,
    policeCertificateCheckedAt: r.police_certificate_checked_on ? new Date(`${r.police_certificate_checked_on}T00:00:00Z`) : null,
    pausedUntil: r.paused_until,
    name: r.name ?? '',
    phone: r.phone ?? '',
    email: r.email,
    sharePhone: r.share_phone === true,
  };
}
