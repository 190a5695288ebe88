// The one place that puts an import's problems into words: line, column, problem and what will happen,
// for the coordinator in the tab and on the command line alike. Plain data in, plain text out.
import { columnsOf, isError, type FileProblem, type ImportColumn, type ImportKind, type RowProblem } from '../domain/import.ts';
import type { Locale } from '../domain/types.ts';
import { t, type MessageKey } from './texts.ts';

/** What the report needs of a plan (infra/import.ts ImportPlan has it all). */
export interface ImportPlanView {
  kind: ImportKind;
  encoding: string | null;
  delimiter: string | null;
  ignoredColumns: readonly string[];
  fileProblems: readonly FileProblem[];
  rows: ReadonlyArray<{ line: number; action: 'create' | 'update' | 'unchanged' | 'skip'; changed: readonly string[]; problems: readonly RowProblem[]; name: string }>;
  counts: { rows: number; create: number; update: number; unchanged: number; skip: number; errors: number; warnings: number };
}

export interface ReportLine {
  line: number;
  name: string;
  /** The column as headed in our template (the file's own heading may be an alias of it). */
  column: string;
  problem: string;
  outcome: string;
  error: boolean;
}

export interface ImportReport {
  summary: string;
  /** How the file was read, and which of its columns were not. */
  notes: string[];
  /** File problems: when any, nothing in the file was read. */
  fileProblems: string[];
  /** Every problem of every row, in file order. */
  lines: ReportLine[];
  /** Every row and what happens to it. */
  rows: Array<{ line: number; name: string; action: string; kind: 'create' | 'update' | 'unchanged' | 'skip' }>;
  errorRows: number;
}

/** The template's heading of a column ("telefon"), which the coordinator finds in the guide. */
export function columnHeading(kind: ImportKind, field: ImportColumn | null | undefined): string {
  if (!field) return '';
  return columnsOf(kind).find((c) => c.field === field)?.heading ?? field;
}

export function fileProblemText(locale: Locale, kind: ImportKind, p: FileProblem, maxRows: number): string {
  switch (p.code) {
    case 'empty':
      return t(locale, 'import.file.empty');
    case 'unreadable':
      return t(locale, 'import.file.unreadable', { line: p.line ?? 1 });
    case 'too_many_rows':
      return t(locale, 'import.file.too_many_rows', { max: maxRows });
    case 'missing_column':
      return t(locale, 'import.file.missing_column', { heading: columnHeading(kind, p.field) });
    case 'duplicate_column':
      return t(locale, 'import.file.duplicate_column', { heading: p.heading ?? columnHeading(kind, p.field) });
  }
}

export function problemText(locale: Locale, kind: ImportKind, p: RowProblem, consentValidityMonths: number): string {
  return t(locale, `import.problem.${p.code}` as MessageKey, {
    value: p.value ?? '',
    line: p.otherLine ?? '',
    field: columnHeading(kind, p.field),
    months: consentValidityMonths,
  });
}

export function outcomeText(locale: Locale, p: RowProblem): string {
  if (isError(p)) return t(locale, 'import.outcome.error');
  switch (p.code) {
    case 'group_unknown':
      return t(locale, 'import.outcome.group_unknown');
    case 'language_unknown':
      return t(locale, 'import.outcome.language_unknown');
    case 'consent_missing':
      return t(locale, 'import.outcome.consent_missing');
    case 'consent_expired':
      return t(locale, 'import.outcome.consent_expired');
    default:
      // declaration_version_missing / _unknown / declaration_outdated
      return t(locale, 'import.outcome.declaration');
  }
}

export function actionText(locale: Locale, kind: ImportKind, row: ImportPlanView['rows'][number]): string {
  if (row.action === 'update') {
    return t(locale, 'import.action.update', { fields: row.changed.map((f) => columnHeading(kind, f as ImportColumn)).join(t(locale, 'common.listSeparator')) });
  }
  return t(locale, `import.action.${row.action}`);
}

const ENCODING_NAMES: Record<string, string> = { 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252 (Excel)', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16' };

export function importReport(locale: Locale, plan: ImportPlanView, opts: { consentValidityMonths: number; maxRows: number }): ImportReport {
  const c = plan.counts;
  const notes: string[] = [];
  if (plan.encoding && plan.delimiter) {
    notes.push(t(locale, 'import.read', { encoding: ENCODING_NAMES[plan.encoding] ?? plan.encoding, delimiter: plan.delimiter === '\t' ? t(locale, 'import.delimiter.tab') : plan.delimiter }));
  }
  if (plan.ignoredColumns.length) notes.push(t(locale, 'import.ignored', { columns: plan.ignoredColumns.map((h) => `«${h}»`).join(t(locale, 'common.listSeparator')) }));
  const lines: ReportLine[] = [];
  for (const row of plan.rows) {
    for (const p of row.problems) {
      lines.push({ line: row.line, name: row.name, column: columnHeading(plan.kind, p.field), problem: problemText(locale, plan.kind, p, opts.consentValidityMonths), outcome: outcomeText(locale, p), error: isError(p) });
    }
  }
  return {
    summary: t(locale, 'import.summary', { rows: c.rows, create: c.create, update: c.update, unchanged: c.unchanged, skip: c.skip }),
    notes,
    fileProblems: plan.fileProblems.map((p) => fileProblemText(locale, plan.kind, p, opts.maxRows)),
    lines,
    rows: plan.rows.map((r) => ({ line: r.line, name: r.name, action: actionText(locale, plan.kind, r), kind: r.action })),
    errorRows: c.skip,
  };
}

/** The report as plain text for a terminal: summary, then one line per problem. */
export function importReportText(locale: Locale, report: ImportReport, opts: { allRows: boolean }): string {
  const out: string[] = [...report.fileProblems, ...report.notes, report.summary];
  if (report.lines.length) {
    out.push('', [t(locale, 'import.column.line'), t(locale, 'import.column.name'), t(locale, 'import.column.field'), t(locale, 'import.column.problem'), t(locale, 'import.column.outcome')].join(' | '));
    for (const l of report.lines) out.push([l.line, l.name, l.column, l.problem, l.outcome].join(' | '));
  }
  if (opts.allRows && report.rows.length) {
    out.push('');
    for (const r of report.rows) out.push(`${t(locale, 'import.column.line')} ${r.line}: ${r.name} — ${r.action}`);
  }
  return out.join('\n') + '\n';
}
