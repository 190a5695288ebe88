// A centre's own spreadsheet, read into Dugnad: which columns mean what (with the headings centres'
// registers are likely to use), and every row checked and normalised. Pure: infra/import-file.ts
// decodes the file, infra/import.ts compares with what is stored and saves. Problems are codes with
// the line and field they are about; adaptive-cards/import-report.ts is the one place that words them.
import { z } from 'zod';
import { consentInputProblems, consentValidUntil } from './consent.ts';
import type { ConsentBasis } from './types.ts';

export type ImportKind = 'volunteers' | 'persons';
export const IMPORT_KINDS: readonly ImportKind[] = ['volunteers', 'persons'];

/** More rows than this is not a volunteer centre's register; the file is refused as a whole. */
export const MAX_IMPORT_ROWS = 5000;

export type VolunteerColumn =
  | 'name' | 'firstName' | 'lastName' | 'phone' | 'email' | 'postcode' | 'district' | 'groups' | 'languages'
  | 'declarationSignedOn' | 'declarationVersion' | 'policeCheckedOn';
export type PersonColumn =
  | 'name' | 'firstName' | 'lastName' | 'address' | 'postcode' | 'town' | 'phone' | 'district' | 'notes'
  | 'consentBasis' | 'consentDate' | 'consentRelation';
export type ImportColumn = VolunteerColumn | PersonColumn;

export interface ColumnSpec<F extends string> {
  field: F;
  /** The heading in our template (docs/import-frivillige.csv, docs/import-personer.csv). */
  heading: string;
  /** Other headings that mean the same; compared after foldHeading. */
  aliases: readonly string[];
  /** Only in the template when true; aliases work either way. */
  inTemplate: boolean;
}

export const VOLUNTEER_COLUMNS: ReadonlyArray<ColumnSpec<VolunteerColumn>> = [
  { field: 'name', heading: 'navn', aliases: ['fullt navn', 'navn på frivillig', 'frivillig', 'fornavn og etternavn', 'name', 'full name'], inTemplate: true },
  { field: 'firstName', heading: 'fornavn', aliases: ['first name'], inTemplate: false },
  { field: 'lastName', heading: 'etternavn', aliases: ['last name', 'surname'], inTemplate: false },
  { field: 'phone', heading: 'telefon', aliases: ['mobil', 'mobilnummer', 'mobiltelefon', 'telefonnummer', 'tlf', 'tlf nr', 'mob', 'phone', 'mobile'], inTemplate: true },
  { field: 'email', heading: 'e-post', aliases: ['e-postadresse', 'mail', 'email', 'e-mail'], inTemplate: true },
  { field: 'postcode', heading: 'postnummer', aliases: ['postnr', 'post nr', 'postal code', 'zip'], inTemplate: true },
  { field: 'district', heading: 'bydel/område', aliases: ['bydel', 'område', 'sted', 'poststed', 'nærmiljø', 'grend', 'bosted', 'district', 'area'], inTemplate: true },
  { field: 'groups', heading: 'interessegrupper', aliases: ['interessegruppe', 'grupper', 'oppgaver', 'interesser', 'aktiviteter', 'hva vil du hjelpe med', 'interest groups'], inTemplate: true },
  { field: 'languages', heading: 'språk', aliases: ['snakker', 'språk snakker', 'languages'], inTemplate: true },
  { field: 'declarationSignedOn', heading: 'taushetserklæring signert', aliases: ['taushetserklæring', 'taushetserklæring dato', 'signert taushetserklæring', 'taushetserklæring signert dato'], inTemplate: true },
  { field: 'declarationVersion', heading: 'taushetserklæring versjon', aliases: ['versjon taushetserklæring', 'taushetserklæringsversjon', 'taushetserklæring signert versjon'], inTemplate: true },
  { field: 'policeCheckedOn', heading: 'politiattest kontrollert', aliases: ['politiattest', 'politiattest dato', 'politiattest sjekket', 'politiattest levert', 'politiattest kontrollert dato'], inTemplate: true },
];

