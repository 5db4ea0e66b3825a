import { parse } from "@cdktf/hcl2json";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { ROOT, SCHEMA, blocks, parseAll, schemaProblems, terraformFiles } from "./terraform.mjs";

const parsed = await parseAll();
const all = blocks(parsed);
const byType = (type) => all.filter((block) => block.type === type);
const REPO = join(ROOT, "..");

test("every cloudflare_* resource and attribute exists in provider 5.14, with its required attributes", () => {
  assert.ok(all.length > 20, `found only ${all.length} blocks`);
  assert.deepEqual(schemaProblems(all), []);
});

test("the checker itself: a v4 name, a misspelled attribute, a missing required one and a wrong nested key are caught", async () => {
  const planted = await parse("planted.tf", `
resource "cloudflare_record" "v4" {
  zone_id = "z"
  name    = "x"
  value   = "192.0.2.1"
  type    = "A"
}
resource "cloudflare_dns_record" "typo" {
  zone_id = "z"
  name    = "x"
  ttl     = 1
  type    = "A"
  contnet = "192.0.2.1"
}
resource "cloudflare_zone_setting" "missing" {
  zone_id = "z"
  value   = "on"
}
resource "cloudflare_ruleset" "nested" {
  zone_id = "z"
  name    = "n"
  kind    = "zone"
  phase   = "http_request_dynamic_redirect"
  rules = [{ action = "redirect", expression = "true", action_parameters = { from_value = { status_code = 301, target_url = { value = "x" }, keep_query = true } } }]
}
`);
  const problems = schemaProblems(blocks([{ file: "planted.tf", json: planted }]));
  assert.ok(problems.some((p) => p.includes('"cloudflare_record"') && p.includes("no such resource")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes('unknown attribute "contnet"')), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes('required attribute "setting_id" missing')), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes('unknown attribute "keep_query"')), problems.join("\n"));
  assert.equal(problems.length, 4, problems.join("\n"));
});

test("the checker itself: wrong literal types and v4 block syntax are caught", async () => {
  const planted = await parse("planted.tf", `
resource "cloudflare_healthcheck" "typed" {
  zone_id = "z"
  name    = "h"
  address = "rocket.example"
  interval = "sixty"
  http_config {
    path = "/readyz"
  }
}
resource "cloudflare_dns_record" "flags" {
  zone_id = "z"
  name    = "x"
  ttl     = 1
  type    = "A"
  proxied = "yes"
  tags    = "launch"
}
`);
  const problems = schemaProblems(blocks([{ file: "planted.tf", json: planted }]));
  for (const expected of ["interval: expects a number", "http_config: expects an object", "proxied: expects true or false", "tags: expects a list"]) {
    assert.ok(problems.some((p) => p.includes(expected)), `${expected} not found in:\n${problems.join("\n")}`);
  }
  assert.equal(problems.length, 4, problems.join("\n"));
});

test("no v4 resource names anywhere", () => {
  const v4 = ["cloudflare_record", "cloudflare_zone_settings_override", "cloudflare_worker_script", "cloudflare_worker_route"];
  for (const file of terraformFiles()) {
    const text = readFileSync(file, "utf8");
    for (const name of v4) assert.ok(!new RegExp(`"${name}"`).test(text), `${file} uses ${name}`);
  }
  assert.ok(!("cloudflare_record" in SCHEMA.resource));
});

test("terraform fmt -check -recursive", (t) => {
  if (spawnSync("terraform", ["version"]).status !== 0) {
    t.skip("no terraform binary on PATH (https://developer.hashicorp.com/terraform/install)");
    return;
  }
  const result = spawnSync("terraform", ["fmt", "-check", "-recursive", "-list=true", ROOT], { encoding: "utf8" });
  assert.equal(result.status, 0, `not formatted:\n${result.stdout}`);
});

test("no credential in any committed file, and every secret-looking variable is sensitive", () => {
  const files = terraformFiles(ROOT, [".tf", ".tfvars", ".example"]);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    assert.ok(!/(api_token|api_key|secret|password)\s*=\s*"[^"$]{8,}"/i.test(text), `${file} holds a literal secret`);
    assert.ok(!/\b[A-Za-z0-9_-]{40}\b/.test(text.replace(/[0-9a-f]{32}/g, "")), `${file} holds a token-like string`);
  }
  for (const { file, json } of parsed) {
    for (const [name, [body]] of Object.entries(json.variable ?? {})) {
      if (/secret|token|password|private_key/.test(name)) {
        assert.equal(body.sensitive, true, `${file}: variable "${name}" must be sensitive`);
      }
    }
  }
});

