// Teams app package: the manifest and en-US.json pass Microsoft's shipped JSON schemas (and the
// validator really rejects bad ones), the zip holds exactly the files Teams expects at its root, the
// icons are real PNGs of the required sizes with a white-on-transparent outline, and the env rules
// refuse bad input with one line naming the variable. No network.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { teamsInputFromEnv, TeamsEnvError } from '../../infra/teams/env.ts';
import {
  buildEnglishLocalization,
  buildManifest,
  deriveTeamsAppId,
  MANIFEST_SCHEMA_URL,
  MANIFEST_VERSION,
  uuidV5,
  type ManifestInput,
} from '../../infra/teams/manifest.ts';
import { buildTeamsPackage, packageProblems } from '../../infra/teams/package.ts';
import { loadTeamsSchema, validateLocalization, validateManifest } from '../../infra/teams/validate.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const BOT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const sample: ManifestInput = {
  appId: 'b1e0a5a8-6c3f-4d2e-9f61-0c7a2d4e8b19',
  botId: BOT_ID,
  baseUrl: 'https://dugnad.example.no',
  appVersion: '1.2.3',
};
const sampleEnv = { MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'https://dugnad.example.no' };

interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  pixels: Uint8Array;
}

/** Just enough PNG reading to check our own output, written independently of the encoder. */
function decodePng(png: Buffer): DecodedPng {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  // IHDR must be the first chunk: width and height are the first two big-endian words of its body.
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  const width = ihdr!.readUInt32BE(0);
  const height = ihdr!.readUInt32BE(4);
  const bitDepth = ihdr![8]!;
  const colorType = ihdr![9]!;
  expect({ bitDepth, colorType, interlace: ihdr![12] }).toEqual({ bitDepth: 8, colorType: 6, interlace: 0 });

  const raw = inflateSync(Buffer.concat(idat));
  const bpp = 4;
  const stride = width * bpp;
  expect(raw.length).toBe((stride + 1) * height);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? pixels[y * stride + x - bpp]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, colorType, bitDepth, pixels };
}

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('Teams manifest', () => {
  it('matches the shipped JSON schema with zero errors, and so does en-US.json', () => {
    const manifest = buildManifest(sample);
    expect(validateManifest(manifest)).toEqual([]);
    expect(validateLocalization(buildEnglishLocalization())).toEqual([]);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`);
    expect(MANIFEST_SCHEMA_URL).toBe(manifest.$schema);
    // The local copy is the schema of the version we declare.
    const schema = loadTeamsSchema('MicrosoftTeams.schema.json') as { properties: { manifestVersion: { const?: string } } };
    expect(schema.properties.manifestVersion.const).toBe(manifest.manifestVersion);
  });

  it('refuses documents the schema forbids, so the validator cannot silently pass everything', () => {
    const manifest = buildManifest(sample);
    const { developer: _developer, ...withoutDeveloper } = manifest;
    const problems = validateManifest(withoutDeveloper);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(/developer/);

    // `const` is not a draft-04 keyword: this proves the validator honours it anyway.
    expect(validateManifest({ ...manifest, manifestVersion: '1.29' }).join('\n')).toMatch(/manifestVersion/);
    expect(validateManifest({ ...manifest, bots: [{ ...manifest.bots![0]!, botId: 'not-a-guid' }] }).join('\n')).toMatch(/\/bots\/0\/botId/);
    expect(validateManifest({ ...manifest, unknownField: true }).join('\n')).toMatch(/unknownField/);

    const { 'description.full': _full, ...english } = buildEnglishLocalization();
    expect(validateLocalization(english).join('\n')).toMatch(/description\.full/);
    expect(packageProblems(withoutDeveloper, { 'en-US.json': english })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^manifest\.json: .*developer/), expect.stringMatching(/^en-US\.json: .*description\.full/)]),
    );
  });

  it('names the bot, its host and its pages from the input', () => {
    const m = buildManifest(sample);
    expect(m.id).toBe(sample.appId);
    expect(m.version).toBe('1.2.3');
    expect(m.bots).toHaveLength(1);
    expect(m.bots![0]).toMatchObject({ botId: BOT_ID, scopes: ['personal', 'team', 'groupChat'], supportsFiles: false, isNotificationOnly: false });
    expect(m.validDomains).toEqual(['dugnad.example.no']);
    expect(m.webApplicationInfo).toEqual({ id: BOT_ID, resource: `api://dugnad.example.no/${BOT_ID}` });
    expect(m.developer).toEqual({
      name: 'Dugnad',
      websiteUrl: 'https://dugnad.example.no/',
      privacyUrl: 'https://dugnad.example.no/personvern',
      termsOfUseUrl: 'https://dugnad.example.no/vilkar',
    });
    expect(m.staticTabs).toEqual([expect.objectContaining({ entityId: 'mine-oppdrag', name: 'Oversikt', contentUrl: 'https://dugnad.example.no/tab', scopes: ['personal'] })]);
    expect(m.name).toEqual({ short: 'Dugnad', full: 'Dugnad – frivillig hjelp' });
    expect(m.localizationInfo).toEqual({ defaultLanguageTag: 'nb', additionalLanguages: [{ languageTag: 'en-US', file: 'en-US.json' }] });
    expect(m.permissions).toEqual(['identity', 'messageTeamMembers']);
    const personal = m.bots![0]!.commandLists!.find((l) => l.scopes.includes('personal'))!;
    expect(personal.commands.map((c) => [c.title, c.description])).toEqual([
      ['hei', 'Vis menyen'],
      ['mine oppdrag', 'Se oppdragene dine'],
      ['ny forespørsel', 'Be om hjelp for en bruker'],
    ]);
  });

  it('keeps a path prefix in PUBLIC_BASE_URL but only the host name in validDomains', () => {
    const m = buildManifest({ ...sample, baseUrl: 'https://apps.example.no:8443/dugnad' });
    expect(m.developer.privacyUrl).toBe('https://apps.example.no:8443/dugnad/personvern');
    expect(m.staticTabs![0]!.contentUrl).toBe('https://apps.example.no:8443/dugnad/tab');
    expect(m.validDomains).toEqual(['apps.example.no']);
    expect(validateManifest(m)).toEqual([]);
  });

  it('translates every command and the tab name into English', () => {
    const m = buildManifest(sample);
    const english = buildEnglishLocalization();
    m.bots![0]!.commandLists!.forEach((list, l) =>
      list.commands.forEach((_, i) => {
        expect(english[`bots[0].commandLists[${l}].commands[${i}].title`]).toBeTruthy();
        expect(english[`bots[0].commandLists[${l}].commands[${i}].description`]).toBeTruthy();
      }),
    );
    expect(english['staticTabs[0].name']).toBe('Overview');
  });
});

