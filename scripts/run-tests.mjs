#!/usr/bin/env node
// `npm test`: system packages, lint, typecheck, then every workspace's tests. Stops at the first
// failing step and exits non-zero; ends with one summary line counting the tests that ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(title, command, args, options = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (${seconds}s)`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${title} (${seconds}s)`);
}

/** Workspaces in dependency order: packages before apps, e2e last. */
function workspaces() {
  const list = [];
  for (const pattern of rootPackage.workspaces) {
    const base = pattern.replace(/\/\*$/, '');
    const dirs = pattern.endsWith('/*')
      ? spawnSync('ls', [join(root, base)], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map((d) => join(base, d))
      : [base];
    for (const dir of dirs) {
      const file = join(root, dir, 'package.json');
      if (existsSync(file)) list.push({ dir, pkg: JSON.parse(readFileSync(file, 'utf8')) });
    }
  }
  return list;
}

run('system packages', 'bash', ['scripts/ensure-system-packages.sh']);
run('lint (biome)', 'npx', ['biome', 'check', '.']);

const all = workspaces();
for (const { dir, pkg } of all) {
  if (pkg.scripts?.typecheck)
    run(`typecheck ${pkg.name}`, 'npm', ['run', 'typecheck', '--silent'], { cwd: join(root, dir) });
}

const reports = mkdtempSync(join(tmpdir(), 'indicium-tests-'));
let passed = 0;
let failed = 0;
for (const { dir, pkg } of all) {
  if (!pkg.scripts?.test) continue;
  const out = join(reports, `${pkg.name.replace(/\W/g, '_')}.json`);
  const args = [
    'run',
    'test',
    '--silent',
    '--',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${out}`,
  ];
  console.log(`\n▶ test ${pkg.name}`);
  const result = spawnSync('npm', args, { cwd: join(root, dir), stdio: 'inherit' });
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
  }
  if (result.status !== 0) {
    console.error(`✖ test ${pkg.name} failed`);
    console.log(`\n${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ test ${pkg.name}`);
}
rmSync(reports, { recursive: true, force: true });
if (passed === 0) {
  console.error('✖ no test ran');
  process.exit(1);
}
console.log(`\n${passed} passed, ${failed} failed`);
