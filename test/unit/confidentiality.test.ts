import { describe, expect, it } from 'vitest';
import {
  PRIVATE_FIELDS,
  REVEALED_FIELDS,
  findPersonalData,
  mayReveal,
  publicView,
  revealRecord,
  type Viewer,
} from '../../domain/confidentiality.ts';
import type { HelpRequest, PrivateRequestDetails } from '../../domain/types.ts';

const details: PrivateRequestDetails = {
  personName: 'Kari Nordmann',
  address: 'Storgata 12, 2317 Hamar',
  phone: '+47 912 34 567',
  meetingPlace: 'Hovedinngangen på Sykehuset Innlandet',
  handoverNote: 'Hun hører dårlig; snakk tydelig og ring på to ganger.',
  contactName: 'Ola Berg-Hansen',
  contactPhone: '0047 48 00 11 22',
};

const request: HelpRequest = {
  id: 'r-1',
  centreId: 'c-hamar',
  group: 'folgehjelp',
  district: 'Sentrum',
  startsAt: new Date('2026-06-10T09:30:00Z'),
  durationMinutes: 90,
  flexibleUntil: new Date('2026-06-10T12:00:00Z'),
  summary: 'Følge til legen og hjem igjen',
  requirements: { language: 'nb', policeCertificate: false, firstTimeFriendly: true, staffAlong: false },
  urgent: false,
  status: 'open',
  personId: 'p-secret',
  createdBy: 's-creator',
  location: { lat: 60.79451, lon: 11.06801 },
  wave: 2,
};

describe('publicView', () => {
  it('keeps exactly the public fields', () => {
    const view = publicView(request);
    expect(Object.keys(view).sort()).toEqual(
      ['centreId', 'district', 'durationMinutes', 'flexibleUntil', 'group', 'id', 'requirements', 'startsAt', 'summary', 'urgent'].sort(),
    );
    expect(view).toEqual({
      id: 'r-1',
      centreId: 'c-hamar',
      group: 'folgehjelp',
      district: 'Sentrum',
      startsAt: new Date('2026-06-10T09:30:00Z'),
      durationMinutes: 90,
      flexibleUntil: new Date('2026-06-10T12:00:00Z'),
      summary: 'Følge til legen og hjem igjen',
      requirements: { language: 'nb', policeCertificate: false, firstTimeFriendly: true, staffAlong: false },
      urgent: false,
    });
  });

  it('drops private data smuggled in at run time', () => {
    const leaky = { ...request, ...details, details, notes: 'secret' };
    const json = JSON.stringify(publicView(leaky));
    for (const secret of ['p-secret', 's-creator', '60.79451', 'Kari', 'Storgata', '912', 'Hovedinngangen', 'hører', 'secret']) {
      expect(json).not.toContain(secret);
    }
    expect(findPersonalData(json, details)).toEqual([]);
  });

  it('copies, so changing the view cannot change the request', () => {
    const view = publicView(request);
    view.requirements.policeCertificate = true;
    view.startsAt.setUTCFullYear(2030);
    expect(request.requirements.policeCertificate).toBe(false);
    expect(request.startsAt.toISOString()).toBe('2026-06-10T09:30:00.000Z');
  });
});

describe('mayReveal', () => {
  const subject = { centreId: 'c-hamar', assignedVolunteerId: 'v-assigned', createdBy: 'cg-creator' };
  const viewer = (memberId: string, role: Viewer['role'], centreIds: string[] = []): Viewer => ({ memberId, role, centreIds });

  it.each([
    ['the assigned volunteer', true, viewer('v-assigned', 'volunteer', ['c-hamar'])],
    // Issue 13: a volunteer the request's centre removed or paused (approved elsewhere only) loses sight of it.
    ['the assigned volunteer, no longer approved at the request\'s centre', false, viewer('v-assigned', 'volunteer', ['c-elverum'])],
    ['the assigned volunteer, removed everywhere', false, viewer('v-assigned', 'volunteer', [])],
    ['another volunteer of the centre', false, viewer('v-other', 'volunteer', ['c-hamar'])],
    ['staff of the centre', true, viewer('s-1', 'staff', ['c-hamar'])],
    ['a coordinator of the centre', true, viewer('k-1', 'coordinator', ['c-elverum', 'c-hamar'])],
    ['staff of another centre', false, viewer('s-2', 'staff', ['c-elverum'])],
    ['a coordinator of another centre', false, viewer('k-2', 'coordinator', ['c-elverum'])],
    ['the caregiver who asked', true, viewer('cg-creator', 'caregiver')],
    ['another caregiver', false, viewer('cg-other', 'caregiver', ['c-hamar'])],
    ['an admin', false, viewer('a-1', 'admin', ['c-hamar'])],
    ['a volunteer who created it but is not assigned', false, viewer('cg-creator', 'volunteer', ['c-hamar'])],
  ])('%s → %s', (_label, expected, v) => {
    expect(mayReveal(v, subject)).toBe(expected);
  });

  it('reveals to no volunteer before anyone is assigned', () => {
    expect(mayReveal(viewer('v-assigned', 'volunteer', ['c-hamar']), { ...subject, assignedVolunteerId: null })).toBe(false);
  });

  it('never matches an empty member id to an empty creator', () => {
    expect(mayReveal(viewer('', 'caregiver'), { ...subject, createdBy: '' })).toBe(false);
    expect(mayReveal(viewer('', 'volunteer'), { ...subject, assignedVolunteerId: '' })).toBe(false);
  });
});