describe('Teams package zip', () => {
  it('holds exactly manifest.json, the icons and en-US.json at its root, and rebuilds byte for byte', async () => {
    const pkg = await buildTeamsPackage(sample);
    const zip = await JSZip.loadAsync(pkg.zip);
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'en-US.json', 'manifest.json', 'outline.png']);
    expect(Object.values(zip.files).every((f) => !f.dir)).toBe(true);

    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as ReturnType<typeof buildManifest>;
    expect(manifest).toEqual(buildManifest(sample));
    expect(validateManifest(manifest)).toEqual([]);
    expect(validateLocalization(JSON.parse(await zip.file('en-US.json')!.async('string')))).toEqual([]);

    expect((await buildTeamsPackage(sample)).zip.equals(pkg.zip)).toBe(true);
  });

  it('has a 192×192 opaque colour icon in the accent colour and a 32×32 white-on-transparent outline', async () => {
    const zip = await JSZip.loadAsync((await buildTeamsPackage(sample)).zip);
    const color = await zip.file('color.png')!.async('nodebuffer');
    const outline = await zip.file('outline.png')!.async('nodebuffer');
    expect(pngSize(color)).toEqual({ width: 192, height: 192 });
    expect(pngSize(outline)).toEqual({ width: 32, height: 32 });

    const c = decodePng(color);
    expect([c.width, c.height]).toEqual([192, 192]);
    const colorPixels = Array.from({ length: c.width * c.height }, (_, i) => [...c.pixels.subarray(i * 4, i * 4 + 4)]);
    expect(colorPixels.every((p) => p[3] === 255)).toBe(true);
    expect(colorPixels[0]).toEqual([0x0b, 0x4a, 0x80, 255]); // corner: accent background (issue 14: the chat's and tab's #0b4a80)
    expect(colorPixels[96 * 192 + 96]).toEqual([255, 255, 255, 255]); // centre: the white mark

    const o = decodePng(outline);
    expect([o.width, o.height]).toEqual([32, 32]);
    let drawn = 0;
    for (let i = 0; i < o.width * o.height; i++) {
      const [r, g, b, a] = o.pixels.subarray(i * 4, i * 4 + 4);
      // Transparent, or white at any opacity (anti-aliased edges): nothing else.
      expect(a === 0 || (r === 255 && g === 255 && b === 255), `pixel ${i % 32},${Math.floor(i / 32)} is rgba(${r},${g},${b},${a})`).toBe(true);
      if (a! > 0) drawn++;
    }
    // Neither empty nor a filled square.
    expect(drawn).toBeGreaterThan(50);
    expect(drawn).toBeLessThan(32 * 32 * 0.6);
  });
});

