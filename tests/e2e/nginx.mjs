/**
 * nginx in front of an exchange, configured by the shipped site (deploy/nginx/exchange.conf)
 * with this run's ports and a throwaway certificate for 127.0.0.1: what the TLS tests of the
 * API (tls_proxy.test.mjs) and of the trading page (frontend/e2e/tls.test.mjs) run against.
 * Needs nginx and openssl (deploy/install-deps.sh --test installs both).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './harness.mjs';

const SITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/nginx/exchange.conf');
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
const TEMP_DIRS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * Starts nginx proxying to the exchange's REST port `upstreamPort`; resolves once it answers
 * over TLS. Returns { tlsPort, plainPort, ca (the certificate, PEM), stop() }.
 */
export async function startNginx(upstreamPort) {
  if (!NGINX) throw new Error('nginx is not installed (deploy/install-deps.sh --test installs it)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-nginx-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const tlsPort = await freePort();
  const plainPort = await freePort();

  // The shipped site with this run's ports and files: each replacement must apply.
  let site = readFileSync(SITE, 'utf8');
  for (const [from, to] of [
    ['server 127.0.0.1:3001;', `server 127.0.0.1:${upstreamPort};`],
    ['listen 80;', `listen 127.0.0.1:${plainPort};`],
    ['listen 443 ssl;', `listen 127.0.0.1:${tlsPort} ssl;`],
    ['/etc/ssl/certs/exchange.pem', path.join(dir, 'cert.pem')],
    ['/etc/ssl/private/exchange.key', path.join(dir, 'key.pem')],
  ]) {
    if (!site.includes(from)) throw new Error(`deploy/nginx/exchange.conf no longer has "${from}"`);
    site = site.replace(from, to);
  }
  writeFileSync(path.join(dir, 'exchange.conf'), site);
  for (const d of TEMP_DIRS) mkdirSync(path.join(dir, d));
  writeFileSync(path.join(dir, 'nginx.conf'), [
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`,
    'events { worker_connections 256; }',
    'http {', '  access_log off;',
    ...TEMP_DIRS.map((d) => `  ${d}_temp_path ${dir}/${d};`),
    `  include ${dir}/exchange.conf;`, '}', ''].join('\n'));

  const proc = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; ++i) {
    const up = await new Promise((resolve) => {
      const c = net.connect(tlsPort, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 200 || proc.exitCode !== null) {
      await stop();
      throw new Error(`nginx did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { tlsPort, plainPort, ca: readFileSync(path.join(dir, 'cert.pem')), stop };
}
