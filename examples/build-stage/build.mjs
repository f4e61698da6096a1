// The example's build: turns src/<resource>/ into resources/<resource>/, the way tsc or esbuild
// would turn TypeScript into the JavaScript alt:V loads. .mjs sources become .js with a banner;
// everything else (resource.toml) is copied. Only files whose content changed are written, and
// files whose source is gone are removed, so the server sees exactly what changed.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync, statSync } from "node:fs";
import { join, dirname, relative } from "node:path";

const started = Date.now();
const root = dirname(new URL(import.meta.url).pathname);
const source = join(root, "src");
const target = join(root, "resources");

function walk(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function output(path) {
  const rel = relative(source, path);
  return join(target, rel.endsWith(".mjs") ? rel.slice(0, -4) + ".js" : rel);
}

function transform(path, text) {
  if (!path.endsWith(".mjs")) return text;
  // A syntax check stands in for a type check: a broken file fails the build, not the server.
  if (/^\s*SYNTAX ERROR/m.test(text)) {
    console.error(`${relative(root, path)}: error: syntax error (the example's stand-in for a compile error)`);
    process.exitCode = 2;
  }
  return `// built by build.mjs from ${relative(root, path)}; edit the source, not this file\n${text}`;
}

const wanted = new Set();
let written = 0;
for (const path of walk(source)) {
  const destination = output(path);
  wanted.add(destination);
  const text = transform(path, readFileSync(path, "utf8"));
  if (existsSync(destination) && readFileSync(destination, "utf8") === text) continue;
  mkdirSync(dirname(destination), { recursive: true });
  writeFileSync(destination, text);
  written++;
}
let removed = 0;
for (const path of existsSync(target) ? walk(target) : []) {
  if (path.endsWith(".gitignore") || wanted.has(path)) continue;
  rmSync(path);
  removed++;
}
if (process.exitCode) process.exit();
const changed = (process.env.ALTV_DEV_CHANGED || "").split("\n").filter(Boolean).length;
console.log(`built resources/ from src/ (${changed} changed source(s)): ${written} written, ${removed} removed in ${Date.now() - started} ms`);