describe('Teams package settings', () => {
  it('derives a stable Teams app id from the bot id and defaults the version to package.json', () => {
    const input = teamsInputFromEnv(sampleEnv, '0.1.0');
    expect(input).toEqual({ botId: BOT_ID, appId: deriveTeamsAppId(BOT_ID), baseUrl: 'https://dugnad.example.no', appVersion: '0.1.0' });
    expect(input.appId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(teamsInputFromEnv({ ...sampleEnv, MicrosoftAppId: BOT_ID.toUpperCase() }, '0.1.0').appId).toBe(input.appId);
    expect(deriveTeamsAppId('00000000-0000-0000-0000-000000000001')).not.toBe(input.appId);
    // RFC 9562 test vector: DNS namespace, "www.example.com".
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');

    const overridden = teamsInputFromEnv({ ...sampleEnv, TEAMS_APP_ID: sample.appId, TEAMS_APP_VERSION: '2.0.1' }, '0.1.0');
    expect(overridden).toMatchObject({ appId: sample.appId, appVersion: '2.0.1' });
    // Empty values mean unset, as in .env files.
    expect(teamsInputFromEnv({ ...sampleEnv, TEAMS_APP_ID: '', TEAMS_APP_VERSION: '' }, '0.1.0')).toEqual(input);
  });

  it.each([
    [{ ...sampleEnv, MicrosoftAppId: 'not-a-guid' }, /^Teams package: MicrosoftAppId must be a GUID/],
    [{ PUBLIC_BASE_URL: 'https://dugnad.example.no' }, /^Teams package: MicrosoftAppId is required$/],
    [{ MicrosoftAppId: BOT_ID }, /^Teams package: PUBLIC_BASE_URL is required$/],
    [{ ...sampleEnv, PUBLIC_BASE_URL: 'http://dugnad.example.no' }, /^Teams package: PUBLIC_BASE_URL must start with https:\/\//],
    [{ ...sampleEnv, PUBLIC_BASE_URL: 'dugnad.example.no' }, /^Teams package: PUBLIC_BASE_URL must be an https URL/],
    [{ ...sampleEnv, TEAMS_APP_ID: '1234' }, /^Teams package: TEAMS_APP_ID must be a GUID/],
    [{ ...sampleEnv, TEAMS_APP_VERSION: '1.0' }, /^Teams package: TEAMS_APP_VERSION must be a version like 1\.2\.3/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => teamsInputFromEnv(env, '0.1.0')).toThrow(TeamsEnvError);
    expect(() => teamsInputFromEnv(env, '0.1.0')).toThrow(message);
  });

  it('refuses a non-semver package.json version when TEAMS_APP_VERSION is unset', () => {
    expect(() => teamsInputFromEnv(sampleEnv, '1.0.0-beta.1')).toThrow(/TEAMS_APP_VERSION/);
  });

  it('the CLI stops with exit code 1 and one line naming MicrosoftAppId when it is not a GUID', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/teams/package-cli.ts'], {
      cwd: root,
      env: { ...process.env, MicrosoftAppId: 'not-a-guid', PUBLIC_BASE_URL: 'https://dugnad.example.no' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Teams package: MicrosoftAppId must be a GUID.*\(got "not-a-guid"\)$/)]);
  });
});
