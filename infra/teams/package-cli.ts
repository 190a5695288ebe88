// `npm run teams:package`: builds dist/teams/dugnad-teams.zip from the environment (see
// docs/teams.md). The only place the Teams package reads process.env.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TeamsEnvError, teamsInputFromEnv } from './env.ts';
import { buildTeamsPackage, PACKAGE_FILE_NAME, TeamsPackageError } from './package.ts';

// Paths from the repository root, not the cwd, so the zip lands in the same place wherever it runs.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const packageVersion = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const outFile = resolve(root, 'dist/teams', PACKAGE_FILE_NAME);

try {
  const input = teamsInputFromEnv(process.env, packageVersion);
  const pkg = await buildTeamsPackage(input);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, pkg.zip);
  process.stdout.write(`${relative(process.cwd(), outFile) || outFile}\n`);
  process.stdout.write(`Teams app ${pkg.manifest.id} v${pkg.manifest.version} for bot ${input.botId} at ${input.baseUrl}\n`);
} catch (err) {
  if (err instanceof TeamsEnvError) {
    process.stderr.write(`${err.message}\n`);
  } else if (err instanceof TeamsPackageError) {
    // One line per problem, and no zip: a package Teams would reject is worse than none.
    process.stderr.write(`Teams package not written; it does not match the manifest schema:\n${err.problems.join('\n')}\n`);
  } else {
    throw err;
  }
  process.exitCode = 1;
}
