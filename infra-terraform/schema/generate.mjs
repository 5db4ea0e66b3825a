// Regenerates cloudflare-5.14.0.json, the schema snapshot the offline checks read, from the npm
// package @cdktf/provider-cloudflare@13.9.1, which is generated from provider 5.14.0's schema:
// each lib/<type>/index.js names its Terraform type (terraformResourceType) and its attributes
// (synthesizeAttributes, and a <struct>ToTerraform function per nested object), and index.d.ts
// marks the optional ones with "?".
//
//   npm run schema            (fetches the package into a temporary directory first)
//   node schema/generate.mjs <path to the package's lib/>
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "@cdktf/provider-cloudflare@13.9.1";
const out = fileURLToPath(new URL("cloudflare-5.14.0.json", import.meta.url));

function packageLib() {
  if (process.argv[2]) return process.argv[2];
  const dir = mkdtempSync(join(tmpdir(), "cdktf-cloudflare-"));
  const tarball = execFileSync("npm", ["pack", PACKAGE, "--silent"], { cwd: dir, encoding: "utf8" }).trim();
  execFileSync("tar", ["xzf", tarball], { cwd: dir });
  return join(dir, "package", "lib");
}

/** The object literal returned by a function or method whose body starts at `from`: "key: expr" lines. */
function returnedObject(source, from) {
  const start = source.indexOf("return {", from);
  const end = source.indexOf("\n        };", start) >= 0 && source.indexOf("\n    };", start) >= 0
    ? Math.min(source.indexOf("\n        };", start), source.indexOf("\n    };", start))
    : source.indexOf("};", start);
  return source.slice(start + "return {".length, end).split("\n")
    .map((line) => /^\s*([a-z0-9_]+): (.*?),?$/.exec(line))
    .filter(Boolean)
    .map(([, key, expr]) => ({ key, expr }));
}

function optionalFields(dts, interfaceName) {
  const match = new RegExp(`export interface ${interfaceName}(?: extends [^{]+)? \\{([\\s\\S]*?)\\n\\}`).exec(dts);
  const fields = {};
  if (!match) return fields;
  for (const line of match[1].split("\n")) {
    const field = /^\s*readonly ([a-zA-Z0-9_]+)(\??):/.exec(line);
    if (field) fields[field[1]] = field[2] === "?";
  }
  return fields;
}

/** The Terraform type of an attribute, from the converter cdktf calls for it. */
function typeOf(expr) {
  const scalar = { string: "string", number: "number", boolean: "bool" };
  let m;
  if ((m = /^cdktf\.(string|number|boolean)ToTerraform\(/.exec(expr))) return scalar[m[1]];
  if ((m = /^cdktf\.listMapper\(cdktf\.(string|number|boolean)ToTerraform/.exec(expr))) return `list(${scalar[m[1]]})`;
  if (/^cdktf\.listMapper\([a-z][A-Za-z0-9]*ToTerraform/.test(expr)) return "list(object)";
  if ((m = /^cdktf\.hashMapper\(cdktf\.(string|number|boolean)ToTerraform/.exec(expr))) return `map(${scalar[m[1]]})`;
  if (/^cdktf\.hashMapper\([a-z][A-Za-z0-9]*ToTerraform/.test(expr)) return "map(object)";
  if (/^[a-z][A-Za-z0-9]*ToTerraform\(/.test(expr)) return "object";
  return "any";
}

function attributes(source, dts, entries, interfaceName, seen) {
  const optional = optionalFields(dts, interfaceName);
  const result = {};
  for (const { key, expr } of entries) {
    const camel = /(?:this\._|struct\.|struct\[")([a-zA-Z0-9_]+)/.exec(expr)?.[1];
    const attribute = { required: camel !== undefined && optional[camel] === false, type: typeOf(expr) };
    const converter = /([a-z][A-Za-z0-9]*)ToTerraform\b/.exec(expr.replace(/cdktf\.[a-zA-Z]+ToTerraform/g, ""))?.[1];
    if (converter && !seen.has(converter)) {
      const at = source.indexOf(`function ${converter}ToTerraform(struct)`);
      if (at >= 0) {
        const struct = converter[0].toUpperCase() + converter.slice(1);
        attribute.attributes = attributes(source, dts, returnedObject(source, at), struct, new Set([...seen, converter]));
      }
    }
    result[key] = attribute;
  }
  return result;
}

const lib = packageLib();
const schema = { provider: "cloudflare/cloudflare 5.14.0", source: PACKAGE, resource: {}, data: {} };
for (const dir of readdirSync(lib).sort()) {
  const file = join(lib, dir, "index.js");
  if (!existsSync(file)) continue;
  const source = readFileSync(file, "utf8");
  const type = /terraformResourceType: '(cloudflare_[a-z0-9_]+)'/.exec(source)?.[1];
  if (!type) continue;
  const dts = readFileSync(join(lib, dir, "index.d.ts"), "utf8");
  const configInterface = /export interface ([A-Za-z0-9]+Config) extends cdktf\.TerraformMetaArguments/.exec(dts)?.[1];
  const kind = /extends cdktf\.TerraformDataSource/.test(source) ? "data" : "resource";
  const body = source.indexOf("synthesizeAttributes() {");
  schema[kind][type] = attributes(source, dts, returnedObject(source, body), configInterface, new Set());
}
writeFileSync(out, JSON.stringify(schema, null, 1) + "\n");
console.log(`${Object.keys(schema.resource).length} resources, ${Object.keys(schema.data).length} data sources -> ${out}`);
