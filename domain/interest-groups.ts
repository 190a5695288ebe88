// The kinds of help a centre starts with (from FRIDA and the municipal plans); coordinators can add
// and rename groups per centre.
export interface InterestGroup {
  key: string;
  nameNb: string;
  nameEn: string;
  /** Every task of this group requires a politiattest (e.g. work with children). */
  requiresPoliceCertificate?: boolean;
}

export const DEFAULT_INTEREST_GROUPS: readonly InterestGroup[] = [
  { key: 'folgehjelp', nameNb: 'Følgehjelp', nameEn: 'Accompanying' },
  { key: 'handlehjelp', nameNb: 'Handlehjelp', nameEn: 'Shopping help' },
  { key: 'besoksvenn', nameNb: 'Besøksvenn', nameEn: 'Visiting friend' },
  { key: 'turvenn', nameNb: 'Turvenn', nameEn: 'Walking friend' },
  { key: 'avlastning', nameNb: 'Avlastning (pusterom)', nameEn: 'Respite company' },
  { key: 'praktisk', nameNb: 'Praktisk hjelp', nameEn: 'Practical help' },
  { key: 'digital', nameNb: 'Digital hjelp', nameEn: 'Digital help' },
  { key: 'aktiviteter', nameNb: 'Aktiviteter', nameEn: 'Activities' },
  { key: 'annet', nameNb: 'Annet', nameEn: 'Other' },
];
