// The domain's nouns. Plain data only: no I/O, no clock reads, no channel or SQL types.

export type Locale = 'nb' | 'nn' | 'en';

/** 'person': a person helped who asks for themselves (their own row in persons, members.person_id). */
export type Role = 'volunteer' | 'staff' | 'coordinator' | 'caregiver' | 'admin' | 'person';

/** Weekday 1 = Monday … 7 = Sunday (ISO), times as minutes after local midnight (Europe/Oslo). */
export interface AvailabilityWindow {
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  fromMinute: number;
  toMinute: number;
}

export type VolunteerStatus = 'pending' | 'approved' | 'paused' | 'removed';

/** Which tasks a volunteer is open to: everything, or only those with extra support. */
export type TaskComfort = 'any' | 'first_time_friendly_only' | 'staff_along_only';

export interface Volunteer {
  id: string; // member id
  centreIds: string[];
  status: VolunteerStatus;
  district: string;
  postcode: string | null;
  /** Approximate home location for distance matching; null when unknown. */
  location: { lat: number; lon: number } | null;
  groups: string[]; // interest group keys
  languages: string[]; // ISO 639-1, e.g. 'nb', 'en', 'ar'
  availability: AvailabilityWindow[];
  weeklyCap: number;
  comfort: TaskComfort;
  signedDeclarationVersion: number | null;
  policeCertificateCheckedAt: Date | null;
  pausedUntil: Date | null;
}

export type RequestStatus = 'waiting_consent' | 'open' | 'taken' | 'cancelled' | 'expired' | 'done';

export interface RequestRequirements {
  language: string | null;
  policeCertificate: boolean;
  firstTimeFriendly: boolean;
  staffAlong: boolean;
}

/** The part of a request that anyone offered it may see. */
export interface PublicRequestView {
  id: string;
  centreId: string;
  group: string;
  district: string;
  startsAt: Date;
  durationMinutes: number;
  /** When set, the volunteer may pick any time between startsAt and flexibleUntil. */
  flexibleUntil: Date | null;
  summary: string;
  requirements: RequestRequirements;
  urgent: boolean;
}

/** What only the assigned volunteer (and staff with access) may see. */
export interface PrivateRequestDetails {
  personName: string;
  address: string;
  phone: string;
  meetingPlace: string | null;
  handoverNote: string | null;
  contactName: string | null;
  contactPhone: string | null;
}

export interface HelpRequest extends PublicRequestView {
  status: RequestStatus;
  personId: string | null;
  createdBy: string;
  location: { lat: number; lon: number } | null;
  wave: number;
}

export type ConsentBasis = 'self' | 'proxy' | 'staff_recorded';

export interface ConsentRecord {
  id: string;
  personId: string;
  basis: ConsentBasis;
  /** Relation of the proxy to the person when basis is 'proxy'. */
  relation: string | null;
  recordedBy: string;
  givenAt: Date;
  validUntil: Date;
  withdrawnAt: Date | null;
}

export type OfferStatus = 'pending' | 'accepted' | 'declined' | 'taken' | 'withdrawn';

export interface Offer {
  id: string;
  requestId: string;
  volunteerId: string;
  wave: number;
  status: OfferStatus;
}

export interface Assignment {
  id: string;
  requestId: string;
  volunteerId: string;
  assignedAt: Date;
  status: 'active' | 'cancelled' | 'done';
}

/** Where a person wants offers first: Teams, web chat, SMS, or where they were last (domain/channels.ts). */
export type ChannelChoice = 'teams' | 'webchat' | 'sms' | 'last';
