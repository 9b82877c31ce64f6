import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandRegistry } from '../../../src/commands/registry.js';
import { SLACK_RESERVED_COMMANDS, slashNameOf, UMBRELLA_WORD } from '../../../src/commands/slash-names.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCHEMA_DIR = resolve(ROOT, 'test/fixtures/slack/manifest-schema');
const readJson = (path: string) => JSON.parse(readFileSync(resolve(SCHEMA_DIR, path), 'utf8')) as object;

interface SlashCommand {
  command: string;
  url?: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
}
interface Manifest {
  features: { slash_commands: SlashCommand[] };
  settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean; request_url?: string } };
}

/** Slack's published schema (test/fixtures/slack/manifest-schema), resolved offline. */
function createManifestValidator() {
  // Draft-07 as published, in Ajv's strict mode: the schema's one format and its `_note` annotations (comments for
  // humans, ignored by the Draft-07 validators Slack's own tests use) are declared, anything else unknown fails.
  const ajv = new Ajv({ allErrors: true });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addKeyword('_note');
  // `background_color` says `regex` where draft-07 says `pattern`; Draft-07 validators skip it, this one applies it
  // (the stricter reading of what Slack meant).
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, value: string) => new RegExp(pattern).test(value),
  });
  const base = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas';
  ajv.addSchema(readJson('schemas/manifest.schema.1.0.0.json'), `${base}/manifest.schema.1.0.0.json`);
  ajv.addSchema(readJson('schemas/manifest.schema.2.0.0.json'), `${base}/manifest.schema.2.0.0.json`);
  return ajv.compile(readJson('manifest.schema.json'));
}

const manifestText = readFileSync(resolve(ROOT, 'deploy/slack-app-manifest.yaml'), 'utf8');
const manifest = parse(manifestText) as Manifest;
const declared = manifest.features.slash_commands.map((c) => c.command);
const validate = createManifestValidator();

/** The Socket Mode variant the manifest's header comment describes: no URLs, socket_mode_enabled. */
function toSocketModeVariant(m: Manifest): Manifest {
  const copy = structuredClone(m);
  for (const c of copy.features.slash_commands) delete c.url;
  delete copy.settings.interactivity.request_url;
  copy.settings.socket_mode_enabled = true;
  return copy;
}

describe('deploy/slack-app-manifest.yaml', () => {
  it("passes Slack's published manifest JSON schema, for HTTP and for Socket Mode", () => {
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(toSocketModeVariant(manifest)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the validator is not a formality: a manifest Slack would refuse fails it', () => {
    const tooLong = structuredClone(manifest);
    tooLong.features.slash_commands[0]!.command = `/${'x'.repeat(40)}`;
    expect(validate(tooLong)).toBe(false);
    const unknownField = structuredClone(manifest) as Manifest & { features: { slash_commands: object[] } };
    unknownField.features.slash_commands.push({ command: '/x', description: 'x', shortcut: true });
    expect(validate(unknownField)).toBe(false);
  });

  it('declares no name Slack reserves', () => {
    const reserved = declared.filter((c) => SLACK_RESERVED_COMMANDS.has(c.slice(1)));
    expect(reserved).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('declares exactly the umbrella and one slash command per command family of the registry', () => {
    const families = [...new Set(commandRegistry.all().map((spec) => spec.words[0] ?? ''))];
    const expected = [`/${UMBRELLA_WORD}`, ...families.map(slashNameOf)];
    expect([...declared].sort()).toEqual([...expected].sort());
  });

  it('every command reaches the same URL, and usage hints stay on one line', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.url).toBe('https://netops.example.com/slack/commands');
      expect(c.usage_hint ?? '').not.toMatch(/\n/);
    }
  });

  it('escapes mentions for /audit and /netops, so `user=@name` arrives with the member id', () => {
    const escaping = manifest.features.slash_commands.filter((c) => c.should_escape).map((c) => c.command);
    expect(escaping.sort()).toEqual(['/audit', '/netops']);
  });

  it("README's command table shows every declared command and no name Slack reserves", () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const table = readme.split('\n').filter((line) => line.startsWith('| `/'));
    const shown = table.flatMap((line) => [...line.matchAll(/`(\/[a-z][a-z0-9-]*)/g)].map((m) => m[1] ?? ''));
    for (const command of declared.filter((c) => c !== `/${UMBRELLA_WORD}`)) expect(shown).toContain(command);
    expect(shown.filter((c) => SLACK_RESERVED_COMMANDS.has(c.slice(1)))).toEqual([]);
    expect(readme).toContain('`/netops <command> …`');
  });
});
