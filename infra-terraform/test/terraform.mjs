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
  const keys = Object.keys(value).filter((key) => !(topLevel && META_ARGUMENTS.has(key)));
  for (const key of keys) {
    const attribute = attributes[key];
    if (!attribute) {
      problems.push(`${where}: unknown attribute "${key}"`);
    } else {
      checkValue(`${where}.${key}`, value[key], attribute, problems);
    }
  }
  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(key in value)) problems.push(`${where}: required attribute "${key}" missing`);
  }
}

/** A literal value against the attribute's type; expressions ("${...}") are Terraform's to check at plan. */
function checkValue(where, value, attribute, problems) {
  if (typeof value === "string" && value.includes("${")) return;
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  const wrong = (expected) => problems.push(`${where}: expects ${expected}, got ${JSON.stringify(value).slice(0, 60)}`);
  switch (attribute.type) {
    case "number":
      if (typeof value !== "number") wrong("a number");
      return;
    case "bool":
      if (typeof value !== "boolean") wrong("true or false");
      return;
    case "list(string)":
    case "list(number)":
    case "list(object)":
      if (!Array.isArray(value)) {
        wrong("a list");
        return;
      }
      if (attribute.attributes) {
        value.forEach((item, i) => item !== null && typeof item === "object"
          ? checkObject(`${where}[${i}]`, item, attribute.attributes, problems)
          : wrong("a list of objects"));
      }
      return;
    case "object":
      // v4 wrote nested blocks (http_config { ... }), which parse as a list; v5 wants an attribute: x = { ... }
      if (!isObject) {
        wrong("an object (v5: an attribute, name = { ... }, not a block)");
        return;
      }
      if (attribute.attributes) checkObject(where, value, attribute.attributes, problems);
      return;
    case "map(object)":
      if (!isObject) {
        wrong("a map of objects");
        return;
      }
      if (attribute.attributes) {
        for (const [name, item] of Object.entries(value)) checkObject(`${where}["${name}"]`, item, attribute.attributes, problems);
      }
      return;
    default:
      if (isObject && attribute.attributes) checkObject(where, value, attribute.attributes, problems);
  }
}
