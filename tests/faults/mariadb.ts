// Restarting the local MariaDB for the fault drill. No systemd here (and none in CI's container):
// `mariadb-admin shutdown` stops the server cleanly (it waits for it to go), and mariadbd comes back
// the way .ci/run starts it, through start-stop-daemon, or through the init script when that is
// missing.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)
const MARIADBD = '/usr/sbin/mariadbd'

/** mariadb-admin arguments for the server in `url`, over TCP. */
function tcpArgs(url: URL): string[] {
	const args = [`-h${url.hostname}`, `-P${url.port || '3306'}`, `-u${decodeURIComponent(url.username || 'root')}`]
	if (url.password) args.push(`-p${decodeURIComponent(url.password)}`)
	return args
}

export function isLocal(url: URL): boolean {
	return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname)
}

export async function isUp(url: URL): Promise<boolean> {
	try {
		// `ping` exits 0 when the server answers, even if the login is refused.
		await run('mariadb-admin', [...tcpArgs(url), '--connect-timeout=2', '--silent', 'ping'], { timeout: 5_000 })
		return true
	} catch {
		return false
	}
}

async function daemonRunning(): Promise<boolean> {
	try {
		await run('start-stop-daemon', ['--status', '--exec', MARIADBD])
		return true
	} catch {
		return false
	}
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`MariaDB: timed out waiting for ${what}`)
		await new Promise((r) => setTimeout(r, 200))
	}
}

export async function stopMariadb(url: URL): Promise<void> {
	try {
		// root through the socket (CI runs as root); the URL's user may lack SHUTDOWN.
		await run('mariadb-admin', ['-uroot', 'shutdown'], { timeout: 60_000 })
	} catch {
		await run('mariadb-admin', [...tcpArgs(url), 'shutdown'], { timeout: 60_000 })
	}
	await waitFor(async () => !(await isUp(url)), 60_000, 'the server to stop answering')
	if (fs.existsSync('/usr/sbin/start-stop-daemon')) await waitFor(async () => !(await daemonRunning()), 60_000, 'mariadbd to exit')
}

export async function startMariadb(url: URL): Promise<void> {
	if (await isUp(url)) return
	fs.mkdirSync('/run/mysqld', { recursive: true })
	await run('chown', ['mysql:mysql', '/run/mysqld']).catch(() => {})
	if (fs.existsSync('/usr/sbin/start-stop-daemon')) {
		await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD])
	} else {
		await run('service', ['mariadb', 'start'], { timeout: 120_000 })
	}
	await waitFor(() => isUp(url), 120_000, 'the server to answer')
}

/** Makes sure the server is running (after a failed drill, say); true when it had to be started. */
export async function ensureMariadb(url: URL): Promise<boolean> {
	if (await isUp(url)) return false
	await startMariadb(url)
	return true
}
