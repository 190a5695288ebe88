// The kinds of help a centre starts with (from FRIDA and the municipal plans); coordinators can add
// and rename groups per centre.
import type { Locale } from './types.ts';

export interface InterestGroup {
  key: string;
  nameNb: string;
  /** Absent until the centre names it in nynorsk: nynorsk readers then see the bokmål name. */
  nameNn?: string | null;
  nameEn: string;
  /** Every task of this group requires a politiattest (e.g. work with children). */
  requiresPoliceCertificate?: boolean;
}

export const DEFAULT_INTEREST_GROUPS: readonly InterestGroup[] = [
  { key: 'folgehjelp', nameNb: 'Følgehjelp', nameNn: 'Følgjehjelp', nameEn: 'Accompanying' },
  { key: 'handlehjelp', nameNb: 'Handlehjelp', nameNn: 'Handlehjelp', nameEn: 'Shopping help' },
  { key: 'besoksvenn', nameNb: 'Besøksvenn', nameNn: 'Besøksven', nameEn: 'Visiting friend' },
  { key: 'turvenn', nameNb: 'Turvenn', nameNn: 'Turven', nameEn: 'Walking friend' },
  { key: 'avlastning', nameNb: 'Avlastning (pusterom)', nameNn: 'Avlasting (pusterom)', nameEn: 'Respite company' },
  { key: 'praktisk', nameNb: 'Praktisk hjelp', nameNn: 'Praktisk hjelp', nameEn: 'Practical help' },
  { key: 'digital', nameNb: 'Digital hjelp', nameNn: 'Digital hjelp', nameEn: 'Digital help' },
  { key: 'aktiviteter', nameNb: 'Aktiviteter', nameNn: 'Aktivitetar', nameEn: 'Activities' },
  { key: 'annet', nameNb: 'Annet', nameNn: 'Anna', nameEn: 'Other' },
];

/** The group's name in the reader's language (nynorsk falls back to bokmål until the centre gives one). */
export function groupName(group: Pick<InterestGroup, 'nameNb' | 'nameNn' | 'nameEn'>, locale: Locale): string {
  if (locale === 'en') return group.nameEn;
  if (locale === 'nn') return group.nameNn || group.nameNb;
  return group.nameNb;
}
