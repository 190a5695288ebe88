// Assembles the Teams app package: manifest.json, the two icons and the English strings at the zip
// root (Teams rejects a package whose files sit in a folder). Refuses to produce a package that
// fails Microsoft's schemas, so a bad upload is caught here rather than by Teams' vaguer errors.
import JSZip from 'jszip';
import { colorIconPng, outlineIconPng } from './icons.ts';
import {
  buildEnglishLocalization,
  buildManifest,
  COLOR_ICON_FILE,
  ENGLISH_FILE,
  OUTLINE_ICON_FILE,
  type ManifestInput,
  type TeamsManifest,
} from './manifest.ts';
import { validateLocalization, validateManifest } from './validate.ts';

export const PACKAGE_FILE_NAME = 'dugnad-teams.zip';

export class TeamsPackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Teams package is invalid:\n${problems.join('\n')}`);
  }
}

export interface TeamsPackage {
  manifest: TeamsManifest;
  /** File name → contents, exactly what goes into the zip root. */
  files: Map<string, Buffer>;
  zip: Buffer;
}

/** Schema errors for the manifest and every localization file, one line each, prefixed by file. */
export function packageProblems(manifest: unknown, localizations: Record<string, unknown>): string[] {
  return [
    ...validateManifest(manifest).map((e) => `manifest.json: ${e}`),
    ...Object.entries(localizations).flatMap(([file, strings]) => validateLocalization(strings).map((e) => `${file}: ${e}`)),
  ];
}

// JSZip stamps entries with a DOS date in local time; a fixed local date keeps rebuilds
// byte-identical on one machine, so a changed zip always means changed content.
const FIXED_DATE = new Date(2025, 0, 1, 0, 0, 0);

export async function buildTeamsPackage(input: ManifestInput): Promise<TeamsPackage> {
  const manifest = buildManifest(input);
  const english = buildEnglishLocalization();

  const problems = packageProblems(manifest, { [ENGLISH_FILE]: english });
  const files = new Map<string, Buffer>([
    ['manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n')],
    [COLOR_ICON_FILE, colorIconPng(manifest.accentColor)],
    [OUTLINE_ICON_FILE, outlineIconPng()],
    [ENGLISH_FILE, Buffer.from(JSON.stringify(english, null, 2) + '\n')],
  ]);
  // The schema can't see the zip: check that every file the manifest names is actually in it.
  const referenced = [manifest.icons.color, manifest.icons.outline, ...(manifest.localizationInfo?.additionalLanguages ?? []).map((l) => l.file)];
  for (const file of referenced) if (!files.has(file)) problems.push(`manifest.json names ${file}, which is not in the package`);
  if (problems.length) throw new TeamsPackageError(problems);

  const zip = new JSZip();
  for (const [name, content] of files) zip.file(name, content, { date: FIXED_DATE });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  return { manifest, files, zip: bytes };
}
