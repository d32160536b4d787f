#!/usr/bin/env node
/**
 * `npm run test:e2e`: builds the page if there is no build yet, runs the browser tests one file
 * at a time with node's test runner, and prints the performance figures as the last line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, FRONTEND, OUT_DIR, ensureArtifacts } from './harness.mjs';

if (!existsSync(path.join(OUT_DIR, 'index.html'))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: FRONTEND, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
ensureArtifacts();
const perfFile = path.join(ARTIFACTS, 'perf.txt');
rmSync(perfFile, { force: true });

const dir = path.join(FRONTEND, 'e2e');
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .map((f) => path.join(dir, f));
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: FRONTEND, stdio: 'inherit' });
if (existsSync(perfFile)) process.stdout.write(readFileSync(perfFile, 'utf8'));
process.exit(run.status ?? 1);
