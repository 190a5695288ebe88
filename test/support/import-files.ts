// Spreadsheets as a volunteer centre has them: generated rows with Norwegian names (æ, ø, å), saved the
// ways Excel and others save them — UTF-8 with a byte-order mark and commas, or Windows-1252 with
// semicolons (Excel's «CSV (semikolondelt)» in Norway).
import iconv from 'iconv-lite';

const FIRST = ['Åse', 'Bjørn', 'Kjærsti', 'Øystein', 'Ragnhild', 'Håkon', 'Sølvi', 'Tor', 'Ingebjørg', 'Ærling', 'Gudrun', 'Pål', 'Liv', 'Jørgen', 'Marit'];
const LAST = ['Ødegård', 'Bråten', 'Sæther', 'Løkken', 'Haugen', 'Åsheim', 'Mæhlum', 'Strøm', 'Berg', 'Dahl', 'Nygård', 'Fjeld'];
const DISTRICTS = ['Sentrum', 'Ingeberg', 'Ridabu', 'Vang', 'Ottestad', 'Midtstranda'];
const GROUPS = ['Handlehjelp', 'Besøksvenn', 'Følgehjelp', 'Turvenn', 'Digital hjelp', 'Avlastning', 'Praktisk hjelp'];
const LANGS = ['norsk', 'norsk, engelsk', 'norsk, arabisk', 'engelsk', 'norsk, polsk'];

export const VOLUNTEER_HEADINGS = [
  'Navn', 'Mobil', 'E-post', 'Postnr', 'Bydel/område', 'Interessegrupper', 'Språk',
  'Taushetserklæring signert (dato)', 'Taushetserklæring versjon', 'Politiattest kontrollert (dato)',
];

/** A phone that is the i-th volunteer's in every file: 9xx xx xxx, unique for i < 10 000 000. */
export function volunteerPhone(i: number): string {
  const n = String(40_000_000 + i * 7919).slice(-7);
  return `9${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4)}`;
}

export function volunteerRows(count: number, opts: { offset?: number } = {}): string[][] {
  const rows: string[][] = [];
  for (let k = 0; k < count; k++) {
    const i = k + (opts.offset ?? 0);
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`;
    const groups = [GROUPS[i % GROUPS.length]!, GROUPS[(i * 3 + 1) % GROUPS.length]!];
    rows.push([
      name,
      volunteerPhone(i),
      i % 4 === 0 ? '' : `frivillig${i}@example.no`,
      i % 10 === 0 ? '317' : String(2300 + (i % 30)), // Excel drops the leading zero of 0317
      DISTRICTS[i % DISTRICTS.length]!,
      [...new Set(groups)].join(', '),
      LANGS[i % LANGS.length]!,
      i % 3 === 0 ? '' : `${String(1 + (i % 28)).padStart(2, '0')}.0${1 + (i % 9)}.2025`,
      i % 3 === 0 ? '' : '1',
      i % 5 === 0 ? `${String(1 + (i % 28)).padStart(2, '0')}.03.2024` : '',
    ]);
  }
  return rows;
}

function csvLine(cells: readonly string[], delimiter: string): string {
  return cells.map((c) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter);
}

export function csvText(headings: readonly string[], rows: readonly (readonly string[])[], delimiter: ',' | ';'): string {
  return [headings, ...rows].map((r) => csvLine(r, delimiter)).join('\r\n') + '\r\n';
}

/** "CSV UTF-8" as Excel saves it: a byte-order mark, commas. */
export function utf8Csv(headings: readonly string[], rows: readonly (readonly string[])[]): Buffer {
  return Buffer.from('\uFEFF' + csvText(headings, rows, ','), 'utf8');
}

/** «CSV (semikolondelt)» as Excel in Norway saves it: Windows-1252, semicolons. */
export function windows1252Csv(headings: readonly string[], rows: readonly (readonly string[])[]): Buffer {
  return iconv.encode(csvText(headings, rows, ';'), 'win1252');
}
