// `npm run bench [-- --quick] [-- --only=machine,turns,fanout,race,matching,reminders,budget] [-- --report]`
// Runs the benchmarks against the local Redis and PostgreSQL, prints figures as it goes, and writes
// bench/results.json and docs/benchmarks.md. With --only, the other sections of the previous
// results are kept; --report only regenerates docs/benchmarks.md from bench/results.json.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startConnector } from './connector.ts';
import { ADMIN_URL } from './db.ts';
import { benchMachine, machineInfo } from './machine.ts';
import { benchTurns } from './turns.ts';
import { benchFanout } from './fanout.ts';
import { benchRace } from './race.ts';
import { benchMatching } from './matching.ts';
import { benchReminders } from './reminders.ts';
import { benchBudget } from './budget.ts';
import { options } from './options.ts';
import { writeFileSync } from 'node:fs';
import { loadResults, renderMarkdown, writeReport, DOC_PATH, RESULTS_PATH, type Results, type SectionMeta } from './report.ts';
import { log } from './stats.ts';

const NAMES = ['machine', 'turns', 'fanout', 'race', 'matching', 'reminders', 'budget'] as const;
type Name = (typeof NAMES)[number];

function parseArgs(argv: string[]): { quick: boolean; only: Name[]; reportOnly: boolean } {
  let quick = false;
  let reportOnly = false;
  let only: Name[] = [...NAMES];
  for (const a of argv) {
    if (a === '--quick') quick = true;
    else if (a === '--report') reportOnly = true;
    else if (a.startsWith('--only=')) {
      const names = a.slice('--only='.length).split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(NAMES as readonly string[]).includes(n));
      if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${NAMES.join(', ')}`);
      only = names as Name[];
    } else if (a === '--help' || a === '-h') {
      log('usage: npm run bench [-- --quick] [-- --only=' + NAMES.join(',') + '] [-- --report]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { quick, only, reportOnly };
}

async function postgresVersion(): Promise<string> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    const r = await c.query<{ server_version: string }>('SHOW server_version');
    return r.rows[0]!.server_version.split(' ')[0]!;
  } finally {
    await c.end();
  }
}

const { quick, only, reportOnly } = parseArgs(process.argv.slice(2));
if (reportOnly) {
  writeFileSync(DOC_PATH, renderMarkdown(loadResults()) + '\n');
  log(`Wrote ${DOC_PATH} from ${RESULTS_PATH}.`);
  process.exit(0);
}
const o = options(quick);
const started = performance.now();
log(`Dugnad benchmarks (${quick ? 'quick' : 'full'}: ${o.runs} runs per figure): ${only.join(', ')}`);
const info = await machineInfo(await postgresVersion());
log(`${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, load average ${os.loadavg()[0]!.toFixed(1)}`);

const results: Partial<Results> = only.length === NAMES.length ? {} : loadResults();
results.info = info;
results.options = o;
const connector = await startConnector();

async function section<T>(name: Name, fn: () => Promise<T>): Promise<(T & { meta: SectionMeta }) | undefined> {
  if (!only.includes(name)) return undefined;
  const load0 = os.loadavg()[0]!;
  const t0 = performance.now();
  const value = await fn();
  const meta: SectionMeta = { mode: quick ? 'quick' : 'full', at: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, loadavg: [load0, os.loadavg()[0]!] };
  log(`  (${name}: ${meta.seconds.toFixed(0)} s, load average ${meta.loadavg[0].toFixed(1)} → ${meta.loadavg[1].toFixed(1)})`);
  return { ...value, meta };
}

let failed = false;
try {
  results.machine = (await section('machine', () => benchMachine(o, info.postgres))) ?? results.machine;
  results.turns = (await section('turns', () => benchTurns(o, connector))) ?? results.turns;
  results.fanout = (await section('fanout', () => benchFanout(o, connector))) ?? results.fanout;
  results.race = (await section('race', () => benchRace(o, connector))) ?? results.race;
  results.matching = (await section('matching', () => benchMatching(o))) ?? results.matching;
  results.reminders = (await section('reminders', () => benchReminders(o))) ?? results.reminders;
  results.budget = (await section('budget', () => benchBudget(o))) ?? results.budget;
} catch (err) {
  failed = true;
  process.stderr.write(`\nbenchmark failed: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  await connector.close();
}
if (failed) {
  log('Nothing written.');
  process.exit(1);
}
writeReport(results);
log(`\nWrote ${RESULTS_PATH} and ${DOC_PATH} in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
process.exit(0);
