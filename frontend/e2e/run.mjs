#!/usr/bin/env node
/**
 * `npm run test:e2e`: builds the page if there is no build or it is older than its sources, runs
 * the browser tests one file at a time with node's test runner, and prints the performance
 * figures as the last line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, FRONTEND, OUT_DIR, ensureArtifacts } from './harness.mjs';

/** The newest modification time under `p` (a file or a directory), in ms. */
function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((m, e) => Math.max(m, newest(path.join(p, e))), st.mtimeMs);
}

// A build older than the page's sources would measure yesterday's page: build again.
const SOURCES = ['app', 'components', 'hooks', 'lib', 'types', 'next.config.ts', 'package.json', 'package-lock.json'];
const built = newest(path.join(OUT_DIR, 'index.html'));
if (built === 0 || SOURCES.some((s) => newest(path.join(FRONTEND, s)) > built)) {
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