export const PERSON_COLUMNS: ReadonlyArray<ColumnSpec<PersonColumn>> = [
  { field: 'name', heading: 'navn', aliases: ['fullt navn', 'bruker', 'navn på bruker', 'name', 'full name'], inTemplate: true },
  { field: 'firstName', heading: 'fornavn', aliases: ['first name'], inTemplate: false },
  { field: 'lastName', heading: 'etternavn', aliases: ['last name', 'surname'], inTemplate: false },
  { field: 'address', heading: 'adresse', aliases: ['gateadresse', 'bostedsadresse', 'address'], inTemplate: true },
  { field: 'postcode', heading: 'postnummer', aliases: ['postnr', 'post nr'], inTemplate: true },
  { field: 'town', heading: 'poststed', aliases: ['sted', 'by'], inTemplate: true },
  { field: 'phone', heading: 'telefon', aliases: ['mobil', 'mobilnummer', 'telefonnummer', 'tlf', 'tlf nr', 'phone'], inTemplate: true },
  { field: 'district', heading: 'bydel/område', aliases: ['bydel', 'område', 'nærmiljø', 'grend', 'district', 'area'], inTemplate: true },
  { field: 'notes', heading: 'merknad', aliases: ['merknader', 'notat', 'kommentar', 'til den frivillige', 'notes'], inTemplate: true },
  { field: 'consentBasis', heading: 'samtykke', aliases: ['samtykke gitt av', 'samtykkegrunnlag', 'samtykke grunnlag', 'grunnlag for samtykke', 'consent'], inTemplate: true },
  { field: 'consentDate', heading: 'samtykke dato', aliases: ['samtykkedato', 'dato samtykke', 'samtykke gitt', 'samtykke gitt dato', 'consent date'], inTemplate: true },
  { field: 'consentRelation', heading: 'relasjon', aliases: ['pårørendes relasjon', 'relasjon til bruker', 'relasjon til personen', 'pårørende relasjon', 'relation'], inTemplate: true },
];

export function columnsOf(kind: ImportKind): ReadonlyArray<ColumnSpec<ImportColumn>> {
  return kind === 'volunteers' ? VOLUNTEER_COLUMNS : PERSON_COLUMNS;
}

/** The template's header line, in order (what docs/ and the tab's download offer). */
export function templateHeadings(kind: ImportKind): string[] {
  return columnsOf(kind).filter((c) => c.inTemplate).map((c) => c.heading);
}

/** One example row per kind, in template order: what the downloadable template and docs/ show. */
const TEMPLATE_EXAMPLES: Record<ImportKind, readonly string[]> = {
  volunteers: ['Kari Nordmann', '912 34 567', 'kari@example.no', '2317', 'Sentrum', 'Handlehjelp, Besøksvenn', 'norsk, engelsk', '15.01.2025', '1', '10.01.2025'],
  persons: ['Ole Hansen', 'Storgata 1', '2317', 'Hamar', '62 51 00 00', 'Sentrum', 'Liker kaffe og en god prat.', 'selv', '02.12.2025', ''],
};

/**
 * The template as a file: headings and an example row, separated by semicolons, with a byte-order
 * mark and CRLF — what Excel with Norwegian settings opens as columns, æøå intact.
 */
export function templateCsv(kind: ImportKind): string {
  const cell = (v: string) => (/[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return '\uFEFF' + [templateHeadings(kind), TEMPLATE_EXAMPLES[kind]].map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';
}

/**
 * A heading as compared: lower case, without what is in brackets ("(dato)"), æøå folded, and only
 * letters and digits — so "E-post", "epost" and "E-post:" are one, and so are "Bydel/område" and "bydel område".
 */
export function foldHeading(heading: string): string {
  return fold(heading.replace(/\([^)]*\)/g, ''));
}

function fold(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/[øö]/g, 'o')
    .replace(/[åä]/g, 'a')
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
}

// ---- problems -------------------------------------------------------------------------------------

/** Problems with the file as a whole: nothing in it is read. */
export type FileProblemCode = 'empty' | 'unreadable' | 'too_many_rows' | 'missing_column' | 'duplicate_column';
export interface FileProblem {
  code: FileProblemCode;
  /** The column it is about (missing, duplicate), its heading as in the file for a duplicate. */
  field?: ImportColumn;
  heading?: string;
  line?: number;
}

/**
 * Problems with one row. An error keeps the row out; a warning says what is left out or will happen
 * instead, and the row is imported.
 */
export type RowProblemCode =
  | 'required' | 'too_long' | 'phone_invalid' | 'email_invalid' | 'postcode_invalid' | 'date_invalid' | 'date_in_future'
  | 'contact_missing' | 'duplicate_in_file' | 'other_centre' | 'key_conflict' | 'erased'
  | 'group_unknown' | 'language_unknown'
  | 'declaration_version_missing' | 'declaration_version_unknown' | 'declaration_outdated' | 'declaration_date_missing'
  | 'consent_basis_invalid' | 'consent_relation_missing' | 'consent_date_missing' | 'consent_missing' | 'consent_expired';

