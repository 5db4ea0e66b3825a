// No secret in the repository: every tracked file, and every change in the git history (a secret
// committed once and deleted later is still in every clone). secretlint with its recommended
// preset (cloud keys, private keys, tokens of the common SaaS APIs, credentials in URLs).
// Exit 1 with the findings, 0 when there are none.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const deploy = dirname(fileURLToPath(import.meta.url));
const repository = join(deploy, "..");
const secretlint = join(deploy, "node_modules", ".bin", "secretlint");
const config = join(deploy, ".secretlintrc.json");

function git(...args) {
  return execFileSync("git", ["-C", repository, ...args], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
}

function scan(files, what) {
  const result = spawnSync(secretlint, ["--secretlintrc", config, "--format", "stylish", ...files],
    { cwd: repository, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    console.error(`secret scan of ${what}: findings (or secretlint failed, exit ${result.status})`);
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  console.log(`secret scan of ${what}: no findings`);
}

let inRepository = true;
try {
  git("rev-parse", "--git-dir");
} catch {
  inRepository = false;
}
if (!inRepository) {
  console.log("skipped: the secret scan needs the git repository (a source archive has no history to scan)");
  process.exit(0);
}

const tracked = git("ls-files", "-z").split("\0").filter((file) => file.length > 0);
scan(tracked, `the tree (${tracked.length} tracked files)`);

// inside the repository (secretlint scans only below its working directory), in an ignored folder
const dir = join(deploy, "target");
mkdirSync(dir, { recursive: true });
try {
  const history = join(dir, "history.patch");
  writeFileSync(history, git("log", "--all", "--patch", "--no-color", "--no-ext-diff"));
  const commits = git("rev-list", "--all", "--count").trim();
  scan([history], `the history (${commits} commits)`);
} finally {
  rmSync(join(dir, "history.patch"), { force: true });
}