test("every redirect keeps the query string (referral links survive) and goes to https", () => {
  const redirects = byType("cloudflare_ruleset").filter((b) => b.body.phase === "http_request_dynamic_redirect");
  assert.ok(redirects.length > 0);
  for (const { body } of redirects) {
    for (const rule of body.rules) {
      const from = rule.action_parameters.from_value;
      assert.equal(from.preserve_query_string, true, rule.description);
      assert.match(from.target_url.expression, /^concat\("https:\/\//, rule.description);
    }
  }
});

test("the cache bypass covers every route the service documents, and only the Worker's own pages are cached", () => {
  const openapi = readFileSync(join(REPO, "docs", "openapi.yaml"), "utf8");
  const paths = [...openapi.matchAll(/^ {2}(\/[^:]*):\s*$/gm)].map((m) => m[1]);
  assert.ok(paths.length > 20, "paths read from docs/openapi.yaml");
  const locals = Object.assign({}, ...parsed.flatMap(({ json }) => json.locals ?? []));
  for (const path of paths.filter((p) => p !== "/")) {
    assert.ok(locals.dynamic_prefixes.some((prefix) => path.startsWith(prefix)), `${path} is not bypassed`);
  }
  for (const prefix of locals.dynamic_prefixes) {
    assert.ok(paths.some((path) => path.startsWith(prefix)), `${prefix} matches no route of the service`);
  }
});

test("the rate-limited and WAF-guarded routes exist in the service", () => {
  const openapi = readFileSync(join(REPO, "docs", "openapi.yaml"), "utf8");
  for (const path of ["/api/v1/waitlists/{slug}/signups", "/api/v1/forms/{slug}/submissions", "/api/v1/confirmations", "/metrics", "/_dev/mail"]) {
    assert.ok(openapi.includes(`\n  ${path}:`), `${path} is not a route of the service`);
  }
});

test("the health check asks /readyz, the route the service answers readiness on", () => {
  const [check] = byType("cloudflare_healthcheck");
  assert.equal(check.body.http_config.path, "/readyz");
  assert.ok(readFileSync(join(REPO, "docs", "openapi.yaml"), "utf8").includes("\n  /readyz:"));
});

test("the Worker's origin-lock header is the service's, and its secret is a secret binding", () => {
  const service = readFileSync(join(REPO, "app/src/main/java/dev/launchline/edge/EdgeSettings.java"), "utf8");
  const serviceDefault = /env\.get\("ORIGIN_LOCK_HEADER", "([^"]+)"\)/.exec(service)[1];
  const wrangler = readFileSync(join(REPO, "cloudflare/wrangler.jsonc"), "utf8");
  assert.equal(/"ORIGIN_LOCK_HEADER": "([^"]+)"/.exec(wrangler)[1], serviceDefault);
  const [script] = byType("cloudflare_workers_script");
  const bindings = Object.fromEntries(script.body.bindings.map((b) => [b.name, b]));
  assert.equal(bindings.ORIGIN_LOCK_HEADER.text, serviceDefault);
  assert.equal(bindings.ORIGIN_LOCK_SECRET.type, "secret_text");
  assert.match(script.body.content, /worker_script_path/);
  assert.match(readFileSync(join(REPO, "cloudflare/package.json"), "utf8"), /--outdir dist/); // where the bundle is built
});

test("exactly one SPF record, and no +all", () => {
  const spf = byType("cloudflare_dns_record").filter(({ body }) => /spf1|local\.spf/.test(String(body.content)));
  assert.equal(spf.length, 1, spf.map((b) => b.name).join(", "));
  const locals = Object.assign({}, ...parsed.flatMap(({ json }) => json.locals ?? []));
  assert.match(locals.spf, /"~all"/); // everything else soft-fails
  assert.ok(!/[+?]all/.test(locals.spf), locals.spf);
});

test("staging and production are separate roots with their own state", () => {
  for (const env of ["staging", "production"]) {
    const main = readFileSync(join(ROOT, "environments", env, "main.tf"), "utf8");
    assert.match(main, new RegExp(`environment\\s+= "${env}"`));
    assert.match(readFileSync(join(ROOT, "environments", env, "backend.tf"), "utf8"), new RegExp(`launchline/${env}\\.tfstate`));
  }
  // installs nothing and runs nothing against an account: this folder is checked offline only
  assert.ok(execFileSync("git", ["check-ignore", "-q", "environments/staging/terraform.tfvars"], { cwd: ROOT, stdio: "pipe" }) !== null);
});

test("a validation that refers to another variable needs Terraform 1.9, and the module asks for it", () => {
  for (const { file, json } of parsed) {
    for (const [name, [body]] of Object.entries(json.variable ?? {})) {
      for (const validation of body.validation ?? []) {
        const others = [...String(validation.condition).matchAll(/var\.([a-z0-9_]+)/g)].map((m) => m[1]).filter((v) => v !== name);
        if (others.length > 0) {
          const versions = parsed.filter((p) => p.file.startsWith(file.split("/").slice(0, -1).join("/")))
            .flatMap((p) => p.json.terraform ?? []).map((t) => t.required_version).filter(Boolean);
          assert.ok(versions.some((v) => /1\.(9|[1-9][0-9])/.test(v)), `${file}: ${name}'s validation refers to ${others} but required_version is ${versions}`);
        }
      }
    }
  }
});

test("the firewall lets through every method the service's routes accept", () => {
  const openapi = readFileSync(join(REPO, "docs", "openapi.yaml"), "utf8");
  const methods = new Set([...openapi.matchAll(/^ {4}(get|post|put|patch|delete|options|head):\s*$/gm)].map((m) => m[1].toUpperCase()));
  const [firewall] = byType("cloudflare_ruleset").filter((b) => b.body.phase === "http_request_firewall_custom");
  const allowList = firewall.body.rules.map((r) => r.expression).find((e) => e.startsWith("(not http.request.method in"));
  for (const method of methods) assert.ok(allowList.includes(`"${method}"`), `${method} would be blocked at the edge`);
});