export const WARNING_CODES: ReadonlySet<RowProblemCode> = new Set<RowProblemCode>([
  'group_unknown', 'language_unknown', 'declaration_version_missing', 'declaration_version_unknown', 'declaration_outdated', 'consent_missing', 'consent_expired',
]);

export interface RowProblem {
  line: number;
  field: ImportColumn | null;
  code: RowProblemCode;
  /** What the cell said, where showing it helps (an unknown group's name); never a whole row. */
  value?: string;
  /** The other line, for a duplicate. */
  otherLine?: number;
}

export function isError(p: RowProblem): boolean {
  return !WARNING_CODES.has(p.code);
}

// ---- cells ---------------------------------------------------------------------------------------

/** Phone as stored: 8 digits for a Norwegian number (with +47 or 0047 taken off), else + and the digits. */
export function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s().\-\u00a0]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  let digits = compact.replace(/^\+/, '');
  const international = compact.startsWith('+') || digits.startsWith('00');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (international || (digits.length === 10 && digits.startsWith('47'))) {
    if (digits.startsWith('47') && digits.length === 10) return digits.slice(2);
    return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  }
  return digits.length === 8 ? digits : null;
}

/** The phone as a key: the same number however it was written ("+47 912 34 567", "91234567"). */
export function phoneKey(raw: string | null | undefined): string | null {
  return raw ? normalizePhone(raw) : null;
}

export function emailKey(raw: string | null | undefined): string | null {
  const e = raw?.trim().toLowerCase();
  return e ? e : null;
}

/**
 * A date as people in Norway write it, or as Excel exports it: 31.12.2025, 31.12.25, 31/12/2025,
 * 2025-12-31. Null when it is not a calendar date.
 */
export function parseNorwegianDate(raw: string): string | null {
  const s = raw.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$/.exec(s);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (match[3]!.length === 2) y += 2000;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Items of a list cell: "Handlehjelp, Turvenn; Besøksvenn" (a line break inside a cell counts too). */
export function listItems(raw: string): string[] {
  return raw.split(/[,;|\n]+/).map((s) => s.trim()).filter(Boolean);
}

// Spoken languages: the names centres write, in Norwegian and English, to the codes matching uses.
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  norsk: 'nb', bokmal: 'nb', nynorsk: 'nb', norwegian: 'nb', engelsk: 'en', english: 'en', arabisk: 'ar', arabic: 'ar',
  polsk: 'pl', polish: 'pl', somali: 'so', somalisk: 'so', tigrinja: 'ti', tigrinya: 'ti', ukrainsk: 'uk', ukrainian: 'uk',
  svensk: 'sv', swedish: 'sv', dansk: 'da', danish: 'da', tysk: 'de', german: 'de', fransk: 'fr', french: 'fr', spansk: 'es',
  spanish: 'es', russisk: 'ru', russian: 'ru', litauisk: 'lt', lithuanian: 'lt', persisk: 'fa', farsi: 'fa', persian: 'fa',
  urdu: 'ur', tyrkisk: 'tr', turkish: 'tr', kurdisk: 'ku', kurdish: 'ku', thai: 'th', vietnamesisk: 'vi', vietnamese: 'vi',
  tamil: 'ta', samisk: 'se', nordsamisk: 'se', sami: 'se', finsk: 'fi', finnish: 'fi', italiensk: 'it', italian: 'it',
  portugisisk: 'pt', portuguese: 'pt', rumensk: 'ro', romanian: 'ro', bosnisk: 'bs', serbisk: 'sr', kroatisk: 'hr',
  albansk: 'sq', albanian: 'sq', estisk: 'et', latvisk: 'lv', nederlandsk: 'nl', dutch: 'nl', kinesisk: 'zh', chinese: 'zh',
};

/** The ISO 639-1 code for a language cell item, or null when we do not know it. */
export function languageCode(item: string): string | null {
  const lower = item.trim().toLowerCase();
  if (/^[a-z]{2}$/.test(lower)) return lower;
  return LANGUAGE_NAMES[fold(item)] ?? null;
}

