// The import's rules without a database (domain/import.ts): which headings mean which column, how
// cells are read (phones, dates, postcodes, lists), and what each row's problems are.
import { describe, expect, it } from 'vitest';
import {
  checkPersonRow, checkVolunteerRow, consentBasisOf, languageCode, markDuplicates, normalizePhone, parseNorwegianDate, resolveHeaders,
  templateHeadings, type ImportContext,
} from '../../domain/import.ts';
import { DEFAULT_INTEREST_GROUPS } from '../../domain/interest-groups.ts';
import { detectDelimiter, detectEncoding } from '../../infra/import-file.ts';

const ctx: ImportContext = { today: '2026-06-01', currentDeclarationVersion: 2, declarationVersions: [1, 2], groups: DEFAULT_INTEREST_GROUPS, consentValidityMonths: 12 };

describe('headings', () => {
  it('reads the template and the names a centre’s own sheet is likely to use', () => {
    const template = resolveHeaders('volunteers', templateHeadings('volunteers'));
    expect(template.problems).toEqual([]);
    expect(Object.keys(template.columns)).toHaveLength(templateHeadings('volunteers').length);
    const own = resolveHeaders('volunteers', ['Fornavn', 'Etternavn', 'Mobil', 'E-post:', 'Postnr.', 'Område', 'Grupper', 'Politiattest (dato)', 'Fødselsdato']);
    expect(own.problems).toEqual([]);
    expect(own.columns).toMatchObject({ firstName: 0, lastName: 1, phone: 2, email: 3, postcode: 4, district: 5, groups: 6, policeCheckedOn: 7 });
    expect(own.ignored).toEqual(['Fødselsdato']);
  });

  it('says which required column is missing, and which is there twice', () => {
    expect(resolveHeaders('volunteers', ['Navn', 'E-post']).problems).toEqual([{ code: 'missing_column', field: 'district' }]);
    expect(resolveHeaders('volunteers', ['Navn', 'Bydel']).problems).toEqual([{ code: 'missing_column', field: 'phone' }]);
    expect(resolveHeaders('persons', ['Navn', 'Telefon', 'Tlf', 'Adresse', 'Bydel']).problems).toEqual([{ code: 'duplicate_column', field: 'phone', heading: 'Tlf' }]);
  });
});

describe('cells', () => {
  it('phones: Norwegian numbers as 8 digits however written, others with their country code', () => {
    expect(normalizePhone('912 34 567')).toBe('91234567');
    expect(normalizePhone('+47 912 34 567')).toBe('91234567');
    expect(normalizePhone('0047 91234567')).toBe('91234567');
    expect(normalizePhone('4791234567')).toBe('91234567');
    expect(normalizePhone('+46 70 123 45 67')).toBe('+46701234567');
    expect(normalizePhone('9,12346E+07')).toBeNull(); // what Excel makes of a number column
    expect(normalizePhone('12')).toBeNull();
  });

  it('dates as Norwegians write them, and as Excel exports them; impossible dates are refused', () => {
    expect(parseNorwegianDate('31.12.2025')).toBe('2025-12-31');
    expect(parseNorwegianDate('1.2.25')).toBe('2025-02-01');
    expect(parseNorwegianDate('31/12/2025')).toBe('2025-12-31');
    expect(parseNorwegianDate('2025-12-31')).toBe('2025-12-31');
    expect(parseNorwegianDate('30.02.2025')).toBeNull();
    expect(parseNorwegianDate('neste uke')).toBeNull();
  });

  it('languages and consent bases by their Norwegian (and English) names', () => {
    expect(['norsk', 'Bokmål', 'engelsk', 'Arabisk', 'ar', 'Somali'].map(languageCode)).toEqual(['nb', 'nb', 'en', 'ar', 'ar', 'so']);
    expect(languageCode('klingon')).toBeNull();
    expect(['Selv', 'pårørende', 'Verge', 'ansatt', 'kanskje'].map(consentBasisOf)).toEqual(['self', 'proxy', 'proxy', 'staff_recorded', null]);
  });

  it('the file: encoding from the bytes, separator from the header line', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('Bjørn', 'latin1'))).toBe('windows-1252');
    expect(detectEncoding(Buffer.from('Bjørn', 'utf8'))).toBe('utf-8');
    expect(detectDelimiter('navn;telefon;"a, b"')).toBe(';');
    expect(detectDelimiter('navn,telefon,"a; b"')).toBe(',');
    expect(detectDelimiter('navn\ttelefon')).toBe('\t');
  });
});

