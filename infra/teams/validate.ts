// Validates the manifest and localization file against the JSON schemas that
// @microsoft/app-manifest ships, read from node_modules: no network at build or test time.
//
// The Teams schemas declare draft-04 ("$schema": ".../draft-04/schema#") but use later keywords
// (const, if/then). Ajv's default (draft-07) class understands all of those, and the schemas use
// none of draft-04's incompatible forms (boolean exclusiveMinimum/Maximum, `id` as a keyword), which
// assertNoDraft04Only checks so a future schema can't silently validate differently. We drop the
// draft-04 `$schema` line because Ajv 8 refuses meta-schemas it doesn't bundle.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { MANIFEST_VERSION } from './manifest.ts';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const require = createRequire(import.meta.url);

export type TeamsSchemaName = 'MicrosoftTeams.schema.json' | 'MicrosoftTeams.Localization.schema.json';

export function teamsSchemaPath(name: TeamsSchemaName, version: string = MANIFEST_VERSION): string {
  return require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/${name}`);
}

export function loadTeamsSchema(name: TeamsSchemaName, version: string = MANIFEST_VERSION): Record<string, unknown> {
  return JSON.parse(readFileSync(teamsSchemaPath(name, version), 'utf8')) as Record<string, unknown>;
}

function assertNoDraft04Only(schema: unknown, path = '#'): void {
  if (Array.isArray(schema)) return schema.forEach((s, i) => assertNoDraft04Only(s, `${path}/${i}`));
  if (!schema || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    // These hold instance data, not subschemas.
    if (key === 'default' || key === 'enum' || key === 'const' || key === 'examples') continue;
    // Under properties/definitions/patternProperties/dependencies the keys are names, not keywords.
    const namesBelow = key === 'properties' || key === 'definitions' || key === 'patternProperties' || key === 'dependencies';
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      throw new Error(`${path}/${key}: draft-04 boolean form; validate with ajv-draft-04 instead`);
    }
    if (key === 'id' && typeof value === 'string') throw new Error(`${path}/id: draft-04 id keyword; validate with ajv-draft-04 instead`);
    if (namesBelow && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value)) assertNoDraft04Only(sub, `${path}/${key}/${name}`);
    } else {
      assertNoDraft04Only(value, `${path}/${key}`);
    }
  }
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(name: TeamsSchemaName, version: string): ValidateFunction {
  const key = `${version}/${name}`;
  let validate = compiled.get(key);
  if (!validate) {
    const { $schema: _draft04, ...schema } = loadTeamsSchema(name, version);
    assertNoDraft04Only(schema);
    // Strict schema mode stays on: an unknown keyword throws here instead of being ignored, so the
    // validator can't quietly check less than the schema says. strictTypes is off because the
    // schemas put object keywords on untyped nodes (as Microsoft's own validator allows);
    // unicodeRegExp is off because the localization schema's patterns use a lone `]`, which is
    // valid JavaScript regex but a syntax error under the `u` flag.
    const ajv = new Ajv({ strictTypes: false, unicodeRegExp: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const detail =
    e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` :
    e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : '';
  return `${where} ${e.message ?? e.keyword}${detail}`;
}

/** One line per schema violation; empty when the document is valid. */
export function validateAgainst(name: TeamsSchemaName, document: unknown, version: string = MANIFEST_VERSION): string[] {
  const validate = validatorFor(name, version);
  return validate(document) ? [] : (validate.errors ?? []).map(describeError);
}

export function validateManifest(manifest: unknown): string[] {
  return validateAgainst('MicrosoftTeams.schema.json', manifest);
}

export function validateLocalization(strings: unknown): string[] {
  return validateAgainst('MicrosoftTeams.Localization.schema.json', strings);
}