const CONSENT_WORDS: ReadonlyArray<[ConsentBasis, readonly string[]]> = [
  ['self', ['selv', 'bruker', 'brukeren', 'personen', 'personen selv', 'egen', 'eget', 'self']],
  ['proxy', ['parorende', 'fullmakt', 'verge', 'familie', 'proxy', 'relative']],
  ['staff_recorded', ['ansatt', 'registrert av ansatt', 'muntlig', 'muntlig til ansatt', 'tjenesten', 'staff']],
];

export function consentBasisOf(raw: string): ConsentBasis | null {
  const f = fold(raw);
  for (const [basis, words] of CONSENT_WORDS) if (words.some((w) => fold(w) === f)) return basis;
  return null;
}

// ---- headers -------------------------------------------------------------------------------------

export interface HeaderMap<F extends string> {
  /** Column index of each field found. */
  columns: Partial<Record<F, number>>;
  /** Headings we do not know; their cells are not read (the report lists them). */
  ignored: string[];
  problems: FileProblem[];
}

export function resolveHeaders(kind: ImportKind, headings: readonly string[]): HeaderMap<ImportColumn> {
  const specs = columnsOf(kind);
  const byFolded = new Map<string, ImportColumn>();
  for (const c of specs) for (const h of [c.heading, ...c.aliases]) byFolded.set(foldHeading(h), c.field);
  const columns: Partial<Record<ImportColumn, number>> = {};
  const ignored: string[] = [];
  const problems: FileProblem[] = [];
  headings.forEach((heading, index) => {
    const folded = foldHeading(heading);
    if (folded === '') return;
    const field = byFolded.get(folded);
    if (!field) return void ignored.push(heading.trim());
    if (columns[field] !== undefined) return void problems.push({ code: 'duplicate_column', field, heading: heading.trim() });
    columns[field] = index;
  });
  const has = (f: ImportColumn) => columns[f] !== undefined;
  const hasName = has('name') || (has('firstName') && has('lastName'));
  if (!hasName) problems.push({ code: 'missing_column', field: 'name' });
  if (!has('district')) problems.push({ code: 'missing_column', field: 'district' });
  if (kind === 'volunteers') {
    if (!has('phone') && !has('email')) problems.push({ code: 'missing_column', field: 'phone' });
  } else {
    if (!has('address')) problems.push({ code: 'missing_column', field: 'address' });
    if (!has('phone')) problems.push({ code: 'missing_column', field: 'phone' });
  }
  return { columns, ignored, problems };
}

// ---- rows ----------------------------------------------------------------------------------------

export interface ImportContext {
  /** Today in Oslo, YYYY-MM-DD: dates after it are typing errors. */
  today: string;
  currentDeclarationVersion: number;
  /** Declaration versions on record (a signature must name one of them). */
  declarationVersions: readonly number[];
  /** The importing centre's interest groups. */
  groups: ReadonlyArray<{ key: string; nameNb: string; nameNn?: string | null; nameEn: string }>;
  /** How long a consent counts (CONSENT_VALIDITY_MONTHS). */
  consentValidityMonths: number;
}

export interface VolunteerRecord {
  name: string;
  phone: string | null;
  email: string | null;
  postcode: string | null;
  district: string;
  groups: string[];
  /** Empty when the file says nothing: a new volunteer then gets Norwegian, an existing one keeps theirs. */
  languages: string[];
  /** A signature to record; null when the volunteer signs in Dugnad (no version we know, or none). */
  declaration: { signedOn: string; version: number } | null;
  policeCheckedOn: string | null;
}

export interface PersonRecord {
  name: string;
  address: string;
  phone: string;
  district: string;
  notes: string | null;
  /** Null: imported as waiting for consent; nothing about them goes out until staff record it. */
  consent: { basis: ConsentBasis; date: string; relation: string | null } | null;
}

export type RowResult<R> = { line: number; record: R | null; problems: RowProblem[] };

type Cells = Partial<Record<ImportColumn, string>>;

const cellText = (max: number) => z.string().max(max, { message: 'too_long' });
const requiredCell = (max: number) => z.string().min(1, { message: 'required' }).max(max, { message: 'too_long' });
const optionalCell = <T>(inner: z.ZodType<T, string>) =>
  z.string().transform((v, ctx) => {
    if (v === '') return null;
    const r = inner.safeParse(v);
    if (r.success) return r.data;
    for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message });
    return z.NEVER;
  });
