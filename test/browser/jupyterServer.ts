/**
 * A throwaway JupyterLab server for the browser test: the project venv, 127.0.0.1 on a free port,
 * a random token, no browser, fresh config / runtime / settings / workspace folders, serving a
 * temp folder (so nothing the UI saves lands on the committed notebooks).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface JupyterServer {
  url: string;
  token: string;
  rootDir: string;
  /** server output so far (for failure messages) */
  log(): string;
  /** shuts the kernels and the server down; kills it if it does not stop within 20 s */
  stop(): Promise<void>;
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(p: ChildProcess, ms: number): Promise<boolean> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts JupyterLab serving `rootDir` and waits until its API answers (at most `startupMs`).
 * `env` is added to the server's environment (kernels inherit it).
 */
export async function startJupyterLab(
  rootDir: string,
  stateDir: string,
  env: Record<string, string>,
  startupMs = 120_000,
): Promise<JupyterServer> {
  const jupyter = path.join(ROOT, '.venv', 'bin', 'jupyter');
  if (!fs.existsSync(jupyter)) {
    throw new Error(`startJupyterLab: ${jupyter} not found; run npm run setup:python first`);
  }
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const dirs = Object.fromEntries(
    ['config', 'runtime', 'settings', 'workspaces'].map((d) => {
      const p = path.join(stateDir, d);
      fs.mkdirSync(p, { recursive: true });
      return [d, p];
    }),
  );
  // Render every cell (no virtual scrolling), so outputs below the fold are in the DOM; no autosave.
  const trackerSettings = path.join(dirs.settings, '@jupyterlab', 'notebook-extension');
  fs.mkdirSync(trackerSettings, { recursive: true });
  fs.writeFileSync(
    path.join(trackerSettings, 'tracker.jupyterlab-settings'),
    JSON.stringify({ windowingMode: 'none' }),
  );
  // No "get notified about Jupyter news?" toast (nothing is fetched anyway: requests off this
  // machine are refused).
  const appSettings = path.join(dirs.settings, '@jupyterlab', 'apputils-extension');
  fs.mkdirSync(appSettings, { recursive: true });
  fs.writeFileSync(
    path.join(appSettings, 'notification.jupyterlab-settings'),
    JSON.stringify({ fetchNews: 'false', checkForUpdates: false }),
  );
  const docSettings = path.join(dirs.settings, '@jupyterlab', 'docmanager-extension');
  fs.mkdirSync(docSettings, { recursive: true });
  fs.writeFileSync(
    path.join(docSettings, 'plugin.jupyterlab-settings'),
    JSON.stringify({ autosave: false }),
  );
  const args = [
    'lab',
    '--no-browser',
    '--allow-root', // CI runs as root
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${rootDir}`,
    `--LabApp.user_settings_dir=${dirs.settings}`,
    `--LabApp.workspaces_dir=${dirs.workspaces}`,
    '--LabApp.expose_app_in_browser=True',
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    '--LabApp.news_url=None',
    '--LabApp.extension_manager=readonly', // no PyPI queries from the extension manager
  ];
  const proc = spawn(jupyter, args, {
    cwd: rootDir,
    env: {
      ...process.env,
      PATH: `${path.join(ROOT, '.venv', 'bin')}:${process.env.PATH ?? ''}`,
      JUPYTER_CONFIG_DIR: dirs.config,
      JUPYTER_RUNTIME_DIR: dirs.runtime,
      JUPYTER_PLATFORM_DIRS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (b) => {
    output += b.toString();
  });
  proc.stderr?.on('data', (b) => {
    output += b.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const server: JupyterServer = {
    url,
    token,
    rootDir,
    log: () => output,
    async stop() {
      if (proc.exitCode !== null) return;
      try {
        // Shuts down every kernel, then the server (kernels run in their own sessions, so a
        // signal to the server alone could leave them behind).
        await fetch(`${url}/api/shutdown`, {
          method: 'POST',
          headers: { Authorization: `token ${token}` },
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        // fall through to the signals
      }
      if (await exited(proc, 20_000)) return;
      proc.kill('SIGTERM');
      if (await exited(proc, 10_000)) return;
      proc.kill('SIGKILL');
      await exited(proc, 5_000);
    },
  };
  const deadline = Date.now() + startupMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`startJupyterLab: jupyter lab exited with ${proc.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/status`, {
        headers: { Authorization: `token ${token}` },
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) return server;
    } catch {
      // not up yet
    }
    await sleep(500);
  }
  await server.stop();
  throw new Error(`startJupyterLab: no answer from ${url} within ${startupMs} ms:\n${output}`);
}
