// The one place that says what about a request anyone may see, and who may see the rest.
import type { PrivateRequestDetails, PublicRequestView, Role } from './types.ts';

/** The fields shown to the assigned volunteer on reveal, as recorded in the audit log. */
export const REVEALED_FIELDS = ['name', 'address', 'phone', 'meetingPlace', 'handoverNote', 'contact'] as const;

/** What an offer may show: kind of help, area, when, how long, flags, the public summary. */
export function publicView(r: PublicRequestView): PublicRequestView {
  return {
    id: r.id,
    centreId: r.centreId,
    group: r.group,
    district: r.district,
    startsAt: r.startsAt,
    durationMinutes: r.durationMinutes,
    flexibleUntil: r.flexibleUntil,
    summary: r.summary,
    requirements: { ...r.requirements },
    urgent: r.urgent,
  };
}

export interface Viewer {
  memberId: string;
  role: Role;
  centreIds: readonly string[];
}

/** Assigned volunteer; staff of the request's centre; the caregiver who asked. Nobody else. */
export function mayReveal(viewer: Viewer, request: { centreId: string; assignedVolunteerId: string | null; createdBy: string }): boolean {
  if (viewer.role === 'volunteer') return request.assignedVolunteerId === viewer.memberId;
  if (viewer.role === 'staff' || viewer.role === 'coordinator') return viewer.centreIds.includes(request.centreId);
  if (viewer.role === 'caregiver') return request.createdBy === viewer.memberId;
  return false;
}

/** Which private values appear in a text: the last guard on outgoing messages, and in tests. */
export function findPersonalData(text: string, details: PrivateRequestDetails): string[] {
  const lower = text.toLowerCase();
  const digits = text.replace(/\D/g, '');
  const found: string[] = [];
  const has = (v: string | null) => Boolean(v && v.trim().length >= 3 && lower.includes(v.toLowerCase()));
  const hasPhone = (v: string | null) => Boolean(v && v.replace(/\D/g, '').length >= 8 && digits.includes(v.replace(/\D/g, '')));
  if (has(details.personName)) found.push('name');
  if (has(details.address)) found.push('address');
  if (hasPhone(details.phone)) found.push('phone');
  if (has(details.meetingPlace)) found.push('meetingPlace');
  if (has(details.handoverNote)) found.push('handoverNote');
  if (has(details.contactName) || hasPhone(details.contactPhone)) found.push('contact');
  return found;
}