const phoneCell = z.string().transform((v, ctx) => normalizePhone(v) ?? (ctx.addIssue({ code: 'custom', message: 'phone_invalid' }), z.NEVER));
const emailCell = z.string().pipe(z.email({ message: 'email_invalid' })).transform((v) => v.toLowerCase());
// Excel drops the leading zero of 0150 Oslo: three digits are taken to be that.
const postcodeCell = z.string().transform((v, ctx) => (/^\d{3,4}$/.test(v) ? v.padStart(4, '0') : (ctx.addIssue({ code: 'custom', message: 'postcode_invalid' }), z.NEVER)));
const dateCell = (today: string) =>
  z.string().transform((v, ctx) => {
    const d = parseNorwegianDate(v);
    if (!d) return (ctx.addIssue({ code: 'custom', message: 'date_invalid' }), z.NEVER);
    if (d > today) return (ctx.addIssue({ code: 'custom', message: 'date_in_future' }), z.NEVER);
    return d;
  });

/** One schema per kind for the cells we read: the boundary where a spreadsheet's text becomes data. */
function volunteerCells(today: string) {
  return z.object({
    name: requiredCell(100),
    phone: optionalCell(phoneCell),
    email: optionalCell(emailCell),
    postcode: optionalCell(postcodeCell),
    district: requiredCell(60),
    groups: cellText(2000),
    languages: cellText(500),
    declarationSignedOn: optionalCell(dateCell(today)),
    declarationVersion: cellText(20),
    policeCheckedOn: optionalCell(dateCell(today)),
  });
}

function personCells(today: string) {
  return z.object({
    name: requiredCell(100),
    address: requiredCell(160),
    postcode: optionalCell(postcodeCell),
    town: cellText(40),
    phone: z.string().min(1, { message: 'required' }).pipe(phoneCell),
    district: requiredCell(60),
    notes: cellText(1000),
    consentBasis: cellText(60),
    consentDate: optionalCell(dateCell(today)),
    consentRelation: cellText(60),
  });
}

/** Each cell trimmed, with whitespace runs made one space; first and last name joined when the file splits them. */
function cellsOf(columns: Partial<Record<ImportColumn, number>>, row: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, index] of Object.entries(columns) as Array<[ImportColumn, number]>) {
    out[field] = (row[index] ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
  }
  if (!out.name && (out.firstName || out.lastName)) out.name = [out.firstName, out.lastName].filter(Boolean).join(' ');
  return out;
}

function problemsFromIssues(line: number, issues: readonly z.core.$ZodIssue[]): RowProblem[] {
  return issues.map((i) => ({ line, field: (i.path[0] as ImportColumn | undefined) ?? null, code: i.message as RowProblemCode }));
}

function withDefaults<T extends Record<string, unknown>>(cells: Cells, fields: readonly (keyof T & string)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) out[f] = (cells as Record<string, string | undefined>)[f] ?? '';
  return out;
}

export function checkVolunteerRow(line: number, columns: Partial<Record<ImportColumn, number>>, row: readonly string[], ctx: ImportContext): RowResult<VolunteerRecord> {
  const schema = volunteerCells(ctx.today);
  const parsed = schema.safeParse(withDefaults(cellsOf(columns, row), Object.keys(schema.shape) as Array<keyof z.input<typeof schema> & string>));
  if (!parsed.success) return { line, record: null, problems: problemsFromIssues(line, parsed.error.issues) };
  const c = parsed.data;
  const problems: RowProblem[] = [];
  if (c.phone === null && c.email === null) problems.push({ line, field: 'phone', code: 'contact_missing' });

  const groups: string[] = [];
  for (const item of listItems(c.groups)) {
    const f = foldHeading(item);
    const g = ctx.groups.find((x) => [x.key, x.nameNb, x.nameNn ?? '', x.nameEn].some((n) => n !== '' && foldHeading(n) === f));
    if (g) groups.includes(g.key) || groups.push(g.key);
    else problems.push({ line, field: 'groups', code: 'group_unknown', value: item.slice(0, 60) });
  }
  const languages: string[] = [];
  for (const item of listItems(c.languages)) {
    const code = languageCode(item);
    if (code) languages.includes(code) || languages.push(code);
    else problems.push({ line, field: 'languages', code: 'language_unknown', value: item.slice(0, 40) });
  }

  let declaration: VolunteerRecord['declaration'] = null;
  const version = c.declarationVersion.replace(/^v(ersjon)?\s*/i, '');
  if (c.declarationSignedOn === null) {
    if (version !== '') problems.push({ line, field: 'declarationSignedOn', code: 'declaration_date_missing' });
  } else if (version === '') {
    problems.push({ line, field: 'declarationVersion', code: 'declaration_version_missing' });
  } else if (!/^\d+$/.test(version) || !ctx.declarationVersions.includes(Number(version))) {
    problems.push({ line, field: 'declarationVersion', code: 'declaration_version_unknown', value: version.slice(0, 20) });
  } else {
    declaration = { signedOn: c.declarationSignedOn, version: Number(version) };
    if (declaration.version < ctx.currentDeclarationVersion) problems.push({ line, field: 'declarationVersion', code: 'declaration_outdated' });
  }

  const record: VolunteerRecord = {
    name: c.name,
    phone: c.phone,
    email: c.email,
    postcode: c.postcode,
    district: c.district,
    groups,
    languages,
    declaration,
    policeCheckedOn: c.policeCheckedOn,
  };
  return { line, record: problems.some(isError) ? null : record, problems };
}

