// Moves messages from a texts.ts that still holds them as TypeScript objects (nbMessages/enMessages,
// as before the catalog became JSON) into adaptive-cards/locales/{nb,en}.json. A branch written
// against the old texts.ts adds keys there; after a merge the lead runs
//   npx tsx scripts/catalog-to-json.ts <that branch's texts.ts> [<texts.ts at the merge base>]
// Entries already in the JSON files are kept as they are (they may carry ICU plurals or a
// translator's edits); a new key goes right after the key it follows in the old file, so the files
// keep today's grouping. nn.json is never filled from bokmål: the keys it lacks are printed, and the
// catalog test fails until a person writes them in nynorsk. Given the merge base's texts.ts too, it
// also lists keys whose wording the branch changed, which the JSON files do not take by themselves.
//   npx tsx scripts/catalog-to-json.ts --sort
// puts en.json and nn.json in nb.json's key order (after adding nynorsk anywhere in nn.json).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Messages = Record<string, string>;

const LOCALES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../adaptive-cards/locales');

function readJson(file: string): Messages {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Messages;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

/** `existing` with every key of `incoming` it lacks, each placed after its predecessor in `order`. */
export function mergeMessages(existing: Messages, incoming: Messages, order: readonly string[]): { merged: Messages; added: string[] } {
  const keys = Object.keys(existing);
  const added: string[] = [];
  let previous: string | null = null;
  for (const key of order) {
    if (!(key in incoming)) continue;
    if (!(key in existing)) {
      const at = previous === null ? 0 : keys.indexOf(previous) + 1;
      keys.splice(at, 0, key);
      added.push(key);
    }
    previous = key;
  }
  const merged: Messages = {};
  for (const key of keys) merged[key] = key in existing ? existing[key]! : incoming[key]!;
  return { merged, added };
}

// ICU MessageFormat reads an apostrophe before { } or another apostrophe as quoting.
function icuWarnings(locale: string, messages: Messages): string[] {
  return Object.entries(messages)
    .filter(([, text]) => /'[{}'#]/.test(text))
    .map(([key]) => `${locale}.json ${key}: an apostrophe before { } # or ' quotes in ICU; write ’ or double it`);
}

function sortLikeBokmal(): void {
  const order = Object.keys(readJson(resolve(LOCALES_DIR, 'nb.json')));
  for (const locale of ['en', 'nn']) {
    const file = resolve(LOCALES_DIR, `${locale}.json`);
    const messages = readJson(file);
    const keys = [...order.filter((k) => k in messages), ...Object.keys(messages).filter((k) => !order.includes(k))];
    writeFileSync(file, `${JSON.stringify(Object.fromEntries(keys.map((k) => [k, messages[k]])), null, 2)}\n`);
  }
}

async function main(): Promise<void> {
  const source = process.argv[2];
  if (source === '--sort') return sortLikeBokmal();
  if (!source) {
    console.error('usage: npx tsx scripts/catalog-to-json.ts <texts.ts with nbMessages/enMessages> [<texts.ts at the merge base>]');
    process.exit(2);
  }
  type OldTexts = { messageKeys: readonly string[]; catalog: (locale: 'nb' | 'en') => Messages };
  const old = (await import(pathToFileURL(resolve(source)).href)) as OldTexts;
  const base = process.argv[3] ? ((await import(pathToFileURL(resolve(process.argv[3])).href)) as OldTexts) : null;
  const order = old.messageKeys;
  for (const locale of ['nb', 'en'] as const) {
    const file = resolve(LOCALES_DIR, `${locale}.json`);
    const { merged, added } = mergeMessages(readJson(file), old.catalog(locale), order);
    writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
    console.log(`${locale}.json: ${added.length} key(s) added${added.length ? `: ${added.join(', ')}` : ''}`);
    for (const w of icuWarnings(locale, merged)) console.warn(w);
    if (base) {
      const before = base.catalog(locale);
      const now = old.catalog(locale);
      const changed = order.filter((key) => key in before && before[key] !== now[key] && merged[key] !== now[key]);
      if (changed.length) console.log(`${locale}: the branch changed the wording of ${changed.length} key(s) the JSON keeps as it was; edit by hand (and nn.json):\n  ${changed.map((k) => `${k}: ${JSON.stringify(now[k])}`).join('\n  ')}`);
    }
  }
  const nn = readJson(resolve(LOCALES_DIR, 'nn.json'));
  const missing = order.filter((key) => !(key in nn));
  if (missing.length) console.log(`nn.json needs nynorsk for ${missing.length} key(s):\n  ${missing.join('\n  ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