describe('revealRecord', () => {
  it('records who saw which fields of whom, when, in a fixed field order', () => {
    const at = new Date('2026-06-09T18:02:00Z');
    const record = revealRecord({
      viewer: { memberId: 'v-assigned', role: 'volunteer' },
      request: { id: 'r-1', personId: 'p-1' },
      fields: ['phone', 'personName', 'phone', 'handoverNote'],
      at,
    });
    expect(record).toEqual({
      viewerId: 'v-assigned',
      viewerRole: 'volunteer',
      requestId: 'r-1',
      personId: 'p-1',
      fields: ['personName', 'phone', 'handoverNote'],
      at: new Date('2026-06-09T18:02:00Z'),
    });
    at.setUTCFullYear(2000);
    expect(record.at.toISOString()).toBe('2026-06-09T18:02:00.000Z');
  });

  it('refuses to record a reveal of nothing', () => {
    expect(() =>
      revealRecord({ viewer: { memberId: 'v', role: 'volunteer' }, request: { id: 'r', personId: null }, fields: [], at: new Date(0) }),
    ).toThrow(RangeError);
  });

  it('reveals every private field to the assigned volunteer', () => {
    expect([...REVEALED_FIELDS].sort()).toEqual(Object.keys(details).sort());
    expect([...PRIVATE_FIELDS].sort()).toEqual(Object.keys(details).sort());
  });
});

describe('findPersonalData', () => {
  it('finds nothing in an ordinary offer text', () => {
    expect(findPersonalData('Følgehjelp i Sentrum onsdag 10. juni kl. 11:30, ca. 90 minutter.', details)).toEqual([]);
  });

  it('finds a full name regardless of case and spacing', () => {
    expect(findPersonalData('Besøk hos KARI   nordmann i morgen', details)).toEqual(['personName']);
  });

  it('finds a surname or first name on its own, as a whole word', () => {
    expect(findPersonalData('Fru Nordmann trenger følge', details)).toEqual(['personName']);
    expect(findPersonalData('Kari trenger følge', details)).toEqual(['personName']);
    // "Karianne" is not "Kari".
    expect(findPersonalData('Karianne trenger følge', details)).toEqual([]);
  });

  it('finds parts of a hyphenated contact name', () => {
    expect(findPersonalData('Kontakt: Berg', { ...details, personName: 'X' })).toEqual(['contactName']);
  });

  it('finds the full address and the street line alone', () => {
    expect(findPersonalData('Adresse: storgata 12, 2317 hamar', details)).toEqual(['address']);
    expect(findPersonalData('Møt meg i Storgata 12.', details)).toEqual(['address']);
    expect(findPersonalData('Storgata 120 er et annet hus', details)).toEqual([]);
  });

  it('finds phone numbers written in other ways, ignoring the country code', () => {
    expect(findPersonalData('Ring 91234567', details)).toEqual(['phone']);
    expect(findPersonalData('Ring 912 34 567', details)).toEqual(['phone']);
    expect(findPersonalData('Ring +47 912-34-567 før du kommer', details)).toEqual(['phone']);
    expect(findPersonalData('Pårørende: (48) 00 11 22', details)).toEqual(['contactPhone']);
  });

  it('does not join digits across times, commas and words into a phone number', () => {
    expect(findPersonalData('kl. 9:12, rom 34, 567 kr', details)).toEqual([]);
    expect(findPersonalData('912 kroner og 34567 skritt', details)).toEqual([]);
  });

  it('finds the meeting place and hand-over note', () => {
    expect(findPersonalData('Vi møtes ved hovedinngangen på sykehuset innlandet.', details)).toEqual(['meetingPlace']);
    expect(findPersonalData(`Notat: ${details.handoverNote}`, details)).toEqual(['handoverNote']);
  });

  it('lists several fields in the fixed field order', () => {
    const text = `${details.contactPhone} ${details.handoverNote} ${details.personName} ${details.phone}`;
    expect(findPersonalData(text, details)).toEqual(['personName', 'phone', 'handoverNote', 'contactPhone']);
  });

  it('ignores empty and missing details', () => {
    const sparse: PrivateRequestDetails = {
      personName: 'Bo Li',
      address: '',
      phone: '',
      meetingPlace: null,
      handoverNote: null,
      contactName: null,
      contactPhone: null,
    };
    // Two-letter name parts are ordinary words ("bo" = to live); only the full name counts.
    expect(findPersonalData('Jeg vil bo i Hamar. 12:00–13:30', sparse)).toEqual([]);
    expect(findPersonalData('Besøk hos Bo Li', sparse)).toEqual(['personName']);
  });
});