export function checkPersonRow(line: number, columns: Partial<Record<ImportColumn, number>>, row: readonly string[], ctx: Pick<ImportContext, 'today' | 'consentValidityMonths'>): RowResult<PersonRecord> {
  const schema = personCells(ctx.today);
  const parsed = schema.safeParse(withDefaults(cellsOf(columns, row), Object.keys(schema.shape) as Array<keyof z.input<typeof schema> & string>));
  if (!parsed.success) return { line, record: null, problems: problemsFromIssues(line, parsed.error.issues) };
  const c = parsed.data;
  const problems: RowProblem[] = [];
  let consent: PersonRecord['consent'] = null;
  if (c.consentBasis === '') {
    problems.push({ line, field: 'consentBasis', code: c.consentDate ? 'consent_basis_invalid' : 'consent_missing' });
  } else {
    const basis = consentBasisOf(c.consentBasis);
    if (!basis) problems.push({ line, field: 'consentBasis', code: 'consent_basis_invalid', value: c.consentBasis.slice(0, 40) });
    else if (!c.consentDate) problems.push({ line, field: 'consentDate', code: 'consent_date_missing' });
    else {
      // The same rule as consent recorded in chat or through the API (domain/consent.ts).
      const relation = c.consentRelation || null;
      const rule = consentInputProblems({ basis, relation, date: c.consentDate }, { today: ctx.today, recordedBy: 'staff' });
      if (rule.includes('relation_required')) problems.push({ line, field: 'consentRelation', code: 'consent_relation_missing' });
      if (rule.includes('date_in_future')) problems.push({ line, field: 'consentDate', code: 'date_in_future' });
      consent = { basis, date: c.consentDate, relation: basis === 'proxy' ? relation : null };
      // Imported all the same (it is what was given), but no request goes out until it is renewed.
      if (consentValidUntil(new Date(`${c.consentDate}T12:00:00Z`), ctx.consentValidityMonths).toISOString().slice(0, 10) <= ctx.today) {
        problems.push({ line, field: 'consentDate', code: 'consent_expired' });
      }
    }
  }
  // One address line, as staff type it in chat: "Storgata 12, 2317 Hamar".
  const place = [c.postcode, c.town].filter(Boolean).join(' ');
  const address = place && !c.address.includes(place) ? `${c.address}, ${place}` : c.address;
  const record: PersonRecord = { name: c.name, address: address.slice(0, 200), phone: c.phone, district: c.district, notes: c.notes || null, consent };
  return { line, record: problems.some(isError) ? null : record, problems };
}

/**
 * A later row with the same phone or e-mail as an earlier one is a mistake in the file: which one
 * is right is the coordinator's call, so the later row is kept out.
 */
export function markDuplicates<R extends { phone: string | null; email?: string | null }>(rows: Array<RowResult<R>>): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (!r.record) continue;
    const keys = [r.record.phone ? `p:${phoneKey(r.record.phone)}` : null, r.record.email ? `e:${emailKey(r.record.email)}` : null].filter((k): k is string => k !== null);
    const earlier = keys.map((k) => seen.get(k)).find((l) => l !== undefined);
    if (earlier !== undefined) {
      const field = keys.find((k) => seen.has(k))!.startsWith('p:') ? 'phone' : 'email';
      r.problems.push({ line: r.line, field, code: 'duplicate_in_file', otherLine: earlier });
      r.record = null;
      continue;
    }
    for (const k of keys) seen.set(k, r.line);
  }
}