describe('rows', () => {
  const columns = resolveHeaders('volunteers', templateHeadings('volunteers')).columns;
  const row = (over: Partial<Record<number, string>>) => {
    const cells = ['Kari Nordmann', '912 34 567', 'Kari@Example.no', '317', 'Sentrum', 'Handlehjelp, Avlastning; turvenn', 'norsk, engelsk', '15.01.2025', '1', '10.01.2025'];
    for (const [i, v] of Object.entries(over)) cells[Number(i)] = v!;
    return cells;
  };

  it('normalises a good row: groups by name or key, the lost zero of a postcode, e-mail in lower case', () => {
    const r = checkVolunteerRow(2, columns, row({}), ctx);
    expect(r.record).toEqual({
      name: 'Kari Nordmann', phone: '91234567', email: 'kari@example.no', postcode: '0317', district: 'Sentrum',
      groups: ['handlehjelp', 'avlastning', 'turvenn'], languages: ['nb', 'en'], declaration: { signedOn: '2025-01-15', version: 1 }, policeCheckedOn: '2025-01-10',
    });
    // Version 1 is older than the current 2: imported, and the volunteer signs the new one.
    expect(r.problems).toEqual([{ line: 2, field: 'declarationVersion', code: 'declaration_outdated' }]);
  });

  it('keeps a row with errors out and says why for each field', () => {
    const r = checkVolunteerRow(5, columns, row({ 1: '123', 3: '12345', 9: '01.01.2030' }), ctx);
    expect(r.record).toBeNull();
    expect(r.problems.map((p) => [p.field, p.code])).toEqual([['phone', 'phone_invalid'], ['postcode', 'postcode_invalid'], ['policeCheckedOn', 'date_in_future']]);
    expect(checkVolunteerRow(6, columns, row({ 1: '', 2: '', 8: '2' }), ctx).problems).toEqual([{ line: 6, field: 'phone', code: 'contact_missing' }]);
  });

  it('a declaration Dugnad does not know is a remark: the volunteer signs in Dugnad', () => {
    const r = checkVolunteerRow(7, columns, row({ 8: 'FRIDA-2019' }), ctx);
    expect(r.record?.declaration).toBeNull();
    expect(r.problems).toEqual([{ line: 7, field: 'declarationVersion', code: 'declaration_version_unknown', value: 'FRIDA-2019' }]);
  });

  it('the later of two rows with the same phone or e-mail is kept out', () => {
    const rows = [checkVolunteerRow(2, columns, row({ 8: '2' }), ctx), checkVolunteerRow(3, columns, row({ 1: '+47 91234567', 2: 'annen@example.no', 8: '2' }), ctx)];
    markDuplicates(rows);
    expect(rows[1]).toMatchObject({ record: null, problems: [{ code: 'duplicate_in_file', field: 'phone', otherLine: 2 }] });
  });

  it('people helped: a relative’s consent names the relation; no consent means waiting; an old one has run out', () => {
    const pc = resolveHeaders('persons', templateHeadings('persons')).columns;
    const person = (consent: string, date: string, relation: string) => ['Ole Hansen', 'Storgata 1', '2317', 'Hamar', '62510000', 'Sentrum', '', consent, date, relation];
    expect(checkPersonRow(2, pc, person('pårørende', '01.05.2026', 'sønn'), ctx).record?.consent).toEqual({ basis: 'proxy', date: '2026-05-01', relation: 'sønn' });
    expect(checkPersonRow(2, pc, person('pårørende', '01.05.2026', ''), ctx).problems.map((p) => p.code)).toEqual(['consent_relation_missing']);
    const waiting = checkPersonRow(2, pc, person('', '', ''), ctx);
    expect(waiting.record?.consent).toBeNull();
    expect(waiting.problems.map((p) => p.code)).toEqual(['consent_missing']);
    expect(checkPersonRow(2, pc, person('selv', '01.05.2025', ''), ctx).problems.map((p) => p.code)).toEqual(['consent_expired']);
    expect(checkPersonRow(2, pc, person('selv', '01.05.2026', ''), ctx).record?.address).toBe('Storgata 1, 2317 Hamar');
  });
});
