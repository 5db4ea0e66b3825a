// Reads this folder's Terraform offline (HCL parsed by @cdktf/hcl2json, the parser cdktf uses) and
// checks every cloudflare_* resource and data source against the provider's schema snapshot.
import { parse } from "@cdktf/hcl2json";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SCHEMA = JSON.parse(readFileSync(join(ROOT, "schema", "cloudflare-5.14.0.json"), "utf8"));
const META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

export function terraformFiles(dir = ROOT, extensions = [".tf"]) {
  const files = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === ".terraform") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...terraformFiles(path, extensions));
    else if (extensions.some((ext) => name.endsWith(ext))) files.push(path);
  }
  return files.sort();
}

/** Every file, parsed: { file, json }. */
export async function parseAll(files = terraformFiles()) {
  return Promise.all(files.map(async (file) => ({
    file: relative(ROOT, file),
    json: await parse(file, readFileSync(file, "utf8")),
  })));
}

/** Every resource and data block of the parsed files: { file, kind, type, name, body }. */
export function blocks(parsed) {
  const found = [];
  for (const { file, json } of parsed) {
    for (const kind of ["resource", "data"]) {
      for (const [type, named] of Object.entries(json[kind] ?? {})) {
        for (const [name, bodies] of Object.entries(named)) {
          for (const body of bodies) found.push({ file, kind, type, name, body });
        }
      }
    }
  }
  return found;
}

/** What is wrong with these blocks by the provider's schema; empty when nothing is. */
export function schemaProblems(found, schema = SCHEMA) {
  const problems = [];
  for (const { file, kind, type, name, body } of found) {
    const where = `${file}: ${kind} "${type}" "${name}"`;
    if (!type.startsWith("cloudflare_")) continue;
    const attributes = schema[kind][type];
    if (!attributes) {
      problems.push(`${where}: no such ${kind === "data" ? "data source" : "resource"} in provider 5.14 (a v4 name?)`);
      continue;
    }
    checkObject(where, body, attributes, problems, true);
  }
  return problems;
}

function checkObject(where, value, attributes, problems, topLevel = false) {
  if (Array.isArray(value)) {
    value.forEach((item) => checkObject(where, item, attributes, problems, topLevel));
    return;
  }
  if (value === null || typeof value !== "object") return; // an expression: checked by Terraform at plan
  const keys = Object.keys(value).filter((key) => !(topLevel && META_ARGUMENTS.has(key)));
  // a map of objects (e.g. a transform rule's headers, keyed by header name): check each value
  if (!topLevel && keys.length > 0 && keys.every((key) => !(key in attributes))
      && keys.every((key) => value[key] !== null && typeof value[key] === "object" && !Array.isArray(value[key]))) {
    keys.forEach((key) => checkObject(`${where}.${key}`, value[key], attributes, problems));
    return;
  }
  for (const key of keys) {
    const attribute = attributes[key];
    if (!attribute) {
      problems.push(`${where}: unknown attribute "${key}"`);
    } else if (attribute.attributes) {
      checkObject(`${where}.${key}`, value[key], attribute.attributes, problems);
    }
  }
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(key in value)) problems.push(`${where}: required attribute "${key}" missing`);
  }
}
