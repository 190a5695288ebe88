// The bytes of a spreadsheet saved as CSV, as rows of text. Excel in Norway writes Windows-1252 with
// semicolons ("CSV (semikolondelt)"), or UTF-8 with a byte-order mark ("CSV UTF-8"); LibreOffice and
// Google Sheets write UTF-8 with commas; "Unicode-tekst" is UTF-16 with tabs. We take all of them.
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { FileProblem } from '../domain/import.ts';

export type FileEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';
export type FileDelimiter = ';' | ',' | '\t';

export interface SheetRow {
  /** The line in the file where the row starts (the header is line 1), as a spreadsheet shows it. */
  line: number;
  cells: string[];
}

export type DecodedSheet =
  | { ok: true; encoding: FileEncoding; delimiter: FileDelimiter; headings: string[]; rows: SheetRow[] }
  | { ok: false; problem: FileProblem };

/** The encoding: a byte-order mark says it; otherwise UTF-8 if the bytes are valid UTF-8, else Windows-1252. */
export function detectEncoding(bytes: Uint8Array): FileEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    // æ, ø and å in Windows-1252 are single bytes that are never valid UTF-8 on their own.
    return 'windows-1252';
  }
}

export function decodeText(bytes: Uint8Array, encoding: FileEncoding): string {
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding === 'windows-1252' ? 'win1252' : encoding);
  return text.replace(/^\uFEFF/, '');
}

/** The separator of the header line (outside quotes): the most frequent of ; , and tab. */
export function detectDelimiter(headerLine: string): FileDelimiter {
  const counts: Record<FileDelimiter, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  // A tie (or none at all) goes to the semicolon: what Excel in Norway writes.
  return (Object.entries(counts) as Array<[FileDelimiter, number]>).reduce((best, c) => (c[1] > best[1] ? c : best), [';', counts[';']])[0];
}

export function readSheet(bytes: Uint8Array, maxRows: number): DecodedSheet {
  if (bytes.length === 0) return { ok: false, problem: { code: 'empty' } };
  const encoding = detectEncoding(bytes);
  // One kind of line break, so that line numbers count as a spreadsheet shows them.
  let text = decodeText(bytes, encoding).replace(/\r\n?/g, '\n');
  let firstLine = 1;
  let delimiter: FileDelimiter | null = null;
  // Excel understands (and sometimes writes) a first line "sep=;" naming the separator.
  const sep = /^sep=([;,\t])\n/i.exec(text);
  if (sep) {
    delimiter = sep[1] as FileDelimiter;
    text = text.slice(sep[0].length);
    firstLine = 2;
  }
  const headerLine = text.split('\n', 1)[0] ?? '';
  delimiter ??= detectDelimiter(headerLine);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      // A row is counted before parsing finishes, so a huge file is refused without reading it all.
      to: maxRows + 2,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { ok: false, problem: { code: 'unreadable', ...(typeof line === 'number' ? { line: line + firstLine - 1 } : {}) } };
  }
  if (records.length === 0) return { ok: false, problem: { code: 'empty' } };
  if (records.length - 1 > maxRows) return { ok: false, problem: { code: 'too_many_rows' } };
  const [header, ...body] = records;
  // info.lines is the line a record ends on; a line break inside a quoted cell moves its start up.
  const rows: SheetRow[] = body.map((r) => {
    const newlines = r.record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: r.info.lines - newlines + firstLine - 1, cells: r.record };
  });
  return { ok: true, encoding, delimiter, headings: header!.record, rows };
}
