// `npx tsx bench/cpu-profile.ts <file.cpuprofile> [--from=<function>] [--top=30]`
// Where a server's CPU went, from a V8 profile that `BENCH_CPU_PROF=<role> npm run bench …` wrote
// (bench/proc.ts; the largest file per role is the main thread). Prints the top functions by self time,
// self time by file or package, and the inclusive time of the project's own functions. --from starts
// at the first sample whose stack holds that function (e.g. --from=sendActivity), which leaves the
// process's start-up (module loading) out.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: tsx bench/cpu-profile.ts <file.cpuprofile> [--from=<function>] [--top=30]\n');
  process.exit(2);
}
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const from = option('from');
const top = Number(option('top') ?? 30);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const stackOf = (id: number): ProfileNode[] => {
  const out: ProfileNode[] = [];
  for (let cur = byId.get(id); cur; cur = byId.get(parent.get(cur.id) ?? -1)) out.push(cur);
  return out;
};
const short = (url: string) => url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/.*?\/(bot|jobs|domain|infra|adaptive-cards|bench|test)\//, '$1/');
const nameOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const fileOf = (n: ProfileNode) => {
  const u = n.callFrame.url;
  if (!u) return n.callFrame.functionName;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  return pkg ? `package ${pkg[1]}` : short(u);
};

let start = 0;
if (from) {
  start = profile.samples.findIndex((id) => stackOf(id).some((n) => n.callFrame.functionName === from));
  if (start < 0) throw new Error(`no sample has ${from} on its stack`);
}

const self = new Map<string, number>();
const files = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
for (let i = start; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const stack = stackOf(profile.samples[i]!);
  const leaf = stack[0]!;
  total += dt;
  if (leaf.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  add(self, nameOf(leaf), dt);
  add(files, fileOf(leaf), dt);
  for (const k of new Set(stack.map(nameOf))) add(inclusive, k, dt);
}
const busy = total - idle;
const print = (title: string, m: Map<string, number>, keep: (k: string) => boolean = () => true) => {
  process.stdout.write(`\n== ${title}\n`);
  for (const [k, v] of [...m].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${k}\n`);
  }
};
process.stdout.write(`${file}${from ? ` from the first ${from}` : ''}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (percentages are of busy)\n`);
print('self time by function', self);
print('self time by file or package', files);
print("inclusive time of the project's own functions", inclusive, (k) => !k.includes('nm/') && /\.ts:\d+$/.test(k));
